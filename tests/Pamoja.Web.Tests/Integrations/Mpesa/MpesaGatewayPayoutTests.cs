using Pamoja.Web.Integrations.Mpesa;
using Pamoja.Web.Integrations.Payments;
using MpesaScripts = Pamoja.Sandbox.Providers.Mpesa.MpesaScripts;

namespace Pamoja.Web.Tests.Integrations.Mpesa;

/// Payouts (B2C) through MpesaGateway against the sandbox, one scripted outcome each, and the
/// ways a payout whose answer went missing is settled without paying twice.
public sealed class MpesaGatewayPayoutTests(MpesaHostFixture fixture) : IClassFixture<MpesaHostFixture>
{
    private MpesaTestHost Host => fixture.Host;
    private MpesaGateway Gateway => Host.Gateway;

    [Fact]
    public async Task SuccessIsPendingThenResultSucceededAndStatusAgrees()
    {
        var request = Host.Payout(MpesaScripts.Phone(), amount: 150_000);
        var originator = DarajaClient.OriginatorConversationId(request.PaymentId, 1);

        var started = await Gateway.StartAsync(request, default);

        // The SecurityCredential was accepted: a wrong one would end in 2001.
        Assert.Equal(new GatewayAnswer(GatewayStatus.Pending, originator, null, null, "0", "Accept the service request successfully."), started);
        var result = Assert.Single(await Host.NoticesAsync(request, "b2c/result"));
        Assert.Equal(GatewayStatus.Succeeded, result.Status);
        Assert.Equal(originator, result.ProviderRef);
        Assert.Equal("mpesa:b2c:" + originator, result.NoticeKey);
        Assert.Equal(150_000, result.Amount);
        Assert.Matches("^[A-Z0-9]{10}$", result.Receipt);

        var queried = await Gateway.QueryAsync(request, started.ProviderRef, default);
        Assert.Equal(GatewayStatus.Pending, queried.Status);
        var status = Assert.Single(await Host.NoticesAsync(request, "status/result"));
        Assert.Equal(GatewayStatus.Succeeded, status.Status);
        Assert.Equal(originator, status.ProviderRef);
        Assert.Equal(result.Receipt, status.Receipt);
        Assert.Equal(150_000, status.Amount);
        Assert.NotEqual(result.NoticeKey, status.NoticeKey);
    }

    [Theory]
    [InlineData(MpesaScripts.InsufficientFunds, "1")]
    [InlineData(MpesaScripts.WrongPin, "2001")]
    public async Task FailingScriptsEndFailedByResultAndByStatus(string suffix, string code)
    {
        var request = Host.Payout(MpesaScripts.Phone(suffix));

        var started = await Gateway.StartAsync(request, default);

        Assert.Equal(GatewayStatus.Pending, started.Status);
        var result = Assert.Single(await Host.NoticesAsync(request, "b2c/result"));
        Assert.Equal(GatewayStatus.Failed, result.Status);
        Assert.Equal(code, result.Code);
        await Gateway.QueryAsync(request, started.ProviderRef, default);
        Assert.Equal(GatewayStatus.Failed, Assert.Single(await Host.NoticesAsync(request, "status/result")).Status);
        Assert.False(Assert.Single(await Host.TransactionsAsync(request.Phone)).GetProperty("moneyMoved").GetBoolean());
    }

    [Fact]
    public async Task DuplicateResultsAllCarryOneNoticeKey()
    {
        var request = Host.Payout(MpesaScripts.Phone(MpesaScripts.DuplicateCallbacks));
        await Gateway.StartAsync(request, default);

        var notices = await Host.NoticesAsync(request, "b2c/result", MpesaScripts.DuplicateDeliveries);

        Assert.Single(notices.Distinct());
        Assert.True(Assert.Single(await Host.TransactionsAsync(request.Phone)).GetProperty("moneyMoved").GetBoolean());
    }

    [Fact]
    public async Task LateResultStillArrives()
    {
        var request = Host.Payout(MpesaScripts.Phone(MpesaScripts.LateCallback));
        await Gateway.StartAsync(request, default);

        await Gateway.QueryAsync(request, null, default);
        Assert.Equal(GatewayStatus.Succeeded, Assert.Single(await Host.NoticesAsync(request, "status/result")).Status);
        Assert.Equal(GatewayStatus.Succeeded, Assert.Single(await Host.NoticesAsync(request, "b2c/result")).Status);
    }

