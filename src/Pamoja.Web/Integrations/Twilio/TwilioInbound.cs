using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.RegularExpressions;
using Pamoja.Core.Phones;

namespace Pamoja.Web.Integrations.Twilio;

/// One inbound SMS or WhatsApp message (protocols.md §4.1). From and To are +E.164 without the
/// "whatsapp:" prefix; Channel says which it was. MessageSid is the de-duplication key: Twilio
/// re-delivers a message whose webhook failed.
public sealed record TwilioInbound(
    string MessageSid,
    string AccountSid,
    string Channel,
    string From,
    string To,
    string Body,
    string? ProfileName,
    string? WaId,
    string? ButtonPayload,
    int NumMedia)
{
    public const int MaxBody = 1600;

    // Generous bounds for the free-text extras: a value past them is not Twilio's.
    private const int MaxProfileName = 256;
    private const int MaxButtonPayload = 4096;

    /// Never throws: a form that is not a well-formed inbound message is false, whatever it holds.
    public static bool TryParse(IReadOnlyDictionary<string, string>? form, [NotNullWhen(true)] out TwilioInbound? msg)
    {
        msg = null;
        if (form is null)
            return false;
        if (!TwilioIds.IsMessageSid(Get(form, "MessageSid")) || !TwilioIds.IsAccountSid(Get(form, "AccountSid")))
            return false;
        if (!TwilioIds.TryAddress(Get(form, "From"), out var fromChannel, out var from) ||
            !TwilioIds.TryAddress(Get(form, "To"), out var toChannel, out var to) || fromChannel != toChannel)
            return false;

        var body = Get(form, "Body") ?? "";
        if (body.Length > MaxBody)
            return false;

        var numMedia = 0;
        if (Get(form, "NumMedia") is { Length: > 0 } media &&
            (!int.TryParse(media, NumberStyles.None, CultureInfo.InvariantCulture, out numMedia) || numMedia > 10))
            return false;

        var profileName = Optional(form, "ProfileName");
        if (profileName is { Length: > MaxProfileName })
            return false;
        var buttonPayload = Optional(form, "ButtonPayload");
        if (buttonPayload is { Length: > MaxButtonPayload })
            return false;
        // WaId is the sender's WhatsApp id, digits only; anything else is dropped, not trusted.
        var waId = Optional(form, "WaId") is { } id && TwilioIds.IsDigits(id) ? id : null;

        msg = new TwilioInbound(Get(form, "MessageSid")!, Get(form, "AccountSid")!, fromChannel, from, to, body, profileName, waId, buttonPayload, numMedia);
        return true;
    }

    private static string? Get(IReadOnlyDictionary<string, string> form, string name) =>
        form.TryGetValue(name, out var value) ? value : null;

    private static string? Optional(IReadOnlyDictionary<string, string> form, string name) =>
        Get(form, name) is { Length: > 0 } value ? value : null;
}

/// The shapes of Twilio's identifiers and channel addresses.
internal static partial class TwilioIds
{
    public const string WhatsAppPrefix = "whatsapp:";

    public static bool IsMessageSid(string? value) => value is not null && MessageSidPattern().IsMatch(value);

    public static bool IsAccountSid(string? value) => value is not null && AccountSidPattern().IsMatch(value);

    public static bool IsDigits(string value) => value.Length is > 0 and <= 20 && value.All(char.IsAsciiDigit);

    /// "whatsapp:+2547…" or "+2547…" → channel and canonical +E.164 (no spaces, no "00").
    public static bool TryAddress(string? value, out string channel, out string phone)
    {
        channel = "sms";
        phone = "";
        if (string.IsNullOrEmpty(value))
            return false;
        if (value.StartsWith(WhatsAppPrefix, StringComparison.Ordinal))
        {
            channel = "whatsapp";
            value = value[WhatsAppPrefix.Length..];
        }
        if (!PhoneNumber.TryParse(value, out var parsed) || parsed.Value != value)
            return false;
        phone = parsed.Value;
        return true;
    }

    [GeneratedRegex("^(SM|MM)[0-9a-f]{32}$")]
    private static partial Regex MessageSidPattern();

    [GeneratedRegex("^AC[0-9a-f]{32}$")]
    private static partial Regex AccountSidPattern();
}
