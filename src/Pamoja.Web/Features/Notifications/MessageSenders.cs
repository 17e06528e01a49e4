using Pamoja.Web.Features.Groups;

namespace Pamoja.Web.Features.Notifications;

/// One channel's way out: who sends it, and what the provider is called in the outbox.
/// StatusCallback, when set, is where the provider reports delivery. The sender is resolved per
/// send, so a typed HttpClient's handler is rotated by the factory as it should be.
public sealed record ChannelSender(Func<IMessageSender> Resolve, string Provider, Uri? StatusCallback = null)
{
    public ChannelSender(IMessageSender sender, string provider, Uri? statusCallback = null) : this(() => sender, provider, statusCallback) { }
}

/// The senders by channel. SMS always has one (the log when no provider is configured);
/// WhatsApp only where Twilio is configured — without it a WhatsApp notice goes by SMS.
/// WhatsApp templates: outside the 24-hour window only an approved template may be sent; the
/// lookup gives its Content SID for a text key and language, or null when none is approved.
public sealed class MessageSenders(ChannelSender sms, ChannelSender? whatsApp = null, Func<string, string, string?>? whatsAppTemplate = null)
{
    public ChannelSender Sms { get; } = sms;
    public ChannelSender? WhatsApp { get; } = whatsApp;

    public ChannelSender? For(string channel) => channel switch
    {
        MessageChannels.Sms => Sms,
        MessageChannels.WhatsApp => WhatsApp,
        _ => null,
    };

    /// The approved template for a text in a language, else its English template, and the
    /// language of the one found (its variables are written in that language).
    public (string Sid, string Language)? WhatsAppTemplate(string key, string language)
    {
        if (whatsAppTemplate is null) return null;
        if (whatsAppTemplate(key, language) is { } sid) return (sid, language);
        return whatsAppTemplate(key, Languages.Default) is { } english ? (english, Languages.Default) : null;
    }
}

/// Where a phone number wants to be reached (table contact_preferences); the defaults when it
/// has no row. TimeZone null means the time zone of the phone's country.
public sealed record ContactPreference(string Language, string Channel, int QuietFrom, int QuietTo, string? TimeZone, DateTimeOffset? WhatsAppLastInbound)
{
    public static readonly ContactPreference Default = new(Languages.Default, MessageChannels.Sms, 21 * 60, 7 * 60, null, null);

    /// WhatsApp allows free-form messages for 24 hours after the member's last message. The
    /// window is taken as 23: a message claimed now may be sent a minute or two later.
    public bool WhatsAppWindowOpen(DateTimeOffset now) => WhatsAppLastInbound is { } last && now - last < TimeSpan.FromHours(23);

    // Calling codes of the countries Pamoja's groups are in, longest first, and their zones.
    private static readonly (string Prefix, string Zone)[] Zones =
    [
        ("+211", "Africa/Juba"), ("+212", "Africa/Casablanca"), ("+221", "Africa/Dakar"), ("+225", "Africa/Abidjan"), ("+233", "Africa/Accra"),
        ("+234", "Africa/Lagos"), ("+237", "Africa/Douala"), ("+243", "Africa/Kinshasa"), ("+250", "Africa/Kigali"), ("+251", "Africa/Addis_Ababa"),
        ("+254", "Africa/Nairobi"), ("+255", "Africa/Dar_es_Salaam"), ("+256", "Africa/Kampala"), ("+257", "Africa/Bujumbura"), ("+258", "Africa/Maputo"),
        ("+260", "Africa/Lusaka"), ("+263", "Africa/Harare"), ("+265", "Africa/Blantyre"), ("+266", "Africa/Maseru"), ("+267", "Africa/Gaborone"),
        ("+268", "Africa/Mbabane"), ("+27", "Africa/Johannesburg"), ("+20", "Africa/Cairo"), ("+44", "Europe/London"), ("+33", "Europe/Paris"),
    ];

    /// The time zone of a phone number's country; UTC for a country not in the list.
    public static string ZoneOf(string phone)
    {
        foreach (var (prefix, zone) in Zones)
            if (phone.StartsWith(prefix, StringComparison.Ordinal)) return zone;
        return "UTC";
    }

    /// When quiet hours end, if `now` is inside them; null when it is not (or there are none).
    public DateTimeOffset? QuietUntil(DateTimeOffset now, string phone)
    {
        if (QuietFrom == QuietTo) return null;
        var zone = GroupClock.Zone(TimeZone ?? ZoneOf(phone));
        var local = TimeZoneInfo.ConvertTime(now, zone);
        var minute = local.Hour * 60 + local.Minute;
        var inside = QuietFrom < QuietTo ? minute >= QuietFrom && minute < QuietTo : minute >= QuietFrom || minute < QuietTo;
        if (!inside) return null;
        // The end on the local calendar (today or tomorrow), then to UTC with that day's offset,
        // so a change of daylight saving time in between is respected.
        var end = local.Date.AddMinutes(QuietTo);
        if (QuietTo <= minute) end = end.AddDays(1);
        try
        {
            return new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(end, DateTimeKind.Unspecified), zone), TimeSpan.Zero);
        }
        catch (ArgumentException)
        {
            return new DateTimeOffset(end, local.Offset).ToUniversalTime(); // the end falls in a skipped hour
        }
    }
}
