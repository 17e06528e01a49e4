using Pamoja.Core.Money;
using Pamoja.Sandbox.Providers.Momo;
using SandboxProduct = Pamoja.Sandbox.Providers.Momo.MomoProduct;
using Pamoja.Web.Integrations.Momo;
using Pamoja.Web.Integrations.Payments;

namespace Pamoja.Web.Tests.Integrations.Momo;

// MomoGateway against Pamoja.Sandbox over real HTTP: each outcome ends in the right
// GatewayStatus, by the callback it receives (through MomoCallbacks) and by asking (QueryAsync).
public sealed class MomoGatewayTests(MomoTestHostFixture fixture) : IClassFixture<MomoTestHostFixture>
{
    private MomoTestHost Host => fixture.Host;

    public static TheoryData<string, PaymentDirection, string> FailingRows()
    {
        var data = new TheoryData<string, PaymentDirection, string>();
        foreach (var row in MomoScript.MtnTable)
        {
            foreach (var direction in new[] { PaymentDirection.Collection, PaymentDirection.Payout })
            {
                var outcome = row.For(direction == PaymentDirection.Collection ? SandboxProduct.Collection : SandboxProduct.Disbursement);
                if (outcome.ReasonCode is { } code) data.Add(row.Msisdn, direction, code);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(FailingRows))]
    public async Task MtnTestNumberFailsWithItsReasonByCallbackAndByQuery(string msisdn, PaymentDirection direction, string code)
    {
        var gateway = Host.Gateway();
        var request = Host.Request(direction, "+" + msisdn, amount: 500, currency: "EUR");

        var started = await gateway.StartAsync(request, CancellationToken.None);

        Assert.Equal(GatewayStatus.Pending, started.Status);
        Assert.Equal(MomoReference.For(request.PaymentId, request.Attempt, direction).ToString("D"), started.ProviderRef);

        var callback = Assert.Single(await Host.Receiver.WaitForAsync(started.ProviderRef!));
        var notice = MomoCallbacks.Parse(callback.Body, callback.Ref);
        Assert.NotNull(notice);
        Assert.Equal(GatewayStatus.Failed, notice.Status);
        Assert.Equal(code, notice.Code);
        Assert.Equal(started.ProviderRef, notice.ProviderRef);
        Assert.Equal($"momo:{started.ProviderRef}:FAILED", notice.NoticeKey);
        Assert.Null(notice.Receipt);
        // Odd numbers carry the reason as {"code","message"}: the message survives.
        Assert.Equal((msisdn[^1] - '0') % 2 == 1, notice.Message is not null);

        var queried = await gateway.QueryAsync(request, started.ProviderRef, CancellationToken.None);
        Assert.Equal(GatewayStatus.Failed, queried.Status);
        Assert.Equal(code, queried.Code);
    }

    [Theory]
    [InlineData(PaymentDirection.Collection, 1500L, "UGX")]
    [InlineData(PaymentDirection.Payout, 1500L, "UGX")]
    [InlineData(PaymentDirection.Collection, 1250L, "EUR")]
    [InlineData(PaymentDirection.Payout, 1250L, "GHS")]
    public async Task OrdinaryNumberSucceedsWithReceiptAndAmountInMinorUnits(PaymentDirection direction, long amount, string currency)
    {
        var gateway = Host.Gateway();
        var phone = MomoTestHost.FreshPhone();
        var request = Host.Request(direction, phone, amount, currency);

        var started = await gateway.StartAsync(request, CancellationToken.None);
        var callback = Assert.Single(await Host.Receiver.WaitForAsync(started.ProviderRef!));
        var notice = MomoCallbacks.Parse(callback.Body, callback.Ref)!;
        var queried = await MomoTestHost.QueryUntilSettledAsync(gateway, request, started.ProviderRef);

        Assert.Equal(GatewayStatus.Succeeded, notice.Status);
        Assert.Equal(amount, notice.Amount);
        Assert.False(string.IsNullOrEmpty(notice.Receipt));
        Assert.Equal(GatewayStatus.Succeeded, queried.Status);
        Assert.Equal(notice.Receipt, queried.Receipt);
        Assert.Equal(amount, queried.Amount);

        // What went over the wire: MSISDN digits, the amount string, externalId, the party field.
        var sent = Assert.Single(await Host.TransactionsAsync($"?msisdn={phone[1..]}"));
        Assert.Equal(direction == PaymentDirection.Collection ? "requesttopay" : "transfer", sent.GetProperty("operation").GetString());
        Assert.Equal(MomoMarkets.AmountText(amount, Currency.Get(currency)), sent.GetProperty("amount").GetString());
        Assert.Equal($"{request.PaymentId:N}-1", sent.GetProperty("externalId").GetString());
        Assert.Equal($"{Host.Receiver.BaseUrl}webhooks/momo?ref={started.ProviderRef}", sent.GetProperty("callbackUrl").GetString());
    }

    [Theory]
    [InlineData(PaymentDirection.Collection)]
    [InlineData(PaymentDirection.Payout)]
    public async Task QueryWithoutProviderRefDerivesTheReferenceId(PaymentDirection direction)
    {
        var gateway = Host.Gateway();
        var request = Host.Request(direction, MomoTestHost.FreshPhone());
        var started = await gateway.StartAsync(request, CancellationToken.None);

        var queried = await MomoTestHost.QueryUntilSettledAsync(gateway, request, providerRef: null);

        Assert.Equal(GatewayStatus.Succeeded, queried.Status);
        Assert.Equal(started.ProviderRef, queried.ProviderRef);
    }

    [Theory]
    [InlineData(PaymentDirection.Collection)]
    [InlineData(PaymentDirection.Payout)]
    public async Task ResendingTheSameAttemptIs409PendingAndMovesMoneyOnce(PaymentDirection direction)
    {
        var gateway = Host.Gateway();
        var phone = MomoTestHost.FreshPhone();
        var request = Host.Request(direction, phone);

        var first = await gateway.StartAsync(request, CancellationToken.None);
        var again = await gateway.StartAsync(request, CancellationToken.None);

        Assert.Equal(GatewayStatus.Pending, first.Status);
        Assert.Equal(GatewayStatus.Pending, again.Status);
        Assert.Equal("RESOURCE_ALREADY_EXIST", again.Code);
        Assert.Equal(first.ProviderRef, again.ProviderRef);
        var one = Assert.Single(await Host.TransactionsAsync($"?msisdn={phone[1..]}"));
        Assert.Equal(1, one.GetProperty("duplicateRequests").GetInt32());

        // A new attempt is a new request.
        var next = await gateway.StartAsync(request with { Attempt = 2 }, CancellationToken.None);
        Assert.Equal(GatewayStatus.Pending, next.Status);
        Assert.NotEqual(first.ProviderRef, next.ProviderRef);
        Assert.Equal(2, (await Host.TransactionsAsync($"?msisdn={phone[1..]}")).Length);
    }

    [Fact]
    public async Task DuplicatedCallbacksAreOneNotice()
    {
        var gateway = Host.Gateway();
        var started = await gateway.StartAsync(Host.Request(PaymentDirection.Collection, "+" + MomoScripts.DuplicateCallbacks), CancellationToken.None);

        var callbacks = await Host.Receiver.WaitForAsync(started.ProviderRef!, MomoScripts.DuplicateCallbackCount);

        var keys = callbacks.Select(c => MomoCallbacks.Parse(c.Body, c.Ref)!.NoticeKey).ToList();
        Assert.Equal(5, keys.Count);
        Assert.Single(keys.Distinct(StringComparer.Ordinal));
    }

    [Fact]
    public async Task NoCallbackNumberIsSettledByAsking()
    {
        var gateway = Host.Gateway();
        var request = Host.Request(PaymentDirection.Payout, "+" + MomoScripts.NoCallback);
        var started = await gateway.StartAsync(request, CancellationToken.None);

        var queried = await MomoTestHost.QueryUntilSettledAsync(gateway, request, started.ProviderRef);

        Assert.Equal(GatewayStatus.Succeeded, queried.Status);
        Assert.Empty(Host.Receiver.For(started.ProviderRef!));
    }

    [Fact]
    public async Task QueryForARequestNeverSentIsFailedNotFound()
    {
        var answer = await Host.Gateway().QueryAsync(Host.Request(PaymentDirection.Payout, MomoTestHost.FreshPhone()), null, CancellationToken.None);

        Assert.Equal(GatewayStatus.Failed, answer.Status);
        Assert.Equal("NOT_FOUND", answer.Code);
    }

    [Fact]
    public async Task RefusedRequestIsFailedWithoutBeingSent()
    {
        var phone = MomoTestHost.FreshPhone();
        var answer = await Host.Gateway().StartAsync(Host.Request(PaymentDirection.Payout, phone, currency: "KES"), CancellationToken.None);

        Assert.Equal(GatewayStatus.Failed, answer.Status);
        Assert.Equal("REFUSED", answer.Code);
        Assert.Empty(await Host.TransactionsAsync($"?msisdn={phone[1..]}"));
    }

    [Fact]
    public async Task ApostrophesInTheDescriptionDoNotGetTheRequestRefused()
    {
        var gateway = Host.Gateway();
        var answer = await gateway.StartAsync(Host.Request(PaymentDirection.Payout, MomoTestHost.FreshPhone(), description: "Payout to Ng'ang'a"), CancellationToken.None);
        Assert.Equal(GatewayStatus.Pending, answer.Status);
    }

    [Fact]
    public async Task CallbackHostOtherThanTheRegisteredOneIsFailedInvalidCallbackUrlHost()
    {
        var gateway = Host.Gateway();
        // The first request provisions the API user with host 127.0.0.1.
        Assert.Equal(GatewayStatus.Pending, (await gateway.StartAsync(Host.Request(PaymentDirection.Collection, MomoTestHost.FreshPhone()), CancellationToken.None)).Status);

        var elsewhere = new Uri($"http://localhost:{Host.Receiver.BaseUrl.Port}/");
        var answer = await gateway.StartAsync(Host.Request(PaymentDirection.Collection, MomoTestHost.FreshPhone(), callbackBase: elsewhere), CancellationToken.None);

        Assert.Equal(GatewayStatus.Failed, answer.Status);
        Assert.Equal("INVALID_CALLBACK_URL_HOST", answer.Code);
    }

    [Fact]
    public async Task UnreachableMomoIsFailedWhenNothingCouldBeSentAndUnknownWhenAsked()
    {
        int port;
        using (var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        }
        var gateway = MomoTestHost.Gateway(Host.Options(o => o.BaseUrl = $"http://127.0.0.1:{port}/"));
        var request = Host.Request(PaymentDirection.Payout, MomoTestHost.FreshPhone());

        var started = await gateway.StartAsync(request, CancellationToken.None);
        var queried = await gateway.QueryAsync(request, null, CancellationToken.None);

        // No token, so no POST left: certainly nothing moved.
        Assert.Equal(GatewayStatus.Failed, started.Status);
        Assert.Equal("PROVISIONING_FAILED", started.Code);
        Assert.Equal(GatewayStatus.Unknown, queried.Status);
    }

    [Fact]
    public void ProviderIsMomo() => Assert.Equal("momo", Host.Gateway().Provider);
}
