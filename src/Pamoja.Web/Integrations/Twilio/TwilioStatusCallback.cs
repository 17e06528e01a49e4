using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Pamoja.Web.Integrations.Twilio;

/// One delivery report for a message Pamoja sent (protocols.md §4.5). Status is Twilio's
/// lower-case word ("sent", "delivered", "undelivered"…); ErrorCode comes with a failure
/// (30003 unreachable, 63016 outside the WhatsApp window).
public sealed record TwilioStatus(string MessageSid, string Status, int? ErrorCode, string Channel);

public static partial class TwilioStatusCallback
{
    /// Never throws: a form that is not a well-formed status callback is false.
    public static bool TryParse(IReadOnlyDictionary<string, string>? form, [NotNullWhen(true)] out TwilioStatus? s)
    {
        s = null;
        if (form is null)
            return false;
        var sid = Get(form, "MessageSid") ?? Get(form, "SmsSid");
        if (!TwilioIds.IsMessageSid(sid))
            return false;
        var status = Get(form, "MessageStatus") is { Length: > 0 } messageStatus ? messageStatus : Get(form, "SmsStatus");
        if (status is null || !StatusPattern().IsMatch(status))
            return false;

        int? errorCode = null;
        if (Get(form, "ErrorCode") is { Length: > 0 } code)
        {
            if (!int.TryParse(code, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
                return false;
            errorCode = parsed;
        }

        var whatsApp = string.Equals(Get(form, "ChannelPrefix"), "whatsapp", StringComparison.Ordinal)
            || (Get(form, "To")?.StartsWith(TwilioIds.WhatsAppPrefix, StringComparison.Ordinal) ?? false)
            || (Get(form, "From")?.StartsWith(TwilioIds.WhatsAppPrefix, StringComparison.Ordinal) ?? false);
        s = new TwilioStatus(sid!, status, errorCode, whatsApp ? "whatsapp" : "sms");
        return true;
    }

    /// Where a status sits in a message's life. Callbacks arrive out of order and twice, so a
    /// report is applied only when it ranks above the one recorded: "sent" after "delivered"
    /// changes nothing. Failures are final: nothing moves a message out of them. Unknown
    /// statuses rank 0 and never overwrite a known one.
    public static int Rank(string? status) => status switch
    {
        "accepted" or "scheduled" or "queued" => 1,
        "sending" => 2,
        "sent" => 3,
        "delivered" => 4,
        "read" => 5,
        "failed" or "undelivered" or "canceled" => 6,
        _ => 0,
    };

    public static bool IsFinal(string? status) => status is "failed" or "undelivered" or "canceled";

    /// Whether a report of `incoming` should replace the recorded `current` (null: none yet).
    public static bool ShouldApply(string? current, string incoming) =>
        !IsFinal(current) && Rank(incoming) > Rank(current);

    private static string? Get(IReadOnlyDictionary<string, string> form, string name) =>
        form.TryGetValue(name, out var value) ? value : null;

    [GeneratedRegex("^[a-z_]{1,32}$")]
    private static partial Regex StatusPattern();
}
