using System.Text.RegularExpressions;

namespace Pamoja.Web.Integrations.Twilio;

/// Section "Twilio". BaseUrl defaults to PAMOJA_SANDBOX_URL, and against the sandbox every
/// credential defaults to the sandbox's own, so the demo and the tests need no Twilio settings.
/// Production sets BaseUrl https://api.twilio.com (or leaves it and PAMOJA_SANDBOX_URL empty)
/// and the secrets.
public sealed partial class TwilioOptions
{
    public const string Section = "Twilio";
    public const string ProductionBaseUrl = "https://api.twilio.com";

    // The Pamoja sandbox's values (src/Pamoja.Sandbox/Providers/Twilio/TwilioOptions.cs).
    public const string SandboxAccountSid = "AC00000000000000000000000000000001";
    public const string SandboxAuthToken = "sandbox-twilio-auth-token";
    public const string SandboxWhatsAppFrom = "whatsapp:+14155238886";
    public const string SandboxSmsFrom = "+15005550006";

    public string AccountSid { get; set; } = "";

    /// Signs Basic auth on the way out and checks X-Twilio-Signature on the way in.
    public string AuthToken { get; set; } = "";

    /// The WhatsApp sender, with its channel prefix: "whatsapp:+14155238886".
    public string WhatsAppFrom { get; set; } = "";

    /// The SMS sender: +E.164 or an alphanumeric sender ID where the country allows one.
    public string SmsFrom { get; set; } = "";

    public string BaseUrl { get; set; } = "";

    /// The scheme, host (and any prefix a reverse proxy strips) Twilio calls us on. Twilio
    /// signs the URL it called, so behind a proxy the signature only checks out against this.
    /// Empty: Network:PublicBaseUrl, else PAMOJA_URL.
    public string PublicBaseUrl { get; set; } = "";

    /// Per call. Twilio answers in well under a second; past this the message may or may not
    /// have been queued, and the caller retries (a duplicate text beats a lost reminder).
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(15);

    /// Approved WhatsApp templates: "{template}.{language}" (e.g. "reminder.due-today.sw") →
    /// Content SID ("HX" + 32 hex). Outside the 24-hour window only these may be sent.
    public Dictionary<string, string> Templates { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    public static bool IsConfigured(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return !string.IsNullOrWhiteSpace(configuration["Twilio:BaseUrl"])
            || !string.IsNullOrWhiteSpace(configuration["Twilio:AccountSid"])
            || !string.IsNullOrWhiteSpace(configuration["PAMOJA_SANDBOX_URL"]);
    }

    /// The Content SID of an approved template in one language, or null when there is none
    /// (the caller then falls back to SMS or another language).
    public string? TemplateSid(string template, string language)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(language);
        return Templates.TryGetValue(template + "." + language, out var sid) && IsContentSid(sid) ? sid : null;
    }

    public static bool IsContentSid(string? value) => value is not null && ContentSidPattern().IsMatch(value);

    /// Fills what configuration left empty: the base URLs, and the sandbox's credentials when
    /// BaseUrl is the sandbox (never when it is Twilio's: sandbox secrets must not go there).
    public void ApplyDefaults(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var sandboxUrl = configuration["PAMOJA_SANDBOX_URL"];
        if (string.IsNullOrWhiteSpace(BaseUrl))
            BaseUrl = string.IsNullOrWhiteSpace(sandboxUrl) ? ProductionBaseUrl : sandboxUrl;
        if (string.IsNullOrWhiteSpace(PublicBaseUrl))
            PublicBaseUrl = configuration["Network:PublicBaseUrl"] is { Length: > 0 } configured ? configured : configuration["PAMOJA_URL"] ?? "";

        if (!string.IsNullOrWhiteSpace(sandboxUrl) && SameUrl(BaseUrl, sandboxUrl))
        {
            if (string.IsNullOrWhiteSpace(AccountSid)) AccountSid = SandboxAccountSid;
            if (string.IsNullOrWhiteSpace(AuthToken)) AuthToken = SandboxAuthToken;
            if (string.IsNullOrWhiteSpace(WhatsAppFrom)) WhatsAppFrom = SandboxWhatsAppFrom;
            if (string.IsNullOrWhiteSpace(SmsFrom)) SmsFrom = SandboxSmsFrom;
        }
    }

    private static bool SameUrl(string a, string b) =>
        string.Equals(a.TrimEnd('/'), b.TrimEnd('/'), StringComparison.OrdinalIgnoreCase);

    [GeneratedRegex("^HX[0-9a-fA-F]{32}$")]
    private static partial Regex ContentSidPattern();
}
