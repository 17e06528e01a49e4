using System.Text.Json.Serialization;

namespace Pamoja.Sandbox.Messages;

// One message a phone received from, or sent to, the app through a provider: what a real phone
// would have shown or typed. Serialised camelCase by GET /sandbox/messages; tests and the demo
// depend on these names.
public sealed record SandboxMessage(
    string Id,          // the provider's id, e.g. Africa's Talking's messageId "ATXid_..."
    string Channel,     // "sms", "ussd"; "whatsapp" when Twilio arrives
    string Provider,    // "africastalking", later "twilio"
    string From,
    string To,
    string Body,
    DateTimeOffset ReceivedAt,
    // "outbound": the app → a phone (From is the app's sender, To the phone);
    // "inbound": a phone → the app (From is the phone, To the app's short code or USSD code).
    string Direction = SandboxMessage.Outbound)
{
    public const string Outbound = "outbound";
    public const string Inbound = "inbound";

    // The member's phone, whichever way the message went. Not serialised: the JSON names are a contract.
    [JsonIgnore]
    public string Phone => Direction == Inbound ? From : To;
}
