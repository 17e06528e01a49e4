using System.Text.Json.Serialization;

namespace Pamoja.Sandbox.Providers.Mpesa;

// Daraja's synchronous error body (protocols.md §1.1):
// {"requestId":"...","errorCode":"400.002.02","errorMessage":"Bad Request - Invalid BusinessShortCode"}.
public sealed record DarajaError(
    [property: JsonPropertyName("requestId")] string RequestId,
    [property: JsonPropertyName("errorCode")] string ErrorCode,
    [property: JsonPropertyName("errorMessage")] string ErrorMessage);

public static class DarajaErrors
{
    public const string InvalidField = "400.002.02";
    public const string InvalidPayload = "400.002.05";
    public const string InvalidAuthenticationType = "400.008.01";
    public const string InvalidGrantType = "400.008.02";
    public const string InvalidAccessToken = "404.001.03";
    public const string InvalidAuthenticationHeader = "404.001.04";
    public const string SubscriberLocked = "500.001.1001";
    public const string DuplicateOriginatorConversationId = "500.002.1001";
    public const string SystemBusy = "500.003.02";

    public const string SubscriberLockedMessage = "Unable to lock subscriber, a transaction is already in process for the current subscriber";
    public const string BeingProcessedMessage = "The transaction is being processed";

    public static IResult Error(int statusCode, string requestId, string code, string message) =>
        Results.Json(new DarajaError(requestId, code, message), statusCode: statusCode);

    // Every field error names the field, as Daraja does: "Bad Request - Invalid PhoneNumber".
    public static IResult InvalidFieldError(string requestId, string field) =>
        Error(StatusCodes.Status400BadRequest, requestId, InvalidField, "Bad Request - Invalid " + field);
}
