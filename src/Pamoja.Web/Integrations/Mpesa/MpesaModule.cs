using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Pamoja.Web.Integrations.Payments;

namespace Pamoja.Web.Integrations.Mpesa;

public static class MpesaModule
{
    /// Registers M-Pesa when it is configured (Mpesa:BaseUrl, or PAMOJA_SANDBOX_URL for the
    /// sandbox); otherwise nothing, and the "mpesa" gateway is simply absent. DarajaClient is a
    /// typed HttpClient; the token and credential it needs live in the DarajaAuth singleton so
    /// every instance shares one token. MpesaGateway is one singleton, also exposed as
    /// IPaymentGateway beside the other providers.
    public static WebApplicationBuilder AddMpesa(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (!MpesaOptions.IsConfigured(builder.Configuration))
            return builder;

        builder.Services.Configure<MpesaOptions>(o =>
        {
            builder.Configuration.GetSection(MpesaOptions.Section).Bind(o);
            var sandboxUrl = builder.Configuration["PAMOJA_SANDBOX_URL"];
            if (string.IsNullOrWhiteSpace(o.BaseUrl))
                o.BaseUrl = sandboxUrl ?? "";
            if (!string.IsNullOrWhiteSpace(sandboxUrl) && SameUrl(o.BaseUrl, sandboxUrl))
                o.ApplySandboxDefaults();
        });

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<DarajaAuth>();
        builder.Services.AddHttpClient<DarajaClient>((sp, http) =>
            {
                var o = sp.GetRequiredService<IOptions<MpesaOptions>>().Value;
                http.BaseAddress = new Uri(o.BaseUrl.TrimEnd('/') + "/");
                http.Timeout = o.Timeout;
                http.MaxResponseContentBufferSize = 1024 * 1024;
            })
            // The gateway singleton keeps its client, so connections are recycled by lifetime
            // (DNS changes are seen). No redirects, and no retry handler: a redirected or retried
            // POST could pay a member twice.
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                AllowAutoRedirect = false,
            });
        builder.Services.AddSingleton<MpesaGateway>();
        builder.Services.AddSingleton<IPaymentGateway>(sp => sp.GetRequiredService<MpesaGateway>());
        return builder;
    }

    private static bool SameUrl(string a, string b) =>
        string.Equals(a.TrimEnd('/'), b.TrimEnd('/'), StringComparison.OrdinalIgnoreCase);
}
