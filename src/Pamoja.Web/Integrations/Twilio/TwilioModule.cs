using Microsoft.Extensions.Options;

namespace Pamoja.Web.Integrations.Twilio;

public static class TwilioModule
{
    /// Registers Twilio when it is configured (Twilio:BaseUrl or Twilio:AccountSid, or
    /// PAMOJA_SANDBOX_URL for the sandbox); otherwise nothing. TwilioMessageSender is a typed
    /// HttpClient registered as itself, not as IMessageSender: the notifications module picks it
    /// per channel (WhatsApp, and SMS where Twilio carries it).
    public static WebApplicationBuilder AddTwilio(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (!TwilioOptions.IsConfigured(builder.Configuration))
            return builder;

        builder.Services.AddOptions<TwilioOptions>()
            .Configure(o =>
            {
                builder.Configuration.GetSection(TwilioOptions.Section).Bind(o);
                o.ApplyDefaults(builder.Configuration);
            })
            // A missing secret or a malformed template SID shows at start-up, not at the first
            // reminder of the month.
            .Validate(o => !string.IsNullOrWhiteSpace(o.AccountSid) && !string.IsNullOrWhiteSpace(o.AuthToken),
                "Twilio:AccountSid and Twilio:AuthToken are required")
            .Validate(o => Uri.TryCreate(o.BaseUrl, UriKind.Absolute, out _), "Twilio:BaseUrl must be an absolute URL")
            .Validate(o => o.Templates.Values.All(TwilioOptions.IsContentSid), "Twilio:Templates values must be Content SIDs (HX + 32 hex)")
            .ValidateOnStart();

        builder.Services.AddHttpClient<TwilioMessageSender>((sp, http) =>
            {
                var o = sp.GetRequiredService<IOptions<TwilioOptions>>().Value;
                http.BaseAddress = new Uri(o.BaseUrl.TrimEnd('/') + "/");
                http.Timeout = o.Timeout;
                http.MaxResponseContentBufferSize = 256 * 1024;
            })
            // No redirects and no retry handler: the notifications outbox decides about retries,
            // and a retried POST sends the member the same text twice.
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                AllowAutoRedirect = false,
            });
        return builder;
    }
}
