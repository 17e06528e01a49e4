namespace Pamoja.Web.Integrations.Mpesa;

/// Section "Mpesa". BaseUrl defaults to PAMOJA_SANDBOX_URL, and then every other value defaults
/// to the sandbox's (Daraja's public test values, protocols.md §1.8), so the demo and the tests
/// need no M-Pesa settings at all. Production sets https://api.safaricom.co.ke and the secrets.
public sealed class MpesaOptions
{
    public const string Section = "Mpesa";

    /// The STK passkey of shortcode 174379 on Daraja's public sandbox (protocols.md §1.8).
    public const string SandboxPasskey = "bfb279f9aa9bdbcf158e97dd71a467cd2e0c893059b10f78e6b72ada1ed2c919";

    public string BaseUrl { get; set; } = "";
    public string ConsumerKey { get; set; } = "";
    public string ConsumerSecret { get; set; } = "";

    /// The Lipa na M-Pesa Online (STK) paybill or till and its passkey.
    public string ShortCode { get; set; } = "174379";
    public string Passkey { get; set; } = "";

    /// CustomerPayBillOnline for a paybill, CustomerBuyGoodsOnline for a till.
    public string TransactionType { get; set; } = "CustomerPayBillOnline";

    /// The B2C shortcode payouts are paid from, and its API operator ("ORG B2C API initiator").
    public string B2cShortCode { get; set; } = "600992";
    public string InitiatorName { get; set; } = "";
    public string InitiatorPassword { get; set; } = "";

    /// PEM or DER file of M-Pesa's public-key certificate (sandbox and production differ).
    /// Empty against the Pamoja sandbox: its certificate is fetched from the sandbox once.
    public string CertificatePath { get; set; } = "";

    /// The paybill whose C2B (paybill deposit) URLs Pamoja registers; empty: none.
    public string C2bShortCode { get; set; } = "";

    /// Per HTTP call, token call included. Past it the answer is unknown, never retried.
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    public static bool IsConfigured(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return !string.IsNullOrWhiteSpace(configuration["Mpesa:BaseUrl"]) || !string.IsNullOrWhiteSpace(configuration["PAMOJA_SANDBOX_URL"]);
    }

    /// Safaricom's own hosts (sandbox.safaricom.co.ke, api.safaricom.co.ke) never serve the
    /// Pamoja sandbox's certificate; anything else is taken to be the Pamoja sandbox.
    public bool IsSafaricom =>
        Uri.TryCreate(BaseUrl, UriKind.Absolute, out var url)
        && (url.Host.Equals("safaricom.co.ke", StringComparison.OrdinalIgnoreCase)
            || url.Host.EndsWith(".safaricom.co.ke", StringComparison.OrdinalIgnoreCase));

    /// Fills what the Pamoja sandbox needs and the configuration left empty.
    public void ApplySandboxDefaults()
    {
        if (string.IsNullOrWhiteSpace(ConsumerKey)) ConsumerKey = "sandbox-consumer-key";
        if (string.IsNullOrWhiteSpace(ConsumerSecret)) ConsumerSecret = "sandbox-consumer-secret";
        if (string.IsNullOrWhiteSpace(Passkey)) Passkey = SandboxPasskey;
        if (string.IsNullOrWhiteSpace(InitiatorName)) InitiatorName = "testapi";
        if (string.IsNullOrWhiteSpace(InitiatorPassword)) InitiatorPassword = "Safaricom999!*!";
        if (string.IsNullOrWhiteSpace(C2bShortCode)) C2bShortCode = "600984";
    }
}
