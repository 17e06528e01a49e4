using Microsoft.Extensions.Options;
using Pamoja.Web.Http;
using Pamoja.Web.Integrations.Payments;

namespace Pamoja.Web.Features.Payments;

/// The configured gateways by provider name. Features ask for "mpesa" or "momo" and never see
/// a wire format; a provider that is not configured is simply absent.
public sealed class PaymentGateways(IEnumerable<IPaymentGateway> gateways, IOptions<PaymentOptions> options, PublicUrls urls)
{
    private readonly Dictionary<string, IPaymentGateway> _byName = gateways.ToDictionary(g => g.Provider, StringComparer.Ordinal);

    public IPaymentGateway? Find(string provider) => _byName.GetValueOrDefault(provider);

    public IReadOnlyCollection<string> Providers => _byName.Keys;

    public Uri CallbackBase
    {
        get
        {
            var configured = options.Value.CallbackBaseUrl;
            var text = string.IsNullOrWhiteSpace(configured) ? urls.Absolute("/") : configured.TrimEnd('/') + "/";
            return new Uri(text, UriKind.Absolute);
        }
    }
}
