using System.Text.Json.Serialization;

namespace Pamoja.Sandbox.Providers.AfricasTalking;

// The wire shape of a successful POST /version1/messaging (protocols.md §5.2). AT mixes
// PascalCase envelope names with camelCase recipient fields, so every name is pinned here
// rather than left to a naming policy.
public sealed record SmsSendResponse(
    [property: JsonPropertyName("SMSMessageData")] SmsMessageData SmsMessageData);

public sealed record SmsMessageData(
    [property: JsonPropertyName("Message")] string Message,
    [property: JsonPropertyName("Recipients")] IReadOnlyList<SmsRecipient> Recipients);

public sealed record SmsRecipient(
    [property: JsonPropertyName("statusCode")] int StatusCode,
    [property: JsonPropertyName("number")] string Number,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("cost")] string Cost,
    [property: JsonPropertyName("messageId")] string MessageId);
