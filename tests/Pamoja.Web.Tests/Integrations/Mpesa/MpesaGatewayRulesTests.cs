using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Pamoja.Web.Integrations.Mpesa;
using Pamoja.Web.Integrations.Payments;
using MpesaScripts = Pamoja.Sandbox.Providers.Mpesa.MpesaScripts;

namespace Pamoja.Web.Tests.Integrations.Mpesa;

public sealed class MpesaRefuseTests
{
    private static readonly MpesaGateway Gateway = new(null!, Microsoft.Extensions.Logging.Abstractions.NullLogger<MpesaGateway>.Instance);

    [Theory]
    [InlineData(PaymentDirection.Collection, 100)]          // KES 1, the STK minimum
    [InlineData(PaymentDirection.Collection, 25_000_000)]   // KES 250,000, the maximum
    [InlineData(PaymentDirection.Payout, 1_000)]            // KES 10, the B2C minimum
    [InlineData(PaymentDirection.Payout, 25_000_000)]
    public void AmountsWithinLimitsAreCarried(PaymentDirection direction, long amount)
    {
        Assert.Null(Gateway.Refuse(direction, "+254712345678", amount, "KES"));
        Assert.Null(Gateway.Refuse(direction, "+254112345678", amount, "KES"));
    }

    [Theory]
    [InlineData(PaymentDirection.Collection, 0, "KES", "+254712345678", "minimum")]
    [InlineData(PaymentDirection.Collection, 150, "KES", "+254712345678", "whole shillings")]
    [InlineData(PaymentDirection.Collection, 25_000_100, "KES", "+254712345678", "maximum")]
    [InlineData(PaymentDirection.Payout, 900, "KES", "+254712345678", "minimum")]
    [InlineData(PaymentDirection.Payout, 25_000_100, "KES", "+254712345678", "maximum")]
    [InlineData(PaymentDirection.Collection, 100, "UGX", "+254712345678", "KES")]
    [InlineData(PaymentDirection.Collection, 100, "kes", "+254712345678", "KES")]
    [InlineData(PaymentDirection.Collection, 100, "KES", "254712345678", "+2547")]
    [InlineData(PaymentDirection.Collection, 100, "KES", "+254812345678", "+2547")]
    [InlineData(PaymentDirection.Collection, 100, "KES", "+25471234567", "+2547")]
    [InlineData(PaymentDirection.Collection, 100, "KES", "+256712345678", "+2547")]
    [InlineData(PaymentDirection.Payout, 1_000, "KES", "0712345678", "+2547")]
    public void WhatMpesaCannotCarryIsRefusedWithAReason(PaymentDirection direction, long amount, string currency, string phone, string reason)
    {
        var refusal = Gateway.Refuse(direction, phone, amount, currency);

        Assert.NotNull(refusal);
        Assert.Contains(reason, refusal, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartRefusesWithoutSendingWhatRefuseRefuses()
    {
        // The gateway's DarajaClient is null: sending anything would throw.
        var answer = await Gateway.StartAsync(new GatewayRequest(Guid.NewGuid(), 1, PaymentDirection.Payout, "+254712345678", 500, "KES", "R", "D",
            new Uri("http://pamoja.test/")), default);

        Assert.Equal(GatewayStatus.Failed, answer.Status);
        Assert.Equal("REFUSED", answer.Code);
    }

    [Fact]
    public void CallbackUrlsCarryThePaymentAndAttempt()
    {
        var id = Guid.Parse("11111111-2222-3333-4444-555555555555");
        var request = new GatewayRequest(id, 3, PaymentDirection.Payout, "+254712345678", 1_000, "KES", "R", "D", new Uri("https://pamoja.example/"));

        Assert.Equal("https://pamoja.example/webhooks/mpesa/b2c/result?p=11111111222233334444555555555555-3",
            MpesaGateway.CallbackUrl(request, "b2c/result").ToString());
        Assert.Equal("mpesa", Gateway.Provider);
    }
}

public sealed class MpesaModuleTests
{
    [Fact]
    public void NothingIsRegisteredWhenMpesaIsNotConfigured()
    {
        var builder = Builder();

        builder.AddMpesa();

        Assert.DoesNotContain(builder.Services, d => d.ServiceType == typeof(IPaymentGateway));
        Assert.DoesNotContain(builder.Services, d => d.ServiceType == typeof(MpesaGateway));
    }

    [Fact]
    public async Task AgainstTheSandboxItRegistersAGatewayWithSandboxDefaultsThatWorks()
    {
        await using var host = await MpesaTestHost.StartAsync();
        var builder = Builder();
        builder.Configuration["PAMOJA_SANDBOX_URL"] = host.SandboxUrl.ToString();

        builder.AddMpesa();
        await using var app = builder.Build();

        var gateway = Assert.Single(app.Services.GetServices<IPaymentGateway>());
        Assert.Same(app.Services.GetRequiredService<MpesaGateway>(), gateway);
        Assert.Equal("mpesa", gateway.Provider);
        var options = app.Services.GetRequiredService<IOptions<MpesaOptions>>().Value;
        Assert.Equal(MpesaOptions.SandboxPasskey, options.Passkey);
        Assert.Equal("174379", options.ShortCode);
        Assert.Equal("600992", options.B2cShortCode);
        Assert.Equal("testapi", options.InitiatorName);
        Assert.Equal("CustomerPayBillOnline", options.TransactionType);
        Assert.Equal(TimeSpan.FromSeconds(30), options.Timeout);
        Assert.False(options.IsSafaricom);

        var collection = host.Collection(MpesaScripts.Phone());
        Assert.Equal(GatewayStatus.Pending, (await gateway.StartAsync(collection, default)).Status);
        var payout = host.Payout(MpesaScripts.Phone());
        Assert.Equal(GatewayStatus.Pending, (await gateway.StartAsync(payout, default)).Status);
        Assert.Equal(GatewayStatus.Succeeded, Assert.Single(await host.NoticesAsync(payout, "b2c/result")).Status);
    }

    [Fact]
    public void AgainstSafaricomNoSandboxSecretsAreFilledIn()
    {
        var builder = Builder();
        builder.Configuration["Mpesa:BaseUrl"] = "https://api.safaricom.co.ke";
        builder.Configuration["PAMOJA_SANDBOX_URL"] = "http://127.0.0.1:5001";
        builder.Configuration["Mpesa:Timeout"] = "00:00:20";

        builder.AddMpesa();
        using var provider = builder.Services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<MpesaOptions>>().Value;
        Assert.Equal("https://api.safaricom.co.ke", options.BaseUrl);
        Assert.True(options.IsSafaricom);
        Assert.Equal("", options.Passkey);
        Assert.Equal("", options.InitiatorPassword);
        Assert.Equal(TimeSpan.FromSeconds(20), options.Timeout);
        Assert.Single(provider.GetServices<IPaymentGateway>());
    }

    // Configuration from the test alone: an environment variable (PAMOJA_SANDBOX_URL in a dev
    // shell) must not decide what these tests see.
    private static WebApplicationBuilder Builder()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection();
        builder.Logging.ClearProviders();
        return builder;
    }

    [Fact]
    public async Task C2bUrlsRegisterWithTheSandbox()
    {
        await using var host = await MpesaTestHost.StartAsync();

        var reply = await host.Daraja.RegisterC2bUrlsAsync(new Uri(host.Receiver.BaseUrl, "webhooks/mpesa/c2b/confirmation"),
            new Uri(host.Receiver.BaseUrl, "webhooks/mpesa/c2b/validation"), "Completed", default);

        Assert.Equal(DarajaReplyKind.Answered, reply.Kind);
        Assert.Equal("0", reply.Field("ResponseCode"));
        Assert.NotNull(reply.Field("OriginatorCoversationID"));
    }
}
