using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Pamoja.Sandbox.Providers.Mpesa;

// Access tokens the sandbox issued, with their expiry. Every token stays valid for its whole
// life: Daraja's FAQ says a new token invalidates the previous one, but several Pamoja
// instances share one consumer key and would knock each other's tokens out (noted in README).
public sealed class MpesaTokens(TimeProvider time, IOptions<MpesaOptions> options)
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _expiries = new(StringComparer.Ordinal);

    public int Issued => Volatile.Read(ref _issued);

    private int _issued;

    public (string Token, TimeSpan Lifetime) Issue()
    {
        var now = time.GetUtcNow();
        // Forget expired tokens now and then, so the map stays small.
        if (_expiries.Count > 1_000)
        {
            foreach (var (token, expiry) in _expiries)
            {
                if (expiry <= now)
                {
                    _expiries.TryRemove(token, out _);
                }
            }
        }
        var lifetime = options.Value.TokenLifetime;
        var issued = MpesaIds.AccessToken();
        _expiries[issued] = now + lifetime;
        Interlocked.Increment(ref _issued);
        return (issued, lifetime);
    }

    public bool IsValid(string token) => _expiries.TryGetValue(token, out var expiry) && time.GetUtcNow() < expiry;
}

// The common front of every Daraja API call: bearer token, JSON body, then typed field readers
// that accept what Daraja accepts (numeric fields as JSON numbers or digit strings, as
// clients send both) and nothing else.
public sealed class DarajaRequest
{
    private DarajaRequest(string requestId, JsonElement body)
    {
        RequestId = requestId;
        Body = body;
    }

    public string RequestId { get; }

    public JsonElement Body { get; }

    public static async Task<(DarajaRequest? Request, IResult? Error)> ReadAsync(
        HttpRequest http, MpesaTokens tokens, MpesaIds ids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(tokens);
        ArgumentNullException.ThrowIfNull(ids);
        var requestId = ids.RequestId();

        // Bearer first: Daraja's gateway checks the token before it looks at the body.
        var authorization = http.Headers.Authorization.ToString();
        if (!authorization.StartsWith("Bearer ", StringComparison.Ordinal) || authorization.Length <= "Bearer ".Length)
        {
            return (null, DarajaErrors.Error(StatusCodes.Status404NotFound, requestId, DarajaErrors.InvalidAuthenticationHeader, "Invalid Authentication Header"));
        }
        if (!tokens.IsValid(authorization["Bearer ".Length..].Trim()))
        {
            // Daraja reports this code with HTTP 401 (what clients see in practice).
            return (null, DarajaErrors.Error(StatusCodes.Status401Unauthorized, requestId, DarajaErrors.InvalidAccessToken, "Invalid Access Token"));
        }

        if (!http.HasJsonContentType())
        {
            return (null, InvalidPayload(requestId));
        }

        try
        {
            using var document = await JsonDocument.ParseAsync(http.Body, default, cancellationToken);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return (null, InvalidPayload(requestId));
            }
            return (new DarajaRequest(requestId, document.RootElement.Clone()), null);
        }
        catch (JsonException)
        {
            return (null, InvalidPayload(requestId));
        }
    }

    private static IResult InvalidPayload(string requestId) =>
        DarajaErrors.Error(StatusCodes.Status400BadRequest, requestId, DarajaErrors.InvalidPayload, "Invalid request payload");

    public IResult Invalid(string field) => DarajaErrors.InvalidFieldError(RequestId, field);

    // A JSON string, not blank, at most maxLength characters, taken exactly as sent. Numbers are
    // not strings: a client that sends Password as a number has a bug worth finding here.
    public string? Text(string field, int maxLength = 1_000)
    {
        if (!Body.TryGetProperty(field, out var value) || value.ValueKind != JsonValueKind.String)
        {
            return null;
        }
        var text = value.GetString()!;
        return string.IsNullOrWhiteSpace(text) || text.Length > maxLength ? null : text;
    }

    public bool IsEmptyString(string field) =>
        Body.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String && value.GetString()!.Length == 0;

    public bool Has(string field) =>
        Body.TryGetProperty(field, out var value) && value.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined);

    // Digits only (a shortcode, an MSISDN, an identifier type), as a JSON integer or a string.
    public string? Digits(string field, int maxLength = 15)
    {
        if (!Body.TryGetProperty(field, out var value))
        {
            return null;
        }
        string text;
        if (value.ValueKind == JsonValueKind.Number)
        {
            if (!value.TryGetInt64(out var number) || number < 0)
            {
                return null;
            }
            text = number.ToString(CultureInfo.InvariantCulture);
        }
        else if (value.ValueKind == JsonValueKind.String)
        {
            text = value.GetString()!.Trim();
        }
        else
        {
            return null;
        }
        return text.Length is > 0 && text.Length <= maxLength && text.All(char.IsAsciiDigit) ? text : null;
    }

    // A Kenyan Safaricom MSISDN in Daraja's form: 2547XXXXXXXX or 2541XXXXXXXX.
    public string? Msisdn(string field)
    {
        var digits = Digits(field);
        return digits is { Length: 12 } && digits.StartsWith("254", StringComparison.Ordinal) && digits[3] is '7' or '1' ? digits : null;
    }

    // A whole number of shillings in [min, max], as a JSON number or a numeric string.
    // Fractions are refused: M-Pesa moves whole shillings, and a client sending cents has a bug.
    public long? WholeAmount(string field, long min, long max)
    {
        if (!Body.TryGetProperty(field, out var value))
        {
            return null;
        }
        decimal amount;
        if (value.ValueKind == JsonValueKind.Number)
        {
            if (!value.TryGetDecimal(out amount))
            {
                return null;
            }
        }
        else if (value.ValueKind == JsonValueKind.String)
        {
            if (!decimal.TryParse(value.GetString(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out amount))
            {
                return null;
            }
        }
        else
        {
            return null;
        }
        return amount == decimal.Truncate(amount) && amount >= min && amount <= max ? (long)amount : null;
    }

    // An absolute http(s) URL, where a callback can be POSTed.
    public Uri? Url(string field)
    {
        var text = Text(field, 2_000);
        return text is not null && Uri.TryCreate(text, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttps || url.Scheme == Uri.UriSchemeHttp)
            ? url
            : null;
    }
}

