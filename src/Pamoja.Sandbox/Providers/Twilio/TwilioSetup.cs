namespace Pamoja.Sandbox.Providers.Twilio;

// Everything Twilio contributes to the sandbox: protocols.md §4.
public static class TwilioSetup
{
    public const string DefaultWebhookPath = "/webhooks/twilio/messages";

    public static IServiceCollection AddTwilio(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<TwilioOptions>(configuration.GetSection(TwilioOptions.Section));
        services.PostConfigure<TwilioOptions>(o =>
            o.WebhookUrl ??= new Uri((configuration["PAMOJA_URL"] is { Length: > 0 } url ? url : "http://localhost:5000").TrimEnd('/') + DefaultWebhookPath));
        services.AddSingleton<WhatsAppWindows>();
        services.AddSingleton<TwilioStatusOutbox>();
        services.AddHostedService<TwilioStatusSender>();
        // A short timeout: a hung receiver must not stall every later callback for long. The
        // simulator's webhook deadline (15 s) is its own, per request.
        services.AddHttpClient(TwilioStatusSender.HttpClientName, client => client.Timeout = TimeSpan.FromSeconds(10));
        services.AddHttpClient(TwilioInboundSimulator.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan);
        foreach (var scripted in TwilioScripts.Table)
        {
            services.AddSingleton(scripted);
        }
        return services;
    }

    public static IEndpointRouteBuilder MapTwilio(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost(TwilioMessagesEndpoint.Path, TwilioMessagesEndpoint.HandleAsync);
        endpoints.MapPost(TwilioInboundSimulator.Path, TwilioInboundSimulator.HandleAsync);
        return endpoints;
    }
}