    [Fact]
    public async Task LostResultIsSettledByTransactionStatus()
    {
        var request = Host.Payout(MpesaScripts.Phone(MpesaScripts.LostCallback));
        var started = await Gateway.StartAsync(request, default);
        await WaitPaidAsync(request.Phone);

        var queried = await Gateway.QueryAsync(request, started.ProviderRef, default);

        Assert.Equal(GatewayStatus.Pending, queried.Status);
        var status = Assert.Single(await Host.NoticesAsync(request, "status/result"));
        Assert.Equal(GatewayStatus.Succeeded, status.Status);
        Assert.Equal(started.ProviderRef, status.ProviderRef);
        Assert.Equal(0, Host.Posts(request, "b2c/result"));
    }

    [Fact]
    public async Task TimedOutPayoutIsUnknownThenStatusSaysPaidAndAResendIsADuplicateNotASecondPayment()
    {
        var (impatient, _, _, _) = Host.NewGateway(o => o.Timeout = TimeSpan.FromSeconds(1));
        var request = Host.Payout(MpesaScripts.Phone(MpesaScripts.Ambiguous), amount: 200_000);
        var originator = DarajaClient.OriginatorConversationId(request.PaymentId, 1);
        // Token and certificate first (a status query about nothing), so the 1 s timeout below
        // can only be the payout's own.
        await impatient.QueryAsync(Host.Payout(MpesaScripts.Phone()), null, default);

        // The sandbox pays at once but answers only after 30 s; the client gives up after 1 s.
        var started = await impatient.StartAsync(request, default);
        Assert.Equal(GatewayStatus.Unknown, started.Status);
        Assert.Equal(originator, started.ProviderRef);

        // The worker asks; no providerRef needed, it is derived from the payment and attempt.
        var queried = await Gateway.QueryAsync(request, null, default);
        Assert.Equal(GatewayStatus.Pending, queried.Status);
        var status = Assert.Single(await Host.NoticesAsync(request, "status/result"));
        Assert.Equal(GatewayStatus.Succeeded, status.Status);
        Assert.Equal(originator, status.ProviderRef);
        Assert.Equal(200_000, status.Amount);

        // Someone sends the same attempt again anyway: M-Pesa refuses it as a duplicate, and the
        // gateway reads that as "already in progress", not as a failure that invites a new attempt.
        var resent = await Gateway.StartAsync(request, default);
        Assert.Equal(GatewayStatus.Pending, resent.Status);
        Assert.Equal("500.002.1001", resent.Code);
        Assert.Equal(originator, resent.ProviderRef);

        var transaction = Assert.Single(await Host.TransactionsAsync(request.Phone));
        Assert.True(transaction.GetProperty("moneyMoved").GetBoolean());
        Assert.Equal(2000, transaction.GetProperty("amount").GetInt64());
        Assert.Equal(0, Host.Posts(request, "b2c/result"));
    }

    [Fact]
    public async Task A503BurstIsUnknownStatusFindsNothingAndOnlyTheAttemptThatGotThroughPays()
    {
        var phone = MpesaScripts.Phone(MpesaScripts.ServiceUnavailableBurst);
        var paymentId = Guid.NewGuid();

        for (var attempt = 1; attempt <= MpesaScripts.BurstLength; attempt++)
        {
            var request = Host.Payout(phone, paymentId: paymentId, attempt: attempt);
            var refused = await Gateway.StartAsync(request, default);
            Assert.Equal(GatewayStatus.Unknown, refused.Status);
            Assert.Equal("500.003.02", refused.Code);

            // Transaction Status: M-Pesa never saw it, so this attempt failed and another may go.
            Assert.Equal(GatewayStatus.Pending, (await Gateway.QueryAsync(request, refused.ProviderRef, default)).Status);
            var status = Assert.Single(await Host.NoticesAsync(request, "status/result"));
            Assert.Equal(GatewayStatus.Failed, status.Status);
            Assert.Equal(GatewayCodes.NotFound, status.Code);
            Assert.Equal(refused.ProviderRef, status.ProviderRef);
        }

        var last = Host.Payout(phone, paymentId: paymentId, attempt: MpesaScripts.BurstLength + 1);
        Assert.Equal(GatewayStatus.Pending, (await Gateway.StartAsync(last, default)).Status);
        Assert.Equal(GatewayStatus.Succeeded, Assert.Single(await Host.NoticesAsync(last, "b2c/result")).Status);
        var paid = Assert.Single(await Host.TransactionsAsync(phone));
        Assert.Equal(DarajaClient.OriginatorConversationId(paymentId, MpesaScripts.BurstLength + 1), paid.GetProperty("id").GetString());
    }