// GET /oauth/v1/generate?grant_type=client_credentials (protocols.md §1.1).
public static class MpesaTokenEndpoint
{
    public const string Path = "/oauth/v1/generate";

    public static IResult Handle(HttpRequest request, MpesaTokens tokens, MpesaIds ids)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(tokens);
        ArgumentNullException.ThrowIfNull(ids);

        // Any key and secret will do, but they must arrive as Basic base64(key:secret).
        if (!IsBasicKeyAndSecret(request.Headers.Authorization.ToString()))
        {
            return DarajaErrors.Error(StatusCodes.Status400BadRequest, ids.RequestId(), DarajaErrors.InvalidAuthenticationType, "Invalid Authentication passed");
        }
        if (!string.Equals(request.Query["grant_type"], "client_credentials", StringComparison.Ordinal))
        {
            return DarajaErrors.Error(StatusCodes.Status400BadRequest, ids.RequestId(), DarajaErrors.InvalidGrantType, "Invalid grant type passed");
        }

        var (token, lifetime) = tokens.Issue();
        // A string, as older Daraja docs show it; the sample with a number exists too, and a
        // client must read both (protocols.md §1.1).
        var expiresIn = ((long)lifetime.TotalSeconds - 1).ToString(CultureInfo.InvariantCulture);
        return Results.Json(new Dictionary<string, string> { ["access_token"] = token, ["expires_in"] = expiresIn });
    }

    private static bool IsBasicKeyAndSecret(string authorization)
    {
        if (!authorization.StartsWith("Basic ", StringComparison.Ordinal))
        {
            return false;
        }
        var encoded = authorization["Basic ".Length..].Trim();
        var buffer = new byte[encoded.Length];
        if (!Convert.TryFromBase64String(encoded, buffer, out var length))
        {
            return false;
        }
        var pair = Encoding.UTF8.GetString(buffer, 0, length);
        var colon = pair.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 && colon < pair.Length - 1;
    }
}
