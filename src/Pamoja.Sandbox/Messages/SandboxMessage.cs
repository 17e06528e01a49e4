namespace Pamoja.Sandbox.Messages;

// One message a provider accepted for delivery: what a real phone would have received.
// Serialised camelCase by GET /sandbox/messages; tests and the demo depend on these names.
public sealed record SandboxMessage(
    string Id,          // the provider's id, e.g. Africa's Talking's messageId "ATXid_..."
    string Channel,     // "sms" now; "whatsapp" when Twilio arrives
    string Provider,    // "africastalking", later "twilio"
    string From,
    string To,
    string Body,
    DateTimeOffset ReceivedAt);