    [Fact]
    public async Task AWrongInitiatorPasswordIsAcceptedThenFails2001AndItsStatusQueriesSayNothing()
    {
        var (gateway, _, _, _) = Host.NewGateway(o => o.InitiatorPassword = "not-the-password");
        var request = Host.Payout(MpesaScripts.Phone());

        var started = await gateway.StartAsync(request, default);

        Assert.Equal(GatewayStatus.Pending, started.Status);
        var result = Assert.Single(await Host.NoticesAsync(request, "b2c/result"));
        Assert.Equal(GatewayStatus.Failed, result.Status);
        Assert.Equal("2001", result.Code);
        // The status query is refused the same way; it tells nothing about the payout.
        await gateway.QueryAsync(request, started.ProviderRef, default);
        var status = Assert.Single(await Host.NoticesAsync(request, "status/result"));
        Assert.Equal(GatewayStatus.Unknown, status.Status);
        Assert.Equal(started.ProviderRef, status.ProviderRef);
    }

    [Fact]
    public async Task AResendAfterTheAnswerWasReceivedIsStillOnlyOnePayment()
    {
        var request = Host.Payout(MpesaScripts.Phone());
        await Gateway.StartAsync(request, default);
        await Host.NoticesAsync(request, "b2c/result");

        var again = await Gateway.StartAsync(request, default);

        Assert.Equal(GatewayStatus.Pending, again.Status);
        // Refused before it was recorded: no second payment, so no second result either.
        var transaction = Assert.Single(await Host.TransactionsAsync(request.Phone));
        Assert.Equal(1, transaction.GetProperty("callbacksSent").GetInt32());
    }

    [Fact]
    public async Task ACertificateFromAFileIsUsed()
    {
        var path = Path.Combine(Path.GetTempPath(), $"mpesa-{Guid.NewGuid():N}.pem");
        await File.WriteAllTextAsync(path, await Host.Sandbox.GetStringAsync("sandbox/mpesa/certificate"));
        try
        {
            var (gateway, _, _, requests) = Host.NewGateway(o => o.CertificatePath = path);
            var request = Host.Payout(MpesaScripts.Phone());

            Assert.Equal(GatewayStatus.Pending, (await gateway.StartAsync(request, default)).Status);
            Assert.Equal(GatewayStatus.Succeeded, Assert.Single(await Host.NoticesAsync(request, "b2c/result")).Status);
            Assert.Equal(0, requests["/sandbox/mpesa/certificate"]);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task AMissingCertificateFileMeansNothingIsSent()
    {
        var (gateway, _, _, requests) = Host.NewGateway(o => o.CertificatePath = "/nonexistent/mpesa.cer");

        var answer = await gateway.StartAsync(Host.Payout(MpesaScripts.Phone()), default);

        Assert.Equal(GatewayStatus.Failed, answer.Status);
        Assert.Equal("NOT_SENT", answer.Code);
        Assert.Equal(0, requests["/mpesa/b2c/v3/paymentrequest"]);
    }

    [Fact]
    public async Task TheSandboxCertificateIsFetchedOnce()
    {
        var (gateway, _, _, requests) = Host.NewGateway();

        for (var i = 0; i < 3; i++)
            await gateway.StartAsync(Host.Payout(MpesaScripts.Phone()), default);
        await gateway.QueryAsync(Host.Payout(MpesaScripts.Phone()), null, default);

        Assert.Equal(1, requests["/sandbox/mpesa/certificate"]);
    }

    private async Task WaitPaidAsync(string phone)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!(await Host.TransactionsAsync(phone)).Any(t => t.GetProperty("moneyMoved").GetBoolean()))
        {
            if (DateTime.UtcNow > deadline)
                Assert.Fail("Never paid");
            await Task.Delay(20);
        }
    }
}
