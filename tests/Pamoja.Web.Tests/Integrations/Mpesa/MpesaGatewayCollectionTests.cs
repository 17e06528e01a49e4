using Pamoja.Web.Integrations.Mpesa;
using Pamoja.Web.Integrations.Payments;
using MpesaScripts = Pamoja.Sandbox.Providers.Mpesa.MpesaScripts;

namespace Pamoja.Web.Tests.Integrations.Mpesa;

/// Collections (STK push) through MpesaGateway against the sandbox, one scripted outcome each.
public sealed class MpesaGatewayCollectionTests(MpesaHostFixture fixture) : IClassFixture<MpesaHostFixture>
{
    private MpesaTestHost Host => fixture.Host;
    private MpesaGateway Gateway => Host.Gateway;

    [Fact]
    public async Task SuccessIsPendingThenCalledBackAsSucceededWithReceiptAndAmount()
    {
        var request = Host.Collection(MpesaScripts.Phone(), amount: 25_000);

        var started = await Gateway.StartAsync(request, default);

        Assert.Equal(GatewayStatus.Pending, started.Status);
        Assert.StartsWith("ws_CO_", started.ProviderRef, StringComparison.Ordinal);
        var notice = Assert.Single(await Host.NoticesAsync(request, "stk"));
        Assert.Equal(new ProviderNotice("mpesa", "mpesa:stk:" + started.ProviderRef, started.ProviderRef!, GatewayStatus.Succeeded,
            notice.Receipt, 25_000, "0", "The service request is processed successfully."), notice);
        Assert.Matches("^[A-Z0-9]{10}$", notice.Receipt);
        var queried = await Gateway.QueryAsync(request, started.ProviderRef, default);
        Assert.Equal(GatewayStatus.Succeeded, queried.Status);
        Assert.Equal("0", queried.Code);
    }

    [Theory]
    [InlineData(MpesaScripts.InsufficientFunds, "1")]
    [InlineData(MpesaScripts.Cancelled, "1032")]
    [InlineData(MpesaScripts.WrongPin, "2001")]
    public async Task FailingScriptsEndFailedByCallbackAndByQuery(string suffix, string code)
    {
        var request = Host.Collection(MpesaScripts.Phone(suffix));

        var started = await Gateway.StartAsync(request, default);

        Assert.Equal(GatewayStatus.Pending, started.Status);
        var notice = Assert.Single(await Host.NoticesAsync(request, "stk"));
        Assert.Equal(GatewayStatus.Failed, notice.Status);
        Assert.Equal(code, notice.Code);
        Assert.Null(notice.Receipt);
        var queried = await MpesaTestHost.UntilSettledAsync(() => Gateway.QueryAsync(request, started.ProviderRef, default));
        Assert.Equal(GatewayStatus.Failed, queried.Status);
        Assert.Equal(code, queried.Code);
    }

    [Fact]
    public async Task UnreachablePhoneIsPendingUntilThePromptExpiresThenFailed1037()
    {
        var request = Host.Collection(MpesaScripts.Phone(MpesaScripts.Unreachable));
        var started = await Gateway.StartAsync(request, default);

        var first = await Gateway.QueryAsync(request, started.ProviderRef, default);
        var settled = await MpesaTestHost.UntilSettledAsync(() => Gateway.QueryAsync(request, started.ProviderRef, default));

        Assert.Equal(GatewayStatus.Pending, first.Status);
        Assert.Equal(GatewayStatus.Failed, settled.Status);
        Assert.Equal("1037", settled.Code);
        Assert.Equal(0, Host.Posts(request, "stk"));
    }

    [Fact]
    public async Task DuplicateCallbacksAllCarryOneNoticeKey()
    {
        var request = Host.Collection(MpesaScripts.Phone(MpesaScripts.DuplicateCallbacks));
        await Gateway.StartAsync(request, default);

        var notices = await Host.NoticesAsync(request, "stk", MpesaScripts.DuplicateDeliveries);

        Assert.Single(notices.Distinct());
        Assert.Equal(GatewayStatus.Succeeded, notices[0].Status);
    }

    [Fact]
    public async Task LateCallbackIsPrecededByASuccessfulQuery()
    {
        var request = Host.Collection(MpesaScripts.Phone(MpesaScripts.LateCallback));
        var started = await Gateway.StartAsync(request, default);

        var queried = await MpesaTestHost.UntilSettledAsync(() => Gateway.QueryAsync(request, started.ProviderRef, default));

        Assert.Equal(GatewayStatus.Succeeded, queried.Status);
        Assert.Equal(0, Host.Posts(request, "stk"));
        Assert.Equal(GatewayStatus.Succeeded, Assert.Single(await Host.NoticesAsync(request, "stk")).Status);
    }

