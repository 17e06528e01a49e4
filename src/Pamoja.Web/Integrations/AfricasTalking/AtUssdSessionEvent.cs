using System.Diagnostics.CodeAnalysis;
using Pamoja.Core.Phones;

namespace Pamoja.Web.Integrations.AfricasTalking;

/// How a USSD session ended: the app closed it with END (Success), the user or the network
/// left it open until it timed out (Incomplete), or it broke, e.g. a bad or late answer from
/// the app (Failed, with `ErrorMessage`).
public enum AtUssdSessionStatus
{
    Success,
    Incomplete,
    Failed,
}

/// AT's end-of-session notification, posted to the USSD "events" callback URL (protocols.md
/// §5.1; field list from public integrations, the official page was not retrieved). Reply 200.
/// `Input` is the session's last cumulative text and `LastAppResponse` the app's last answer,
/// both as AT reports them.
public sealed record AtUssdSessionEvent(
    string SessionId,
    AtUssdSessionStatus Status,
    PhoneNumber PhoneNumber,
    string? ServiceCode,
    string? NetworkCode,
    long? DurationInMillis,
    long? HopsCount,
    string? Input,
    string? LastAppResponse,
    string? ErrorMessage,
    string? Date)
{
    public static bool TryParse(IReadOnlyDictionary<string, string>? form, [NotNullWhen(true)] out AtUssdSessionEvent? sessionEvent) =>
        TryParse(form, out sessionEvent, out _);

    /// Never throws. Required: `sessionId`, `status` (Success, Incomplete or Failed, any case),
    /// `phoneNumber` (+E.164). Numbers must be whole and non-negative when present.
    public static bool TryParse(IReadOnlyDictionary<string, string>? form, [NotNullWhen(true)] out AtUssdSessionEvent? sessionEvent, out string? error)
    {
        sessionEvent = null;
        if (form is null)
        {
            error = "no form";
            return false;
        }
        if (!AtForm.RequiredToken(form, "sessionId", UssdRequest.MaxSessionIdLength, out var sessionId, out error))
            return false;
        AtUssdSessionStatus? status = (AtForm.Get(form, "status") is { Length: <= 20 } word ? word.ToUpperInvariant() : null) switch
        {
            "SUCCESS" => AtUssdSessionStatus.Success,
            "INCOMPLETE" => AtUssdSessionStatus.Incomplete,
            "FAILED" => AtUssdSessionStatus.Failed,
            _ => null,
        };
        if (status is null)
        {
            error = "'status' is not one of Success, Incomplete, Failed";
            return false;
        }
        if (!AtForm.RequiredPhone(form, "phoneNumber", out var phone, out error) ||
            !AtForm.OptionalToken(form, "serviceCode", UssdRequest.MaxServiceCodeLength, out var serviceCode, out error) ||
            !AtForm.OptionalToken(form, "networkCode", AtForm.MaxCodeLength, out var networkCode, out error) ||
            // A week in milliseconds: sessions last minutes; a bigger number is not AT's.
            !AtForm.OptionalCount(form, "durationInMillis", 7L * 24 * 3600 * 1000, out var duration, out error) ||
            !AtForm.OptionalCount(form, "hopsCount", 10_000, out var hops, out error) ||
            !AtForm.OptionalText(form, "input", UssdRequest.MaxTextLength, lineBreaks: false, out var input, out error) ||
            !AtForm.OptionalText(form, "lastAppResponse", 2000, lineBreaks: true, out var lastAppResponse, out error) ||
            !AtForm.OptionalText(form, "errorMessage", 1000, lineBreaks: true, out var errorMessage, out error) ||
            !AtForm.OptionalText(form, "date", 40, lineBreaks: false, out var date, out error))
            return false;

        sessionEvent = new AtUssdSessionEvent(sessionId, status.Value, phone, serviceCode, networkCode, duration, hops,
            input, lastAppResponse, string.IsNullOrEmpty(errorMessage) ? null : errorMessage, string.IsNullOrEmpty(date) ? null : date);
        return true;
    }
}
