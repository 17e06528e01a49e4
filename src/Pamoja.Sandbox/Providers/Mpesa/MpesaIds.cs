using System.Globalization;
using System.Security.Cryptography;

namespace Pamoja.Sandbox.Providers.Mpesa;

// Identifiers in the shapes Daraja uses (protocols.md §1.2-§1.6). Receipts are unique for the
// life of the process, because Pamoja books money against them.
public sealed class MpesaIds
{
    private const string Upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    private const string UpperDigits = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    private const string Alphanumeric = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    private readonly HashSet<string> _receipts = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private long _sequence;

    // "SGH7RT61SV": ten upper-case letters and digits, a letter first.
    public string Receipt()
    {
        lock (_gate)
        {
            while (true)
            {
                var candidate = RandomNumberGenerator.GetString(Upper, 1) + RandomNumberGenerator.GetString(UpperDigits, 9);
                if (_receipts.Add(candidate))
                {
                    return candidate;
                }
            }
        }
    }

    // "29115-34620561-1": Daraja's request ids (MerchantRequestID, a generated
    // OriginatorConversationID, an error's requestId). The sequence keeps them unique.
    public string RequestId() =>
        string.Create(CultureInfo.InvariantCulture, $"{RandomNumberGenerator.GetInt32(1000, 99999)}-{Next():D8}-1");

    // "ws_CO_191220191020363925": ws_CO_, the Nairobi time ddMMyyyyHHmmss, then digits.
    public string CheckoutRequestId(DateTimeOffset now) =>
        string.Create(CultureInfo.InvariantCulture, $"ws_CO_{MpesaTime.Nairobi(now):ddMMyyyyHHmmss}{Next() % 1_000_000:D6}");

    // "AG_20240706_2010325b025970fbc403".
    public string ConversationId(DateTimeOffset now) =>
        string.Create(CultureInfo.InvariantCulture, $"AG_{MpesaTime.Nairobi(now):yyyyMMdd}_{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(10))}");

    // Daraja's tokens are 28 letters and digits.
    public static string AccessToken() => RandomNumberGenerator.GetString(Alphanumeric, 28);

    private long Next() => Interlocked.Increment(ref _sequence);
}

// Daraja's timestamps are Kenyan local time (protocols.md §1.7). Kenya keeps UTC+3 all year;
// the fixed offset is the fallback where the time-zone database is missing.
public static class MpesaTime
{
    private static readonly TimeZoneInfo Zone =
        TimeZoneInfo.TryFindSystemTimeZoneById("Africa/Nairobi", out var zone) ? zone : TimeZoneInfo.CreateCustomTimeZone("EAT", TimeSpan.FromHours(3), "EAT", "EAT");

    public static DateTime Nairobi(DateTimeOffset instant) => TimeZoneInfo.ConvertTime(instant, Zone).DateTime;

    // yyyyMMddHHmmss as a number, as STK callbacks carry TransactionDate.
    public static long CompactNumber(DateTimeOffset instant) =>
        long.Parse(Nairobi(instant).ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    public static string Compact(DateTimeOffset instant) => Nairobi(instant).ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);

    // "06.07.2024 22:48:52", B2C's TransactionCompletedDateTime.
    public static string Dotted(DateTimeOffset instant) => Nairobi(instant).ToString("dd.MM.yyyy HH:mm:ss", CultureInfo.InvariantCulture);
}
