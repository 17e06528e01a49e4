using System.Diagnostics.CodeAnalysis;
using Pamoja.Core.Phones;

namespace Pamoja.Web.Integrations.AfricasTalking;

/// An SMS a member sent to Pamoja's short code (protocols.md §5.3, AT-INBOUND). `Id` is AT's
/// id for this message: AT may deliver one message more than once, so process it once per id.
/// AT expects a 200; the reply, if any, is a separate send (with `LinkId` for premium codes).
public sealed record AtInboundSms(
    string Id,
    PhoneNumber From,
    string To,
    string Text,
    string? Date,
    DateTimeOffset? ReceivedAt,
    string? LinkId,
    string? NetworkCode)
{
    /// A concatenated SMS of ten parts; AT does not state a maximum.
    public const int MaxTextLength = 1600;

    public static bool TryParse(IReadOnlyDictionary<string, string>? form, [NotNullWhen(true)] out AtInboundSms? sms) =>
        TryParse(form, out sms, out _);

    /// Never throws. Required: `id`, `from` (+E.164), `to` (the short code or number written to).
    /// `text` absent is empty. `Date` is kept as sent; `ReceivedAt` is it parsed, read as UTC
    /// when it carries no zone (AT documents none), or null when unreadable.
    public static bool TryParse(IReadOnlyDictionary<string, string>? form, [NotNullWhen(true)] out AtInboundSms? sms, out string? error)
    {
        sms = null;
        if (form is null)
        {
            error = "no form";
            return false;
        }
        if (!AtForm.RequiredToken(form, "id", AtForm.MaxIdLength, out var id, out error) ||
            !AtForm.RequiredPhone(form, "from", out var from, out error) ||
            !AtForm.RequiredToken(form, "to", AtForm.MaxCodeLength, out var to, out error) ||
            !AtForm.OptionalText(form, "text", MaxTextLength, lineBreaks: true, out var text, out error) ||
            !AtForm.OptionalText(form, "date", 40, lineBreaks: false, out var date, out error) ||
            !AtForm.OptionalToken(form, "linkId", AtForm.MaxIdLength, out var linkId, out error) ||
            !AtForm.OptionalToken(form, "networkCode", AtForm.MaxCodeLength, out var networkCode, out error))
            return false;

        sms = new AtInboundSms(id, from, to, text ?? "", string.IsNullOrEmpty(date) ? null : date, AtForm.ParseDate(date), linkId, networkCode);
        return true;
    }
}
