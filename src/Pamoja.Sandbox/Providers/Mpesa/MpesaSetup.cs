namespace Pamoja.Sandbox.Providers.Mpesa;

// Everything M-Pesa (Daraja) contributes to the sandbox: protocols.md §1.
public static class MpesaSetup
{
    public static IServiceCollection AddMpesa(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<MpesaOptions>(configuration.GetSection(MpesaOptions.Section));
        services.AddSingleton<MpesaIds>();
        services.AddSingleton<MpesaTokens>();
        services.AddSingleton<MpesaBook>();
        services.AddSingleton<MpesaBurstCounter>();
        // The key pair behind the served certificate; made when the app is mapped (MapMpesa).
        services.AddSingleton<MpesaCertificate>();
        services.AddSingleton<MpesaOutbox>();
        services.AddSingleton<MpesaCallbackPoster>();
        services.AddHostedService<MpesaCallbackSender>();
        // Per-request deadlines (callbacks 10 s, C2B validation 8 s) replace the client's own.
        services.AddHttpClient(MpesaCallbackPoster.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan);
        foreach (var scripted in MpesaScripts.Table)
        {
            services.AddSingleton(scripted);
        }
        return services;
    }

    public static IEndpointRouteBuilder MapMpesa(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        // Made now rather than on the first B2C, so the certificate a client fetches first
        // thing is already the one every later request is checked against.
        endpoints.ServiceProvider.GetRequiredService<MpesaCertificate>();
        endpoints.MapGet(MpesaTokenEndpoint.Path, MpesaTokenEndpoint.Handle);
        endpoints.MapPost(MpesaStkEndpoints.PushPath, MpesaStkEndpoints.PushAsync);
        endpoints.MapPost(MpesaStkEndpoints.QueryPath, MpesaStkEndpoints.QueryAsync);
        endpoints.MapPost(MpesaB2cEndpoints.V3Path, MpesaB2cEndpoints.V3Async);
        endpoints.MapPost(MpesaB2cEndpoints.V1Path, MpesaB2cEndpoints.V1Async);
        endpoints.MapPost(MpesaTransactionStatusEndpoint.Path, MpesaTransactionStatusEndpoint.HandleAsync);
        endpoints.MapPost(MpesaC2bEndpoints.RegisterV2Path, MpesaC2bEndpoints.RegisterAsync);
        endpoints.MapPost(MpesaC2bEndpoints.RegisterV1Path, MpesaC2bEndpoints.RegisterAsync);
        endpoints.MapPost(MpesaC2bEndpoints.SimulatePath, MpesaC2bEndpoints.SimulateAsync);
        endpoints.MapGet(MpesaSandboxApi.TransactionsPath, MpesaSandboxApi.Transactions);
        endpoints.MapGet(MpesaSandboxApi.CertificatePath, MpesaSandboxApi.Certificate);
        return endpoints;
    }
}