    [Fact]
    public async Task LostCallbackIsSettledByTheQuery()
    {
        var request = Host.Collection(MpesaScripts.Phone(MpesaScripts.LostCallback));
        var started = await Gateway.StartAsync(request, default);

        var queried = await MpesaTestHost.UntilSettledAsync(() => Gateway.QueryAsync(request, started.ProviderRef, default));

        // Daraja's STK query carries no receipt: the callback was the only place for it.
        Assert.Equal(GatewayStatus.Succeeded, queried.Status);
        Assert.Null(queried.Receipt);
        Assert.Equal(0, Host.Posts(request, "stk"));
    }

    [Fact]
    public async Task A503IsUnknownAndTheBurstPassesAfterThree()
    {
        var phone = MpesaScripts.Phone(MpesaScripts.ServiceUnavailableBurst);

        for (var attempt = 1; attempt <= MpesaScripts.BurstLength; attempt++)
        {
            var request = Host.Collection(phone, attempt: attempt);
            var refused = await Gateway.StartAsync(request, default);
            Assert.Equal(GatewayStatus.Unknown, refused.Status);
            Assert.Null(refused.ProviderRef);
            // With no CheckoutRequestID there is nothing to ask; it stays unknown.
            Assert.Equal(GatewayStatus.Unknown, (await Gateway.QueryAsync(request, refused.ProviderRef, default)).Status);
        }

        var accepted = await Gateway.StartAsync(Host.Collection(phone, attempt: 4), default);
        Assert.Equal(GatewayStatus.Pending, accepted.Status);
        Assert.Single(await Host.TransactionsAsync(phone));
    }

    [Fact]
    public async Task AWrongPasskeyIsADefiniteRefusal()
    {
        var (gateway, _, _, _) = Host.NewGateway(o => o.Passkey = "not-the-passkey");

        var answer = await gateway.StartAsync(Host.Collection(MpesaScripts.Phone()), default);

        Assert.Equal(GatewayStatus.Failed, answer.Status);
        Assert.Equal("400.002.02", answer.Code);
        Assert.Contains("Invalid Password", answer.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AReferenceLongerThanDarajaAllowsIsCutNotRefused()
    {
        var request = Host.Collection(MpesaScripts.Phone()) with { Reference = "A-VERY-LONG-PAY-CODE", Description = "A description far over thirteen" };

        var answer = await Gateway.StartAsync(request, default);

        Assert.Equal(GatewayStatus.Pending, answer.Status);
        Assert.Equal("A-VERY-LONG-", Assert.Single(await Host.TransactionsAsync(request.Phone)).GetProperty("reference").GetString());
    }
}

/// Pushes that stay pending (callbacks 30 s away): the lock and "being processed".
public sealed class MpesaGatewayPendingTests : IAsyncLifetime
{
    private MpesaTestHost _host = null!;

    public async Task InitializeAsync() =>
        _host = await MpesaTestHost.StartAsync(new Dictionary<string, string> { ["Mpesa:CallbackDelay"] = "00:00:30" });

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task ASecondPushWhileOneIsPendingFailsWithTheSubscriberLock()
    {
        var phone = MpesaScripts.Phone();
        var first = await _host.Gateway.StartAsync(_host.Collection(phone), default);

        var second = await _host.Gateway.StartAsync(_host.Collection(phone), default);

        Assert.Equal(GatewayStatus.Pending, first.Status);
        Assert.Equal(GatewayStatus.Failed, second.Status);
        Assert.Equal("500.001.1001", second.Code);
        Assert.Null(second.ProviderRef);
        Assert.Single(await _host.TransactionsAsync(phone));
    }

    [Fact]
    public async Task QueryWhileTheCustomerHasNotActedIsPending()
    {
        var request = _host.Collection(MpesaScripts.Phone());
        var started = await _host.Gateway.StartAsync(request, default);

        var queried = await _host.Gateway.QueryAsync(request, started.ProviderRef, default);

        Assert.Equal(GatewayStatus.Pending, queried.Status);
        Assert.Equal(started.ProviderRef, queried.ProviderRef);
    }

    [Fact]
    public async Task AnUnknownCheckoutRequestIdIsUnknownNotFailed()
    {
        var queried = await _host.Gateway.QueryAsync(_host.Collection(MpesaScripts.Phone()), "ws_CO_000000000000000000", default);

        Assert.Equal(GatewayStatus.Unknown, queried.Status);
    }
}
