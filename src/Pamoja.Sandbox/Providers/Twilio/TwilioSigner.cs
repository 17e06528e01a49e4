using System.Security.Cryptography;
using System.Text;

namespace Pamoja.Sandbox.Providers.Twilio;

// X-Twilio-Signature as Twilio computes it (protocols.md §4.2): the URL exactly as called,
// then each form parameter's name and value, names in ordinal order, HMAC-SHA1 with the auth
// token, base64.
public static class TwilioSigner
{
    public const string Header = "X-Twilio-Signature";

    public static string Sign(string authToken, string url, IEnumerable<KeyValuePair<string, string>> form)
    {
        ArgumentNullException.ThrowIfNull(authToken);
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(form);
        var data = new StringBuilder(url);
        foreach (var (name, value) in form.OrderBy(p => p.Key, StringComparer.Ordinal).ThenBy(p => p.Value, StringComparer.Ordinal))
        {
            data.Append(name).Append(value);
        }
        return Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(authToken), Encoding.UTF8.GetBytes(data.ToString())));
    }
}
