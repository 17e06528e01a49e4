using System.Text.Json.Serialization;

namespace Pamoja.Sandbox.Messages;

// One message a provider carried: what a real phone would have received, or (Direction
// "inbound") what a phone sent or typed, through the Twilio, SMS and USSD simulators.
// Serialised camelCase by GET /sandbox/messages; tests and the demo depend on these names.
public sealed record SandboxMessage(
    string Id,          // the provider's id, e.g. Africa's Talking's messageId "ATXid_...", Twilio's "SM..."
    string Channel,     // "sms", "whatsapp" or "ussd"
    string Provider,    // "africastalking" or "twilio"
    string From,
    string To,
    string Body,
    DateTimeOffset ReceivedAt,
    string Direction = SandboxMessage.Outbound,
    // The provider's latest delivery status where it reports one (Twilio: "queued", "sent",
    // "delivered", "read", "failed", "undelivered"); null where the sandbox tracks none.
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Status = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? ErrorCode = null)
{
    public const string Outbound = "outbound";
    public const string Inbound = "inbound";

    // The member's phone: the recipient of an outbound message, the sender of an inbound one.
    [JsonIgnore]
    public string Phone => Direction == Inbound ? From : To;

    [JsonIgnore]
    public bool Failed => Status is "failed" or "undelivered";
}
