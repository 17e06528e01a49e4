using Pamoja.Sandbox.Scripts;

namespace Pamoja.Sandbox.Providers.Twilio;

// Decides, from the To number's last four digits, how the fake Messages API behaves, so any
// country's number can trigger a script and tests can use fresh numbers. Chosen not to collide
// with the other providers' scripts.
public static class TwilioScripts
{
    public const string InvalidNumber = "7021";
    public const string ServerError = "7500";
    public const string NoAnswer = "7408";
    public const string Undelivered = "7030";
    public const string OutOfOrder = "7031";

    // The table shown on the inbox page and in README.md; keep the three in step.
    public static readonly IReadOnlyList<ScriptedNumber> Table =
    [
        new("Twilio SMS/WhatsApp", InvalidNumber, "400 error code 21211 (invalid 'To' number); nothing sent"),
        new("Twilio SMS/WhatsApp", ServerError, "HTTP 500 error code 20500; nothing sent"),
        new("Twilio SMS/WhatsApp", NoAnswer, "No answer for 30 s (a client timeout); nothing sent"),
        new("Twilio SMS/WhatsApp", Undelivered, "201 queued, then status callbacks sent, undelivered (ErrorCode 30003)"),
        new("Twilio SMS/WhatsApp", OutOfOrder, "201 queued, then callbacks out of order and duplicated: delivered, sent, delivered"),
    ];

    public static bool Is(string phone, string script) => phone.EndsWith(script, StringComparison.Ordinal);

    // The callbacks after a 201, in the order they are posted.
    public static IReadOnlyList<TwilioStatusEvent> Events(string phone, string channel, bool outsideWindow)
    {
        if (outsideWindow)
        {
            // Twilio accepts the free-form message, then fails it (protocols.md §4.4).
            return [new("failed", 63016)];
        }
        if (Is(phone, Undelivered))
        {
            return [new("sent", null), new("undelivered", 30003)];
        }
        if (Is(phone, OutOfOrder))
        {
            return [new("delivered", null), new("sent", null), new("delivered", null)];
        }
        return channel == "whatsapp"
            ? [new("sent", null), new("delivered", null), new("read", null)]
            : [new("sent", null), new("delivered", null)];
    }

    // Where a status sits in a message's life, so the store never moves a message backwards
    // when the scripted callbacks come out of order. Failures are final.
    public static int Rank(string? status) => status switch
    {
        "queued" => 1,
        "sending" => 2,
        "sent" => 3,
        "delivered" => 4,
        "read" => 5,
        "failed" or "undelivered" => 6,
        _ => 0,
    };
}

public sealed record TwilioStatusEvent(string Status, int? ErrorCode);
