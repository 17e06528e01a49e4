using System.Text;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace Pamoja.Web.Integrations.Twilio;

/// A webhook whose X-Twilio-Signature checked out. Form holds one value per name (values of a
/// repeated name joined by commas); RawBody is the body exactly as it arrived, to be stored
/// before anything is done with it; Url is the public URL the signature was checked against.
public sealed record TwilioWebhookRequest(IReadOnlyDictionary<string, string> Form, string RawBody, string Url);

/// Reads and authenticates a Twilio webhook (inbound message or status callback). Callbacks
/// are hostile input until the signature says otherwise, so anything that is not a signed
/// form POST is null, and the caller answers 403 without looking further.
public static class TwilioWebhook
{
    /// Real webhooks are a few kilobytes (a 1,600-character body and some media URLs).
    public const int MaxBodyBytes = 64 * 1024;

    public static async Task<TwilioWebhookRequest?> ReadVerifiedAsync(HttpRequest request, TwilioOptions options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(options);

        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var contentType)
            || !contentType.MediaType.Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
            return null;
        var header = request.Headers[TwilioSignature.Header].ToString();
        if (string.IsNullOrEmpty(header))
            return null;

        var raw = await ReadBodyAsync(request, ct);
        if (raw is null)
            return null;

        Dictionary<string, Microsoft.Extensions.Primitives.StringValues> fields;
        try
        {
            fields = new FormReader(raw).ReadForm();
        }
        catch (InvalidDataException)
        {
            return null; // past FormReader's limits on keys and values
        }

        var pairs = fields.SelectMany(f => f.Value.Select(v => new KeyValuePair<string, string>(f.Key, v ?? ""))).ToList();
        var url = PublicUrl(request, options.PublicBaseUrl);
        if (!TwilioSignature.IsValid(options.AuthToken, url, pairs, header))
            return null;

        var form = fields.ToDictionary(f => f.Key, f => f.Value.ToString(), StringComparer.Ordinal);
        return new TwilioWebhookRequest(form, raw, url);
    }

    /// The URL Twilio called: the configured public base (scheme, host and any prefix the proxy
    /// strips) plus the path and query as they arrived; without one, the request's own scheme
    /// and host (already rewritten by the forwarded-headers middleware, if any).
    public static string PublicUrl(HttpRequest request, string? publicBaseUrl)
    {
        ArgumentNullException.ThrowIfNull(request);
        // The raw request target keeps the path's escaping exactly as Twilio sent it.
        var target = request.HttpContext.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (string.IsNullOrEmpty(target) || target[0] != '/')
            target = request.PathBase.ToUriComponent() + request.Path.ToUriComponent() + request.QueryString.ToUriComponent();
        var origin = string.IsNullOrWhiteSpace(publicBaseUrl)
            ? request.Scheme + "://" + request.Host.ToUriComponent()
            : publicBaseUrl.TrimEnd('/');
        return origin + target;
    }

    private static async Task<string?> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentLength > MaxBodyBytes)
            return null;
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
                return null;
            buffer.Write(chunk, 0, read);
        }
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
        }
        catch (DecoderFallbackException)
        {
            return null; // Twilio sends UTF-8; anything else did not come from Twilio
        }
    }
}
