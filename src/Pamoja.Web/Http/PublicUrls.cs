namespace Pamoja.Web.Http;

/// Absolute links for messages sent outside a request (SMS, WhatsApp). Behind a reverse proxy
/// the public URL differs from the one Kestrel listens on, so it is configured:
/// Network:PublicBaseUrl, else PAMOJA_URL, else http://localhost:5000.
public sealed class PublicUrls(IConfiguration configuration)
{
    private readonly string _base = (configuration["Network:PublicBaseUrl"] is { Length: > 0 } configured
        ? configured
        : configuration["PAMOJA_URL"] is { Length: > 0 } url ? url : "http://localhost:5000").TrimEnd('/');

    public string Absolute(string pathAndQuery) => _base + pathAndQuery;
}
