using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Pamoja.Web.Integrations.Momo;
using Pamoja.Web.Integrations.Payments;

namespace Pamoja.Web.Tests.Integrations.Momo;

public sealed class MomoModuleTests
{
    private static WebApplicationBuilder Builder(Dictionary<string, string?> settings)
    {
        var builder = WebApplication.CreateBuilder();
        // Cleared explicitly: the machine running the tests may have the variable set.
        builder.Configuration["PAMOJA_SANDBOX_URL"] = "";
        foreach (var (key, value) in settings) builder.Configuration[key] = value;
        return builder;
    }

    [Fact]
    public void NothingIsRegisteredWhenMomoIsNotConfigured()
    {
        var builder = Builder([]).AddMomo();
        using var services = builder.Services.BuildServiceProvider();

        Assert.Empty(services.GetServices<IPaymentGateway>());
        Assert.Null(services.GetService<MomoGateway>());
    }

    [Fact]
    public void SandboxUrlConfiguresMomoWithSandboxDefaults()
    {
        var builder = Builder(new() { ["PAMOJA_SANDBOX_URL"] = "http://127.0.0.1:5099" }).AddMomo();
        using var services = builder.Services.BuildServiceProvider();

        var gateway = Assert.Single(services.GetServices<IPaymentGateway>());
        Assert.Same(services.GetRequiredService<MomoGateway>(), gateway);
        Assert.Equal("momo", gateway.Provider);
        Assert.Same(services.GetRequiredService<MomoClient>(), services.GetRequiredService<MomoClient>());
        var options = services.GetRequiredService<IOptions<MomoOptions>>().Value;
        Assert.Equal("http://127.0.0.1:5099", options.BaseUrl);
        Assert.Equal("sandbox", options.TargetEnvironment);
        Assert.False(string.IsNullOrEmpty(options.CollectionSubscriptionKey));
        Assert.False(string.IsNullOrEmpty(options.DisbursementSubscriptionKey));
        Assert.Equal("", options.ApiUser);
        Assert.Equal(TimeSpan.FromSeconds(30), options.Timeout);
        var http = services.GetRequiredService<IHttpClientFactory>().CreateClient(MomoClient.HttpClientName);
        Assert.Equal(new Uri("http://127.0.0.1:5099/"), http.BaseAddress);
        Assert.Equal(TimeSpan.FromSeconds(30), http.Timeout);
    }

    [Fact]
    public void ProductionSettingsAreTakenAsGivenWithoutSandboxKeys()
    {
        var builder = Builder(new()
        {
            ["Momo:BaseUrl"] = "https://proxy.momoapi.mtn.com",
            ["Momo:TargetEnvironment"] = "mtnuganda",
            ["Momo:ApiUser"] = "9f3c2a1e-0b7d-4c5e-8a6f-1d2e3f4a5b6c",
            ["Momo:ApiKey"] = "secret",
            ["Momo:Timeout"] = "00:00:20",
        }).AddMomo();
        using var services = builder.Services.BuildServiceProvider();

        var options = services.GetRequiredService<IOptions<MomoOptions>>().Value;
        Assert.Equal("mtnuganda", options.TargetEnvironment);
        Assert.Equal("", options.CollectionSubscriptionKey);
        Assert.Equal(TimeSpan.FromSeconds(20), services.GetRequiredService<IHttpClientFactory>().CreateClient(MomoClient.HttpClientName).Timeout);
        Assert.Single(services.GetServices<IPaymentGateway>());
    }

    [Fact]
    public void SeveralGatewaysCoexist()
    {
        var builder = Builder(new() { ["Momo:BaseUrl"] = "http://127.0.0.1:5099" });
        builder.Services.AddSingleton<IPaymentGateway, OtherGateway>();
        builder.AddMomo();
        using var services = builder.Services.BuildServiceProvider();

        Assert.Equal(["other", "momo"], services.GetServices<IPaymentGateway>().Select(g => g.Provider));
    }

    private sealed class OtherGateway : IPaymentGateway
    {
        public string Provider => "other";
        public string? Refuse(PaymentDirection direction, string phone, long amount, string currency) => null;
        public Task<GatewayAnswer> StartAsync(GatewayRequest request, CancellationToken ct) => throw new NotSupportedException();
        public Task<GatewayAnswer> QueryAsync(GatewayRequest request, string? providerRef, CancellationToken ct) => throw new NotSupportedException();
    }
}
