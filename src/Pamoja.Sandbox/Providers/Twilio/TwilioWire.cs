using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Pamoja.Sandbox.Providers.Twilio;

// Twilio's wire details shared by the Messages API, the callbacks and the simulator.
public static partial class TwilioWire
{
    public const string ApiVersion = "2010-04-01";
    public const string WhatsAppPrefix = "whatsapp:";

    // "SM" + 32 lower-case hex, the shape of every message SID.
    public static string NewMessageSid() => "SM" + Guid.NewGuid().ToString("N");

    public static bool IsMessageSid(string? value) => value is not null && MessageSid().IsMatch(value);

    public static bool IsContentSid(string? value) => value is not null && ContentSid().IsMatch(value);

    // +E.164: a country code that does not start with 0, 8 to 15 digits in all.
    public static bool IsE164(string? value) => value is not null && E164().IsMatch(value);

    // The REST API's dates are RFC 2822: "Thu, 24 Aug 2023 05:01:45 +0000".
    public static string Rfc2822(DateTimeOffset instant) =>
        instant.ToUniversalTime().ToString("ddd, dd MMM yyyy HH:mm:ss '+0000'", CultureInfo.InvariantCulture);

    // Twilio's error body (protocols.md §4.4): {"code","message","more_info","status"}.
    public static IResult Error(int httpStatus, int code, string message)
    {
        var body = new JsonObject
        {
            ["code"] = code,
            ["message"] = message,
            ["more_info"] = $"https://www.twilio.com/docs/errors/{code.ToString(CultureInfo.InvariantCulture)}",
            ["status"] = httpStatus,
        };
        return Results.Text(body.ToJsonString(), "application/json; charset=utf-8", statusCode: httpStatus);
    }

    // GSM-7 fits 160 characters (153 per part when split); anything else is UCS-2, 70 (67).
    // Cosmetic, like Twilio's num_segments; WhatsApp is always one.
    public static int Segments(string body, bool whatsApp)
    {
        if (whatsApp || body.Length == 0)
        {
            return 1;
        }
        var gsm = body.All(c => c is >= ' ' and <= '~' or '\n' or '\r');
        var (single, part) = gsm ? (160, 153) : (70, 67);
        return body.Length <= single ? 1 : (body.Length + part - 1) / part;
    }

    [GeneratedRegex("^(SM|MM)[0-9a-f]{32}$")]
    private static partial Regex MessageSid();

    [GeneratedRegex("^HX[0-9a-fA-F]{32}$")]
    private static partial Regex ContentSid();

    [GeneratedRegex(@"^\+[1-9][0-9]{7,14}$")]
    private static partial Regex E164();
}
