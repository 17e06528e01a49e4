using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Pamoja.Web.Integrations.Payments;

namespace Pamoja.Web.Integrations.Momo;

public static class MomoModule
{
    /// Registers MoMo when it is configured (Momo:BaseUrl, or PAMOJA_SANDBOX_URL for the
    /// sandbox); otherwise does nothing and the "momo" gateway is simply absent. MomoGateway is
    /// one singleton, also exposed as IPaymentGateway beside the other providers.
    public static WebApplicationBuilder AddMomo(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (!MomoOptions.IsConfigured(builder.Configuration))
            return builder;

        builder.Services.Configure<MomoOptions>(o =>
        {
            builder.Configuration.GetSection(MomoOptions.Section).Bind(o);
            var sandboxUrl = builder.Configuration["PAMOJA_SANDBOX_URL"];
            if (string.IsNullOrWhiteSpace(o.BaseUrl))
                o.BaseUrl = sandboxUrl ?? "";
            if (!string.IsNullOrWhiteSpace(sandboxUrl) && SameUrl(o.BaseUrl, sandboxUrl))
            {
                // The sandbox only checks that a key is present, and provisions its own API user.
                if (string.IsNullOrWhiteSpace(o.CollectionSubscriptionKey)) o.CollectionSubscriptionKey = "sandbox-collection-key";
                if (string.IsNullOrWhiteSpace(o.DisbursementSubscriptionKey)) o.DisbursementSubscriptionKey = "sandbox-disbursement-key";
            }
        });

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddHttpClient(MomoClient.HttpClientName, (sp, http) =>
            {
                var o = sp.GetRequiredService<IOptions<MomoOptions>>().Value;
                http.BaseAddress = new Uri(o.BaseUrl.TrimEnd('/') + "/");
                http.Timeout = o.Timeout;
                http.MaxResponseContentBufferSize = 1024 * 1024;
            })
            // The client lives in a singleton, so connections are recycled by lifetime (DNS
            // changes are seen) rather than by the factory's handler rotation. No redirects: a
            // 307 would make the handler send a money-moving POST a second time on its own.
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                AllowAutoRedirect = false,
            });
        // A singleton, not a typed client (those are transient): the token cache must be shared
        // by every payment, or each would mint its own token.
        builder.Services.AddSingleton(sp => new MomoClient(
            sp.GetRequiredService<IHttpClientFactory>().CreateClient(MomoClient.HttpClientName),
            sp.GetRequiredService<IOptions<MomoOptions>>(),
            sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton<MomoGateway>();
        builder.Services.AddSingleton<IPaymentGateway>(sp => sp.GetRequiredService<MomoGateway>());
        return builder;
    }

    private static bool SameUrl(string a, string b) =>
        string.Equals(a.TrimEnd('/'), b.TrimEnd('/'), StringComparison.OrdinalIgnoreCase);
}
