using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace Pamoja.Sandbox.Providers.Momo;

// POST /collection/token/ and /disbursement/token/ (protocols.md §2.2), plus the Bearer check
// every financial call makes. A token is good only for the product that issued it.
public static class MomoTokenEndpoint
{
    public static string Path(MomoProduct product) => $"/{product.PathName()}/token/";

    public static IResult Issue(MomoProduct product, HttpRequest request, MomoState state, IOptions<MomoOptions> options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);

        // The one MoMo path with a trailing slash; "/collection/token" is not an operation.
        if (!MomoWire.PathEndsWithSlash(request))
        {
            return MomoWire.NoSuchOperation();
        }
        if (MomoWire.CheckSubscriptionKey(request) is { } denied)
        {
            return denied;
        }
        if (!TryReadBasic(request.Headers.Authorization.ToString(), out var apiUser, out var apiKey)
            || state.FindUser(apiUser) is not { } user
            || !user.HasKey(apiKey))
        {
            return Results.Json(new JsonObject { ["error"] = "login_failed" }, statusCode: StatusCodes.Status401Unauthorized);
        }

        var lifetime = options.Value.TokenLifetime;
        var issued = state.Issue(user, product, time.GetUtcNow(), lifetime);
        return Results.Json(new JsonObject
        {
            ["access_token"] = issued.Token,
            ["token_type"] = "access_token",
            ["expires_in"] = (long)lifetime.TotalSeconds,
        });
    }

    // Null when the request carries a live token issued for `product`; otherwise the 401.
    public static IResult? CheckBearer(HttpRequest request, MomoProduct product, MomoState state, DateTimeOffset now, out MomoIssuedToken? token)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(state);
        token = null;
        var header = request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) || state.FindToken(header[scheme.Length..].Trim()) is not { } found)
        {
            return Unauthorized("Access denied due to invalid access token.");
        }
        if (found.ExpiresAt <= now)
        {
            return Unauthorized("Access denied due to expired access token.");
        }
        if (found.Product != product)
        {
            return Unauthorized($"Access denied: the access token was issued for {found.Product.PathName()}, not {product.PathName()}.");
        }
        token = found;
        return null;
    }

    private static IResult Unauthorized(string message) =>
        MomoWire.Error(StatusCodes.Status401Unauthorized, "UNAUTHORIZED", message);

    private static bool TryReadBasic(string header, out Guid apiUser, out string apiKey)
    {
        apiUser = Guid.Empty;
        apiKey = "";
        const string scheme = "Basic ";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) || header.Length > 1024)
        {
            return false;
        }
        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header[scheme.Length..].Trim()));
        }
        catch (FormatException)
        {
            return false;
        }
        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || !Guid.TryParseExact(decoded[..colon], "D", out apiUser))
        {
            return false;
        }
        apiKey = decoded[(colon + 1)..];
        return apiKey.Length > 0;
    }
}
