using Pamoja.Sandbox.Scripts;

namespace Pamoja.Sandbox.Providers.AfricasTalking;

// Everything Africa's Talking contributes to the sandbox: SMS send and delivery reports, the
// USSD simulator and the incoming-SMS simulator.
public static class AfricasTalkingSetup
{
    public static IServiceCollection AddAfricasTalking(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<AfricasTalkingOptions>(configuration.GetSection(AfricasTalkingOptions.Section));
        services.PostConfigure<AfricasTalkingOptions>(o => DefaultCallbackUrls(o, configuration));
        services.AddSingleton<SmsScript>();
        services.AddSingleton<DeliveryReportOutbox>();
        services.AddHostedService<DeliveryReportSender>();
        // A short timeout: a hung receiver must not stall every later report for long.
        services.AddHttpClient(DeliveryReportSender.HttpClientName, client => client.Timeout = TimeSpan.FromSeconds(10));
        foreach (var scripted in SmsScript.Table)
        {
            services.AddSingleton(scripted);
        }

        services.AddSingleton<UssdSessions>();
        services.AddSingleton<UssdEventSender>();
        services.AddSingleton<AtCallbackPoster>();
        // AtCallbackPoster applies CallbackTimeout per request; AT follows no redirects, so a
        // 3xx from the app is shown as the violation it would be.
        services.AddHttpClient(AtCallbackPoster.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false });
        return services;
    }

    public static IEndpointRouteBuilder MapAfricasTalking(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost(SmsSendEndpoint.Path, SmsSendEndpoint.HandleAsync);
        endpoints.MapPost(UssdSimulatorEndpoint.Path, UssdSimulatorEndpoint.HandleAsync);
        endpoints.MapPost(InboundSmsEndpoint.Path, InboundSmsEndpoint.HandleAsync);
        return endpoints;
    }

    // The web app's webhooks, on PAMOJA_URL as the web app itself listens, with the token.
    private static void DefaultCallbackUrls(AfricasTalkingOptions options, IConfiguration configuration)
    {
        if (options.UssdCallbackUrl is not null && options.SmsCallbackUrl is not null)
        {
            return;
        }
        var web = (configuration["PAMOJA_URL"] is { Length: > 0 } url ? url : "http://localhost:5000").TrimEnd('/');
        var token = Uri.EscapeDataString(options.CallbackToken);
        // A PAMOJA_URL that is not a URL leaves the default unset; the simulators then say so.
        if (options.UssdCallbackUrl is null && Uri.TryCreate($"{web}/webhooks/africastalking/ussd?k={token}", UriKind.Absolute, out var ussd))
        {
            options.UssdCallbackUrl = ussd;
        }
        if (options.SmsCallbackUrl is null && Uri.TryCreate($"{web}/webhooks/africastalking/sms?k={token}", UriKind.Absolute, out var sms))
        {
            options.SmsCallbackUrl = sms;
        }
    }
}
