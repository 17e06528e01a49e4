using Pamoja.Sandbox.Providers.Momo;
using Pamoja.Web.Integrations.Momo;
using Pamoja.Web.Integrations.Payments;

namespace Pamoja.Web.Tests.Integrations.Momo;

// Outcomes that depend on time, with the sandbox on a hand-driven clock: PENDING stays PENDING
// until the test moves the clock, so nothing here races the machine.
public sealed class MomoTimingTests
{
    [Theory]
    [InlineData(PaymentDirection.Collection)]
    [InlineData(PaymentDirection.Payout)]
    public async Task OngoingNumberIsPendingWheneverAsked(PaymentDirection direction)
    {
        var clock = new ManualClock();
        await using var host = await MomoTestHost.StartAsync(clock);
        var gateway = host.Gateway();
        var request = host.Request(direction, "+46733123453", currency: "EUR");
        var started = await gateway.StartAsync(request, CancellationToken.None);

        // Well past every delay, within the hour the access token lives.
        clock.Advance(TimeSpan.FromMinutes(50));

        var queried = await gateway.QueryAsync(request, started.ProviderRef, CancellationToken.None);
        Assert.Equal(GatewayStatus.Pending, queried.Status);
        Assert.Equal(started.ProviderRef, queried.ProviderRef);
    }

    [Theory]
    [InlineData(PaymentDirection.Collection)]
    [InlineData(PaymentDirection.Payout)]
    public async Task DelayedNumberIsPendingThenSucceeded(PaymentDirection direction)
    {
        var clock = new ManualClock();
        await using var host = await MomoTestHost.StartAsync(clock);
        var gateway = host.Gateway();
        var request = host.Request(direction, "+46733123454", currency: "EUR");
        var started = await gateway.StartAsync(request, CancellationToken.None);

        clock.Advance(MomoTestHost.OutcomeDelay);
        Assert.Equal(GatewayStatus.Pending, (await gateway.QueryAsync(request, started.ProviderRef, CancellationToken.None)).Status);

        clock.Advance(MomoTestHost.DelayedOutcomeDelay);
        var queried = await gateway.QueryAsync(request, started.ProviderRef, CancellationToken.None);
        Assert.Equal(GatewayStatus.Succeeded, queried.Status);
        var callback = Assert.Single(await host.Receiver.WaitForAsync(started.ProviderRef!));
        Assert.Equal(GatewayStatus.Succeeded, MomoCallbacks.Parse(callback.Body, callback.Ref)!.Status);
    }

    [Fact]
    public async Task LateCallbackIsPrecededByTheAnswerToAQuery()
    {
        var clock = new ManualClock();
        await using var host = await MomoTestHost.StartAsync(clock);
        var gateway = host.Gateway();
        var late = host.Request(PaymentDirection.Collection, "+" + MomoScripts.LateCallback);
        var control = host.Request(PaymentDirection.Collection, MomoTestHost.FreshPhone());
        var lateRef = (await gateway.StartAsync(late, CancellationToken.None)).ProviderRef!;
        var controlRef = (await gateway.StartAsync(control, CancellationToken.None)).ProviderRef!;

        clock.Advance(MomoTestHost.OutcomeDelay);
        await host.Receiver.WaitForAsync(controlRef);

        Assert.Equal(GatewayStatus.Succeeded, (await gateway.QueryAsync(late, lateRef, CancellationToken.None)).Status);
        Assert.Empty(host.Receiver.For(lateRef));

        clock.Advance(MomoTestHost.LateCallbackDelay);
        var callback = Assert.Single(await host.Receiver.WaitForAsync(lateRef));
        Assert.Equal(GatewayStatus.Succeeded, MomoCallbacks.Parse(callback.Body, callback.Ref)!.Status);
    }

    [Fact]
    public async Task TokenRefusedByMomoIsDroppedAndReplaced()
    {
        // The sandbox's clock runs ahead of the client's, so MoMo thinks the cached token expired
        // while the client still trusts it: the 401 must make the client fetch a new one.
        var clock = new ManualClock();
        await using var host = await MomoTestHost.StartAsync(clock);
        var gateway = host.Gateway();
        var request = host.Request(PaymentDirection.Collection, MomoTestHost.FreshPhone());
        var started = await gateway.StartAsync(request, CancellationToken.None);

        clock.Advance(TimeSpan.FromHours(2));

        var refused = await gateway.QueryAsync(request, started.ProviderRef, CancellationToken.None);
        Assert.Equal(GatewayStatus.Unknown, refused.Status);
        Assert.Equal("UNAUTHORIZED", refused.Code);
        var answered = await gateway.QueryAsync(request, started.ProviderRef, CancellationToken.None);
        Assert.Equal(GatewayStatus.Succeeded, answered.Status);
        Assert.Equal(2, (await host.TokensAsync()).Count(t => t.GetProperty("product").GetString() == "collection"));
    }
}
