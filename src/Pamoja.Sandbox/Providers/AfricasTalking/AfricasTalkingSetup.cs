using Pamoja.Sandbox.Scripts;

namespace Pamoja.Sandbox.Providers.AfricasTalking;

// Everything Africa's Talking contributes to the sandbox. USSD (§5.1) will be mapped here too.
public static class AfricasTalkingSetup
{
    public static IServiceCollection AddAfricasTalking(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<AfricasTalkingOptions>(configuration.GetSection(AfricasTalkingOptions.Section));
        services.AddSingleton<SmsScript>();
        services.AddSingleton<DeliveryReportOutbox>();
        services.AddHostedService<DeliveryReportSender>();
        // A short timeout: a hung receiver must not stall every later report for long.
        services.AddHttpClient(DeliveryReportSender.HttpClientName, client => client.Timeout = TimeSpan.FromSeconds(10));
        foreach (var scripted in SmsScript.Table)
        {
            services.AddSingleton(scripted);
        }
        return services;
    }

    public static IEndpointRouteBuilder MapAfricasTalking(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost(SmsSendEndpoint.Path, SmsSendEndpoint.HandleAsync);
        return endpoints;
    }
}
