using Pamoja.Sandbox.Providers.Momo;
using MomoProduct = Pamoja.Web.Integrations.Momo.MomoProduct;
using Pamoja.Web.Integrations.Momo;
using Pamoja.Web.Integrations.Payments;

namespace Pamoja.Web.Tests.Integrations.Momo;

// The answers that decide whether money moves twice: a POST carried out but never answered, and
// a burst of 503s. Each test has a sandbox of its own (the burst count lives in the process).
public sealed class MomoUnclearAnswerTests
{
    [Fact]
    public async Task AmbiguousTransferIsUnknownThenSucceededByQueryAndResendingMovesNothing()
    {
        await using var host = await MomoTestHost.StartAsync();
        // MoMo holds the POST for AmbiguousDelay (minutes); the client gives up after a second.
        var options = host.Options(o => o.Timeout = TimeSpan.FromSeconds(1));
        var client = MomoTestHost.Client(options);
        var gateway = new MomoGateway(client, Microsoft.Extensions.Options.Options.Create(options),
            Microsoft.Extensions.Logging.Abstractions.NullLogger<MomoGateway>.Instance);
        var request = host.Request(PaymentDirection.Payout, "+" + MomoScripts.Ambiguous, amount: 25_000);
        // Provisioning and the token first, so only the POST can run into the short timeout.
        Assert.NotNull((await client.AccessTokenAsync(MomoProduct.Disbursement, request.CallbackBase.Host, CancellationToken.None)).Token);

        var started = await gateway.StartAsync(request, CancellationToken.None);

        Assert.Equal(GatewayStatus.Unknown, started.Status);
        Assert.Equal("TIMEOUT", started.Code);
        Assert.Equal(MomoReference.For(request.PaymentId, 1, PaymentDirection.Payout).ToString("D"), started.ProviderRef);

        // Asked, not resent: the transfer did happen.
        var queried = await MomoTestHost.QueryUntilSettledAsync(gateway, request, started.ProviderRef);
        Assert.Equal(GatewayStatus.Succeeded, queried.Status);
        Assert.Equal(25_000, queried.Amount);
        var transfer = Assert.Single(await host.TransactionsAsync($"?msisdn={MomoScripts.Ambiguous}"));
        Assert.True(transfer.GetProperty("moneyMoved").GetBoolean());

        // A worker that resends the same attempt anyway is refused by MoMo: Pending, still one transfer.
        var resent = await gateway.StartAsync(request, CancellationToken.None);
        Assert.Equal(GatewayStatus.Pending, resent.Status);
        Assert.Equal("RESOURCE_ALREADY_EXIST", resent.Code);
        transfer = Assert.Single(await host.TransactionsAsync($"?msisdn={MomoScripts.Ambiguous}"));
        Assert.Equal(1, transfer.GetProperty("duplicateRequests").GetInt32());
        Assert.Equal(queried.Receipt, transfer.GetProperty("financialTransactionId").GetString());
    }

    [Theory]
    [InlineData(PaymentDirection.Collection)]
    [InlineData(PaymentDirection.Payout)]
    public async Task ServiceUnavailableBurstIsUnknownThenNotFoundUntilAnAttemptGetsThrough(PaymentDirection direction)
    {
        await using var host = await MomoTestHost.StartAsync();
        var gateway = host.Gateway();
        var paymentId = Guid.NewGuid();

        for (var attempt = 1; attempt <= MomoScripts.BurstLength; attempt++)
        {
            var request = host.Request(direction, "+" + MomoScripts.ServiceUnavailableBurst, attempt: attempt, paymentId: paymentId);
            var started = await gateway.StartAsync(request, CancellationToken.None);
            Assert.Equal(GatewayStatus.Unknown, started.Status);
            Assert.Equal("SERVICE_UNAVAILABLE", started.Code);

            // The 503 came back whole, so the POST is over; MoMo has nothing under its id.
            var queried = await gateway.QueryAsync(request, started.ProviderRef, CancellationToken.None);
            Assert.Equal(GatewayStatus.Failed, queried.Status);
            Assert.Equal("NOT_FOUND", queried.Code);
        }

        var last = host.Request(direction, "+" + MomoScripts.ServiceUnavailableBurst, attempt: MomoScripts.BurstLength + 1, paymentId: paymentId);
        var through = await gateway.StartAsync(last, CancellationToken.None);
        Assert.Equal(GatewayStatus.Pending, through.Status);
        Assert.Equal(GatewayStatus.Succeeded, (await MomoTestHost.QueryUntilSettledAsync(gateway, last, through.ProviderRef)).Status);
        Assert.Single(await host.TransactionsAsync($"?msisdn={MomoScripts.ServiceUnavailableBurst}"));
    }
}
