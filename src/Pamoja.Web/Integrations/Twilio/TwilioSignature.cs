using System.Security.Cryptography;
using System.Text;

namespace Pamoja.Web.Integrations.Twilio;

/// X-Twilio-Signature (protocols.md §4.2): base64(HMAC-SHA1(auth token, URL + each form
/// parameter's name and value)), names sorted ordinally. A name sent several times contributes
/// each distinct value, sorted, as Twilio's Python and Node validators do.
public static class TwilioSignature
{
    public const string Header = "X-Twilio-Signature";

    public static string Compute(string authToken, string url, IEnumerable<KeyValuePair<string, string>> formParams)
    {
        ArgumentNullException.ThrowIfNull(authToken);
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(formParams);

        var data = new StringBuilder(url);
        foreach (var group in formParams
                     .Where(p => p.Key is not null)
                     .GroupBy(p => p.Key, StringComparer.Ordinal)
                     .OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            foreach (var value in group.Select(p => p.Value ?? "").Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
                data.Append(group.Key).Append(value);
        }
        return Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(authToken), Encoding.UTF8.GetBytes(data.ToString())));
    }

    /// Constant-time check of the header against the URL as given and with its default port
    /// added or removed: Twilio's back end is inconsistent about ":443", and its own C#
    /// validator accepts both. An empty auth token never validates (anyone can HMAC with an
    /// empty key), nor does a missing header.
    public static bool IsValid(string authToken, string url, IEnumerable<KeyValuePair<string, string>> formParams, string? header)
    {
        if (string.IsNullOrEmpty(authToken) || string.IsNullOrEmpty(url) || formParams is null || string.IsNullOrEmpty(header))
            return false;

        var expected = Encoding.UTF8.GetBytes(header);
        var parameters = formParams as ICollection<KeyValuePair<string, string>> ?? formParams.ToList();
        var valid = false;
        foreach (var candidate in UrlVariants(url))
        {
            var computed = Encoding.UTF8.GetBytes(Compute(authToken, candidate, parameters));
            // No short-circuit: every variant is computed and compared whatever the outcome.
            valid |= CryptographicOperations.FixedTimeEquals(computed, expected);
        }
        return valid;
    }

    /// The URL as given, plus the same URL with the scheme's default port made explicit or
    /// dropped. Done on the text, not through Uri, so nothing else (escaping, case, a trailing
    /// slash) is normalised away from what Twilio signed.
    internal static IEnumerable<string> UrlVariants(string url)
    {
        yield return url;

        var schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd <= 0)
            yield break;
        var scheme = url[..schemeEnd];
        var defaultPort = scheme.Equals("https", StringComparison.OrdinalIgnoreCase) ? "443"
            : scheme.Equals("http", StringComparison.OrdinalIgnoreCase) ? "80" : null;
        if (defaultPort is null)
            yield break;

        var authorityStart = schemeEnd + 3;
        var authorityEnd = url.IndexOfAny(['/', '?', '#'], authorityStart);
        if (authorityEnd < 0)
            authorityEnd = url.Length;
        var authority = url[authorityStart..authorityEnd];
        var hostStart = authority.LastIndexOf('@') + 1; // user:password@ may precede the host
        var colon = authority.LastIndexOf(':');
        var hasPort = colon >= hostStart && colon > authority.LastIndexOf(']');

        if (!hasPort)
            yield return url[..authorityEnd] + ":" + defaultPort + url[authorityEnd..];
        else if (authority[(colon + 1)..] == defaultPort)
            yield return url[..(authorityStart + colon)] + url[authorityEnd..];
    }
}
