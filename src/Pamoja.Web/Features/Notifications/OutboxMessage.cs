namespace Pamoja.Web.Features.Notifications;

/// One notice waiting to be delivered (table notification_outbox). Added to the same
/// DbContext/transaction as whatever caused it, so a notice exists if and only if its cause
/// was committed.
public sealed class OutboxMessage
{
    public Guid Id { get; set; }
    public string Channel { get; set; } = MessageChannels.Auto;
    public string Recipient { get; set; } = "";
    public string Template { get; set; } = "";

    /// Cleared after delivery when Sensitive is set (reset codes must not sit in the database).
    /// A notice written with Params gets its body at dispatch, in the recipient's language.
    public string? Body { get; set; }

    /// The template's values as a JSON object (MessageTexts.Render); cleared with Body when sensitive.
    public string? Params { get; set; }

    /// Codes and answers to what the member just did go out at once, even in quiet hours.
    public bool Urgent { get; set; }
    public bool Sensitive { get; set; }
    public string Status { get; set; } = OutboxStatus.Pending;
    public int Attempts { get; set; }
    public DateTimeOffset NextAttemptAt { get; set; }
    public DateTimeOffset? LockedUntil { get; set; }
    public string? LastError { get; set; }
    public string? ProviderMessageId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? SentAt { get; set; }

    /// A notice from a template (Texts), rendered at dispatch in the recipient's language and
    /// sent on their preferred channel.
    public static OutboxMessage Notice(string recipient, string template, IReadOnlyDictionary<string, string> values, DateTimeOffset now,
        bool sensitive = false, bool urgent = false) => new()
    {
        Id = Guid.CreateVersion7(now),
        Channel = MessageChannels.Auto,
        Recipient = recipient,
        Template = template,
        Params = Notices.Json(values),
        Sensitive = sensitive,
        Urgent = urgent,
        NextAttemptAt = now,
        CreatedAt = now,
    };
}

public static class MessageChannels
{
    /// Chosen at dispatch from the recipient's preference.
    public const string Auto = "auto";
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
