using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Pamoja.Web.Integrations.Payments;

namespace Pamoja.Web.Integrations.Momo;

/// The identifiers Pamoja puts on MoMo requests.
public static class MomoReference
{
    /// The X-Reference-Id of one attempt of one payment: a UUID v4 made from a hash of (payment,
    /// attempt, direction) rather than drawn at random. MTN keys the resource on it (§2.7), so
    /// sending the same attempt again — after a crash, a timeout, a second worker — names the
    /// same resource and is refused with 409, never carried out twice; and QueryAsync can find an
    /// attempt whose answer was lost without anything having been stored.
    public static Guid For(Guid paymentId, int attempt, PaymentDirection direction) =>
        V4FromText(string.Create(CultureInfo.InvariantCulture,
            $"pamoja:momo:{paymentId:N}:{attempt}:{(direction == PaymentDirection.Collection ? "collection" : "payout")}"));

    /// What MTN shows officials for reconciliation; it need not be unique at MTN (§2.3).
    public static string ExternalId(Guid paymentId, int attempt) =>
        string.Create(CultureInfo.InvariantCulture, $"{paymentId:N}-{attempt}");

    /// The webhook URL for one request. The callback body carries no reference id, so it rides
    /// in the query string.
    public static Uri CallbackUrl(Uri callbackBase, Guid referenceId, string? token = null)
    {
        ArgumentNullException.ThrowIfNull(callbackBase);
        return new Uri(callbackBase, $"webhooks/momo?ref={referenceId:D}" + (token is null ? "" : "&k=" + Uri.EscapeDataString(token)));
    }

    /// SHA-256 of the text, first 16 bytes, with the version (4) and RFC 4122 variant bits set:
    /// a valid v4 UUID that MTN's format check accepts, yet the same every time.
    internal static Guid V4FromText(string text)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(text), hash);
        var bytes = hash[..16];
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x40);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true);
    }

    /// True for a version-4, RFC 4122-variant UUID.
    public static bool IsV4(Guid id)
    {
        var text = id.ToString("D");
        return text[14] == '4' && text[19] is ('8' or '9' or 'a' or 'b');
    }
}
