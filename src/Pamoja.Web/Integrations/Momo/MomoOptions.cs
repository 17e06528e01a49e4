namespace Pamoja.Web.Integrations.Momo;

/// Section "Momo". BaseUrl defaults to PAMOJA_SANDBOX_URL, so the demo and the tests talk to
/// Pamoja.Sandbox; production sets https://proxy.momoapi.mtn.com, the market's
/// TargetEnvironment (e.g. "mtnuganda") and the keys from MTN's partner portal.
public sealed class MomoOptions
{
    public const string Section = "Momo";
    public const string SandboxEnvironment = "sandbox";

    public string BaseUrl { get; set; } = "";

    /// Ocp-Apim-Subscription-Key of each product: Collection and Disbursement have different keys.
    public string CollectionSubscriptionKey { get; set; } = "";
    public string DisbursementSubscriptionKey { get; set; } = "";

    /// The API user (a UUID) and its key, for the OAuth token. Empty on the sandbox target
    /// environment: the client provisions its own through /v1_0/apiuser on first use.
    public string ApiUser { get; set; } = "";
    public string ApiKey { get; set; } = "";

    /// Optional per-product credentials, for markets that issue one API user per product
    /// subscription. Empty: ApiUser / ApiKey.
    public string CollectionApiUser { get; set; } = "";
    public string CollectionApiKey { get; set; } = "";
    public string DisbursementApiUser { get; set; } = "";
    public string DisbursementApiKey { get; set; } = "";

    /// X-Target-Environment: "sandbox", or "mtn" + country in production ("mtnuganda").
    public string TargetEnvironment { get; set; } = SandboxEnvironment;

    /// Per HTTP call. A POST that outlives it is Unknown, settled by asking (QueryAsync).
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    public bool IsSandbox => string.Equals(TargetEnvironment, SandboxEnvironment, StringComparison.Ordinal);

    public static bool IsConfigured(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration[Section + ":BaseUrl"]) || !string.IsNullOrWhiteSpace(configuration["PAMOJA_SANDBOX_URL"]);

    internal string SubscriptionKey(MomoProduct product) =>
        product == MomoProduct.Collection ? CollectionSubscriptionKey : DisbursementSubscriptionKey;

    /// The configured API user and key for a product, or null when none is configured.
    internal (string ApiUser, string ApiKey)? Credentials(MomoProduct product)
    {
        var (user, key) = product == MomoProduct.Collection
            ? (CollectionApiUser, CollectionApiKey)
            : (DisbursementApiUser, DisbursementApiKey);
        if (!string.IsNullOrWhiteSpace(user) && !string.IsNullOrWhiteSpace(key))
            return (user, key);
        if (!string.IsNullOrWhiteSpace(ApiUser) && !string.IsNullOrWhiteSpace(ApiKey))
            return (ApiUser, ApiKey);
        return null;
    }
}

/// The two MoMo products Pamoja uses: Collection (request-to-pay, money in) and Disbursement
/// (transfer, money out). Each has its own subscription key, token and resources.
public enum MomoProduct
{
    Collection,
    Disbursement,
}
