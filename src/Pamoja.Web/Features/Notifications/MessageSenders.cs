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

    /// The approved template for a text in a language, falling back to its English template.
    public string? WhatsAppTemplate(string key, string language) =>
        whatsAppTemplate is null ? null : whatsAppTemplate(key, language) ?? whatsAppTemplate(key, Languages.Default);
}

/// Where a phone number wants to be reached (table contact_preferences); Default when it has no row.
public sealed record ContactPreference(string Language, string Channel, int QuietFrom, int QuietTo, string TimeZone, DateTimeOffset? WhatsAppLastInbound)
{
    public static readonly ContactPreference Default = new(Languages.Default, MessageChannels.Sms, 21 * 60, 7 * 60, "Africa/Nairobi", null);

    /// WhatsApp allows free-form messages for 24 hours after the member's last message.
    public bool WhatsAppWindowOpen(DateTimeOffset now) => WhatsAppLastInbound is { } last && now - last < TimeSpan.FromHours(24);

    /// When quiet hours end, if `now` is inside them; null when it is not (or there are none).
    public DateTimeOffset? QuietUntil(DateTimeOffset now)
    {
        if (QuietFrom == QuietTo) return null;
        TimeZoneInfo zone;
        try { zone = TimeZoneInfo.FindSystemTimeZoneById(TimeZone); }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException) { zone = TimeZoneInfo.Utc; }
        var local = TimeZoneInfo.ConvertTime(now, zone);
        var minute = local.Hour * 60 + local.Minute;
        var inside = QuietFrom < QuietTo ? minute >= QuietFrom && minute < QuietTo : minute >= QuietFrom || minute < QuietTo;
        if (!inside) return null;
        var minutesLeft = (QuietTo - minute + 24 * 60) % (24 * 60);
        var end = new DateTimeOffset(local.Year, local.Month, local.Day, local.Hour, local.Minute, 0, local.Offset).AddMinutes(minutesLeft);
        return end.ToUniversalTime();
    }
}
