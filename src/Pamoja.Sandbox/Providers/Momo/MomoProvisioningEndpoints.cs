using System.Text.Json;
using System.Text.Json.Nodes;

namespace Pamoja.Sandbox.Providers.Momo;

// Sandbox provisioning (protocols.md §2.2): POST /v1_0/apiuser, POST /v1_0/apiuser/{id}/apikey,
// GET /v1_0/apiuser/{id}. The X-Reference-Id of the first becomes the API user's id.
public static class MomoProvisioningEndpoints
{
    public const string ApiUserPath = "/v1_0/apiuser";

    public static async Task<IResult> CreateApiUserAsync(HttpRequest request, MomoState state, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(state);
        if (MomoWire.PathEndsWithSlash(request))
        {
            return MomoWire.NoSuchOperation();
        }
        if (MomoWire.CheckSubscriptionKey(request) is { } denied)
        {
            return denied;
        }
        if (!MomoWire.TryParseUuidV4(request.Headers[MomoWire.ReferenceIdHeader], out var id))
        {
            return MomoWire.BadRequest("X-Reference-Id must be a UUID version 4.");
        }

        var (body, error) = await MomoJson.ReadAsync(request, cancellationToken);
        if (error is not null)
        {
            return error;
        }

        // MTN asks for the host; the sandbox lets a user go without one (then any callback host
        // is accepted), and accepts an IP so tests can call back to 127.0.0.1.
        string? host = null;
        if (body is { ValueKind: JsonValueKind.Object } root && root.TryGetProperty("providerCallbackHost", out var hostElement)
            && hostElement.ValueKind != JsonValueKind.Null)
        {
            host = hostElement.ValueKind == JsonValueKind.String ? hostElement.GetString() : null;
            if (!MomoWire.IsValidHost(host))
            {
                return MomoWire.BadRequest("providerCallbackHost must be a host name or an IP address, e.g. \"pamoja.example\".");
            }
        }
        else if (body is { ValueKind: not JsonValueKind.Object })
        {
            return MomoWire.BadRequest("The request body must be a JSON object: {\"providerCallbackHost\":\"...\"}.");
        }

        return state.TryAddUser(new MomoApiUser(id, host))
            ? Results.StatusCode(StatusCodes.Status201Created)
            : MomoWire.AlreadyExists();
    }

    public static IResult CreateApiKey(string apiUserId, HttpRequest request, MomoState state)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(state);
        if (MomoWire.PathEndsWithSlash(request))
        {
            return MomoWire.NoSuchOperation();
        }
        if (MomoWire.CheckSubscriptionKey(request) is { } denied)
        {
            return denied;
        }
        if (!Guid.TryParseExact(apiUserId, "D", out var id) || state.FindUser(id) is not { } user)
        {
            return MomoWire.NotFound();
        }
        return Results.Json(new JsonObject { ["apiKey"] = user.NewKey() }, statusCode: StatusCodes.Status201Created);
    }

    public static IResult GetApiUser(string apiUserId, HttpRequest request, MomoState state)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(state);
        if (MomoWire.PathEndsWithSlash(request))
        {
            return MomoWire.NoSuchOperation();
        }
        if (MomoWire.CheckSubscriptionKey(request) is { } denied)
        {
            return denied;
        }
        if (!Guid.TryParseExact(apiUserId, "D", out var id) || state.FindUser(id) is not { } user)
        {
            return MomoWire.NotFound();
        }
        return Results.Json(new JsonObject
        {
            ["providerCallbackHost"] = user.ProviderCallbackHost,
            ["targetEnvironment"] = MomoWire.SandboxEnvironment,
        });
    }
}

// Reads a small JSON request body. Bodies are tiny in this API; the cap keeps a hostile client
// from making the sandbox buffer megabytes.
public static class MomoJson
{
    public const int MaxBodyBytes = 64 * 1024;

    // (null, null) for an empty body; (element, null) for JSON; (null, 400) otherwise.
    public static async Task<(JsonElement? Body, IResult? Error)> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ContentLength > MaxBodyBytes)
        {
            return (null, MomoWire.BadRequest("The request body is too large."));
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                return (null, MomoWire.BadRequest("The request body is too large."));
            }
            buffer.Write(chunk, 0, read);
        }
        if (buffer.Length == 0)
        {
            return (null, null);
        }

        try
        {
            using var document = JsonDocument.Parse(buffer.ToArray());
            return (document.RootElement.Clone(), null);
        }
        catch (JsonException)
        {
            return (null, MomoWire.BadRequest("The request body is not valid JSON."));
        }
    }
}
