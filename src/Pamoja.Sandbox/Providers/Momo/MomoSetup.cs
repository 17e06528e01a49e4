using Microsoft.Extensions.Options;

namespace Pamoja.Sandbox.Providers.Momo;

// Everything MTN MoMo (Collection and Disbursement, protocols.md §2) contributes to the sandbox.
public static class MomoSetup
{
    public static IServiceCollection AddMomo(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<MomoOptions>()
            .Bind(configuration.GetSection(MomoOptions.Section))
            .Validate(o => MomoOptions.IsValidCallbackMethod(o.CallbackMethod), "Momo:CallbackMethod must be PUT or POST.")
            .ValidateOnStart();
        services.AddSingleton<MomoState>();
        services.AddSingleton<MomoScript>();
        services.AddSingleton<MomoCallbackOutbox>();
        services.AddHostedService<MomoCallbackSender>();
        // MTN's callback retry text speaks of a 2 s response timeout; 10 s is kinder to a
        // debugger-paused receiver and still keeps one hung receiver from stalling the queue long.
        services.AddHttpClient(MomoCallbackSender.HttpClientName, client => client.Timeout = TimeSpan.FromSeconds(10));
        foreach (var scripted in MomoScript.Table)
        {
            services.AddSingleton(scripted);
        }
        return services;
    }

    public static IEndpointRouteBuilder MapMomo(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost(MomoProvisioningEndpoints.ApiUserPath, MomoProvisioningEndpoints.CreateApiUserAsync);
        endpoints.MapPost(MomoProvisioningEndpoints.ApiUserPath + "/{apiUserId}/apikey", MomoProvisioningEndpoints.CreateApiKey);
        endpoints.MapGet(MomoProvisioningEndpoints.ApiUserPath + "/{apiUserId}", MomoProvisioningEndpoints.GetApiUser);

        foreach (var product in Enum.GetValues<MomoProduct>())
        {
            endpoints.MapPost(MomoTokenEndpoint.Path(product),
                (HttpRequest request, MomoState state, IOptions<MomoOptions> options, TimeProvider time) =>
                    MomoTokenEndpoint.Issue(product, request, state, options, time));
            endpoints.MapPost(MomoPaymentEndpoints.Path(product),
                (HttpContext context, MomoState state, MomoScript script, MomoCallbackOutbox callbacks, IOptions<MomoOptions> options, TimeProvider time) =>
                    MomoPaymentEndpoints.CreateAsync(product, context, state, script, callbacks, options, time));
            endpoints.MapGet(MomoPaymentEndpoints.Path(product) + "/{referenceId}",
                (string referenceId, HttpRequest request, MomoState state, TimeProvider time) =>
                    MomoPaymentEndpoints.Get(product, referenceId, request, state, time));
        }

        endpoints.MapGet(MomoSandboxApi.TransactionsPath, MomoSandboxApi.Transactions);
        endpoints.MapGet(MomoSandboxApi.TokensPath, MomoSandboxApi.Tokens);
        return endpoints;
    }
}
