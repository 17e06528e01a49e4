namespace Pamoja.Web.Features.Notifications;

/// One message to one recipient on one channel (MessageChannels). Recipient is E.164 (+2547…);
/// a WhatsApp sender adds the "whatsapp:" prefix itself.
public sealed record OutgoingMessage(Guid Id, string Channel, string Recipient, string Body)
{
    /// WhatsApp outside the 24-hour window may only carry an approved template: its Twilio
    /// Content SID and the variables as a JSON object ({"1":"Amina","2":"KES 500"}). Body is
    /// then the same text rendered, for the record.
    public string? ContentSid { get; init; }
    public string? ContentVariables { get; init; }

    /// Where the provider should report delivery (Twilio's StatusCallback), or null for none.
    public Uri? StatusCallback { get; init; }
}

/// Permanent failures (an invalid number, a blacklisted user) are not retried; transient ones
/// (timeouts, 5xx, insufficient provider balance) are, with backoff.
public sealed record SendResult(bool Sent, string? ProviderMessageId, string? Error, bool Permanent)
{
    public static SendResult Ok(string? providerMessageId) => new(true, providerMessageId, null, false);
    public static SendResult Retry(string error) => new(false, null, error, false);
    public static SendResult GiveUp(string error) => new(false, null, error, true);
}

/// The messaging abstraction: one implementation per provider (Africa's Talking SMS now,
/// Twilio SMS/WhatsApp with the channels work) plus the log, for machines with no provider.
public interface IMessageSender
{
    Task<SendResult> SendAsync(OutgoingMessage message, CancellationToken ct);
}

/// Used when no provider is configured. Logs who would have been messaged and with which
/// template, never the body: bodies carry reset codes and invitation links.
public sealed class LogMessageSender(ILogger<LogMessageSender> logger) : IMessageSender
{
    public Task<SendResult> SendAsync(OutgoingMessage message, CancellationToken ct)
    {
        logger.LogInformation("No messaging provider configured; {Channel} message {MessageId} to {Recipient} not sent ({Length} characters)",
            message.Channel, message.Id, Pamoja.Core.Phones.PhoneNumber.TryParse(message.Recipient, out var p) ? p.Masked() : "?", message.Body.Length);
        return Task.FromResult(SendResult.Ok(null));
    }
}
