namespace Pamoja.Web.Features.Notifications;

/// One notice waiting to be delivered (table notification_outbox). Added to the same
/// DbContext/transaction as whatever caused it, so a notice exists if and only if its cause
/// was committed.
public sealed class OutboxMessage
{
    public Guid Id { get; set; }
    public string Channel { get; set; } = MessageChannels.Sms;
    public string Recipient { get; set; } = "";
    public string Template { get; set; } = "";

    /// Cleared after delivery when Sensitive is set (reset codes must not sit in the database).
    public string? Body { get; set; }
    public bool Sensitive { get; set; }
    public string Status { get; set; } = OutboxStatus.Pending;
    public int Attempts { get; set; }
    public DateTimeOffset NextAttemptAt { get; set; }
    public DateTimeOffset? LockedUntil { get; set; }
    public string? LastError { get; set; }
    public string? ProviderMessageId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? SentAt { get; set; }

    public static OutboxMessage Sms(string recipient, string template, string body, DateTimeOffset now, bool sensitive = false) => new()
    {
        Id = Guid.CreateVersion7(now),
        Channel = MessageChannels.Sms,
        Recipient = recipient,
        Template = template,
        Body = body,
        Sensitive = sensitive,
        NextAttemptAt = now,
        CreatedAt = now,
    };
}

public static class MessageChannels
{
    public const string Sms = "sms";
    public const string WhatsApp = "whatsapp";
}

public static class OutboxStatus
{
    public const string Pending = "pending";
    public const string Sending = "sending";
    public const string Sent = "sent";
    public const string Failed = "failed";
}
