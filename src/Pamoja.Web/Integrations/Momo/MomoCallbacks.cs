using System.Text.Json;
using Pamoja.Core.Money;
using Pamoja.Web.Integrations.Payments;

namespace Pamoja.Web.Integrations.Momo;

/// A request-to-pay or transfer status as MTN writes it, in GET answers and in callbacks alike
/// (protocols.md §2.4–§2.6). Status is MTN's word, upper-cased; Gateway what it means to Pamoja.
public sealed record MomoStatus(
    string Status,
    GatewayStatus Gateway,
    string? FinancialTransactionId,
    string? AmountText,
    string? Currency,
    long? Amount,
    string? ExternalId,
    string? Code,
    string? Message);

/// Parses MoMo callbacks. Total: any input at all gives a notice or null, never an exception,
/// because the body is whatever reached a public URL.
public static class MomoCallbacks
{
    /// Real bodies are a few hundred bytes; anything near this is not MTN.
    public const int MaxBodyLength = 64 * 1024;

    private const int MaxIdLength = 64;
    private const int MaxCodeLength = 100;
    private const int MaxMessageLength = 500;

    /// The notice a callback carries, or null when it is not a valid MoMo callback. The body
    /// has no reference id, so it comes from the callback URL's ?ref= (see
    /// MomoReference.CallbackUrl); a "referenceId" in the body is used only when the query has
    /// none. NoticeKey is "momo:{ref}:{STATUS}": five copies of one callback are one notice, and
    /// a PENDING callback and the final one are two.
    public static ProviderNotice? Parse(string? body, string? referenceFromQuery)
    {
        if (string.IsNullOrEmpty(body) || body.Length > MaxBodyLength)
            return null;
        try
        {
            using var doc = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 16 });
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                return null;
            var reference = NormalizeReference(referenceFromQuery)
                ?? (root.TryGetProperty("referenceId", out var r) && r.ValueKind == JsonValueKind.String ? NormalizeReference(r.GetString()) : null);
            if (reference is null || ReadStatus(root) is not { } status)
                return null;
            return new ProviderNotice(MomoGateway.ProviderName, $"momo:{reference}:{status.Status}", reference, status.Gateway,
                Receipt: status.Gateway == GatewayStatus.Succeeded ? status.FinancialTransactionId : null,
                Amount: status.Amount, Code: status.Code, Message: status.Message);
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or InvalidOperationException or FormatException or OverflowException)
        {
            // JsonException is the expected one; the rest are here so "never throws" does not
            // rest on a reading of every code path.
            return null;
        }
    }

    /// A reference id as Pamoja stores it (lower-case 8-4-4-4-12), or null if it is not a UUID.
    public static string? NormalizeReference(string? value) =>
        value is { Length: <= 40 } && Guid.TryParse(value.Trim(), out var id) && id != Guid.Empty ? id.ToString("D") : null;

    /// Reads a status body (GET answer or callback); null when it is not one. Strict about
    /// types: a field of the wrong type means the body is not MTN's, not a field to skip.
    public static MomoStatus? ReadStatus(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
            return null;
        if (!root.TryGetProperty("status", out var statusElement) || statusElement.ValueKind != JsonValueKind.String)
            return null;
        var status = statusElement.GetString()!.Trim().ToUpperInvariant();
        GatewayStatus? gateway = status switch
        {
            "PENDING" => GatewayStatus.Pending,
            "SUCCESSFUL" => GatewayStatus.Succeeded,
            // FAILED is what MTN sends today; the older spec and SDKs also carry these (§2.4).
            "FAILED" or "REJECTED" or "TIMEOUT" or "EXPIRED" => GatewayStatus.Failed,
            _ => null,
        };
        if (gateway is null)
            return null;

        if (!OptionalString(root, "financialTransactionId", MaxIdLength, out var receipt)
            || !OptionalString(root, "externalId", 256, out var externalId)
            || !OptionalString(root, "amount", 40, out var amountText)
            || !OptionalString(root, "currency", 3, out var currencyCode)
            || !OptionalObject(root, "payer")
            || !OptionalObject(root, "payee"))
            return null;

        long? amount = null;
        if (amountText is not null && currencyCode is not null && Currency.TryGet(currencyCode, out var currency))
            amount = MomoMarkets.MinorUnits(amountText, currency);

        string? code = null, message = null;
        if (root.TryGetProperty("reason", out var reason) && reason.ValueKind != JsonValueKind.Null)
        {
            // Both shapes are in the wild (§2.4): "NOT_ENOUGH_FUNDS" or {"code","message"}.
            switch (reason.ValueKind)
            {
                case JsonValueKind.String:
                    code = reason.GetString();
                    if (code!.Length > MaxCodeLength) return null;
                    break;
                case JsonValueKind.Object:
                    if (!OptionalString(reason, "code", MaxCodeLength, out code)) return null;
                    if (!OptionalString(reason, "message", int.MaxValue, out message)) return null;
                    break;
                default:
                    return null;
            }
        }
        if (message is { Length: > MaxMessageLength })
            message = message[..MaxMessageLength];
        if (gateway != GatewayStatus.Failed)
            (code, message) = (null, null);
        else if (string.IsNullOrWhiteSpace(code))
            code = status;

        return new MomoStatus(status, gateway.Value, string.IsNullOrWhiteSpace(receipt) ? null : receipt, amountText, currencyCode, amount, externalId,
            code, message);
    }

    // Absent or null: fine, value null. A string within maxLength: fine. Anything else: not MTN's.
    private static bool OptionalString(JsonElement parent, string name, int maxLength, out string? value)
    {
        value = null;
        if (!parent.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
            return true;
        if (element.ValueKind != JsonValueKind.String)
            return false;
        value = element.GetString();
        return value!.Length <= maxLength;
    }

    private static bool OptionalObject(JsonElement parent, string name) =>
        !parent.TryGetProperty(name, out var element) || element.ValueKind is JsonValueKind.Object or JsonValueKind.Null;
}
