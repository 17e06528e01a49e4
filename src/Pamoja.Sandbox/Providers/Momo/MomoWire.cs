using System.Text.Json.Nodes;

namespace Pamoja.Sandbox.Providers.Momo;

// The response shapes and header checks every MoMo endpoint shares (protocols.md §2.1, §2.3).
public static class MomoWire
{
    public const string SubscriptionKeyHeader = "Ocp-Apim-Subscription-Key";
    public const string ReferenceIdHeader = "X-Reference-Id";
    public const string TargetEnvironmentHeader = "X-Target-Environment";
    public const string CallbackUrlHeader = "X-Callback-Url";
    public const string SandboxEnvironment = "sandbox";

    // MoMo's own error body: {"code","message"}.
    public static IResult Error(int statusCode, string code, string message) =>
        Results.Json(new JsonObject { ["code"] = code, ["message"] = message }, statusCode: statusCode);

    public static IResult BadRequest(string message) => Error(StatusCodes.Status400BadRequest, "BAD_REQUEST", message);

    public static IResult NotFound() =>
        Error(StatusCodes.Status404NotFound, "RESOURCE_NOT_FOUND", "Requested resource was not found.");

    public static IResult AlreadyExists() =>
        Error(StatusCodes.Status409Conflict, "RESOURCE_ALREADY_EXIST", "Duplicated reference id. Creation of resource failed.");

    // Answers from MTN's API gateway (Azure API Management) rather than from MoMo itself have
    // APIM's shape, {"statusCode","message"}; clients meet it on a missing key or a wrong path.
    public static IResult Apim(int statusCode, string message) =>
        Results.Json(new JsonObject { ["statusCode"] = statusCode, ["message"] = message }, statusCode: statusCode);

    public static IResult NoSuchOperation() => Apim(StatusCodes.Status404NotFound, "Resource not found");

    // Any non-empty key is accepted: the sandbox checks that the client sends one, not which.
    public static IResult? CheckSubscriptionKey(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return string.IsNullOrWhiteSpace(request.Headers[SubscriptionKeyHeader])
            ? Apim(StatusCodes.Status401Unauthorized,
                "Access denied due to missing subscription key. Make sure to include subscription key when making requests to an API.")
            : null;
    }

    // APIM matches operations on the exact path: /collection/token/ has a trailing slash and
    // /collection/v1_0/requesttopay has none. ASP.NET routing would accept both spellings, so
    // the handlers check, and a client that gets it wrong fails here rather than at MTN.
    public static bool PathEndsWithSlash(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Path.HasValue && request.Path.Value!.EndsWith('/');
    }

    // X-Reference-Id must be a UUID version 4 in its usual 8-4-4-4-12 form (§2.3).
    public static bool TryParseUuidV4(string? value, out Guid id)
    {
        id = Guid.Empty;
        if (value is null || !Guid.TryParseExact(value, "D", out var parsed))
        {
            return false;
        }
        // The version is the 13th hex digit and the RFC 4122 variant the 17th (8, 9, a or b).
        var text = parsed.ToString("D");
        if (text[14] != '4' || text[19] is not ('8' or '9' or 'a' or 'b'))
        {
            return false;
        }
        id = parsed;
        return true;
    }

    // The provider callback host is a DNS name or, so local tests can use 127.0.0.1, an IP.
    public static bool IsValidHost(string? host) =>
        !string.IsNullOrWhiteSpace(host) && host.Length <= 253 && Uri.CheckHostName(host) != UriHostNameType.Unknown;
}
