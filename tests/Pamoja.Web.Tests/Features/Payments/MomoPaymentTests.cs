using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Pamoja.Sandbox.Providers.Momo;
using Pamoja.Web.Features.Payments;
using Pamoja.Web.Tests.Infrastructure;

namespace Pamoja.Web.Tests.Features.Payments;

/// MTN MoMo end to end, in a UGX group: "pay now" is a request-to-pay the app's worker sends to
/// the MoMo sandbox over HTTP; the sandbox's outcome comes back by callback (PUT, once, five
/// times or never) and by the worker's GET; payouts are transfers through clearing:momo. MTN's
/// own test numbers (protocols.md §2.8) pick the failures, the sandbox's scripted numbers the
/// misbehaving conversations. Whatever happens, the money is recorded once or not at all.
public sealed class MomoPaymentTests(MomoPaymentTests.App fixture) : IClassFixture<MomoPaymentTests.App>
{
    public sealed class App : IAsyncLifetime
    {
        public OwnPayments Own { get; private set; } = null!;
        public async Task InitializeAsync() => Own = await OwnPayments.StartAsync();
        public async Task DisposeAsync() => await Own.DisposeAsync();
    }

    private const long Amount = 50_000; // UGX 50,000 (UGX has no minor unit)

    private PaymentsApp Payments => fixture.Own.Payments;

    /// A UGX group and a member with this phone (fresh, one of MTN's test numbers or a sandbox script).
    private async Task<(PayGroup G, Guid MemberId, HttpClient Member)> MemberAsync(string phone)
    {
        var g = await fixture.Own.GroupAsync("UGX");
        var (memberId, member, _) = await g.PersonAsync(phone);
        return (g, memberId, member);
    }

    /// What the MoMo sandbox holds for the number (money moved once: one entry per request).
    private static async Task<List<MomoTransactionView>> SandboxAsync(PaymentsApp payments, string phone, string product)
    {
        var list = await payments.SandboxClient.GetFromJsonAsync<List<MomoTransactionView>>(
            $"{MomoSandboxApi.TransactionsPath}?msisdn={phone.TrimStart('+')}&product={product}");
        return list!;
    }

    private static Task<long> CallbacksAsync(PayGroup g, Guid paymentId, string? status = null) => status is null
        ? g.CountAsync("SELECT count(*) FROM provider_callbacks WHERE payment_id = $1", paymentId)
        : g.CountAsync("SELECT count(*) FROM provider_callbacks WHERE payment_id = $1 AND status = $2", paymentId, status);

    private static async Task AssertNothingRecordedAsync(PayGroup g, Guid memberId)
    {
        Assert.Equal(0, await g.ContributedAsync(memberId));
        Assert.Equal(0, await g.EntriesOfKindAsync("contribution"));
        Assert.Equal(0, await g.CountAsync("SELECT count(*) FROM contributions WHERE group_id = $1", g.GroupId));
        await g.G.AssertInvariantsAsync();
    }

    [Fact]
    public async Task Momo_does_not_carry_a_KES_groups_payments()
    {
        var g = await fixture.Own.GroupAsync("KES");
        var (memberId, member, _) = await g.MemberAsync(OwnPaymentsData.MomoPhone());
        var (status, body, _) = await g.CollectAsync(member, memberId, 150_000, "momo");
        Assert.True(status == HttpStatusCode.UnprocessableEntity, body);
        Assert.Contains("KES", body, StringComparison.Ordinal);
        Assert.Equal(0, await g.CountAsync("SELECT count(*) FROM payments WHERE group_id = $1", g.GroupId));
    }

    [Fact]
    public async Task Request_to_pay_records_the_contribution_once_with_the_financial_transaction_id_as_receipt()
    {
        var phone = OwnPaymentsData.MomoPhone();
        var (g, memberId, member) = await MemberAsync(phone);

        var (status, body, paymentId) = await g.CollectAsync(member, memberId, Amount, "momo");
        Assert.True(status == HttpStatusCode.Accepted, body);
        Assert.Equal("pending", JsonDocument.Parse(body).RootElement.GetProperty("status").GetString());

        var payment = await Payments.SettledAsync(paymentId!.Value);
        Assert.Equal("succeeded", payment.Status);
        Assert.Equal(("momo", Amount, "UGX"), (payment.Provider, payment.Amount, payment.Currency));

        // The receipt is MTN's financialTransactionId of the one request-to-pay the sandbox got.
        var sent = Assert.Single(await SandboxAsync(Payments, phone, "collection"));
        Assert.Equal(("SUCCESSFUL", true), (sent.Status, sent.MoneyMoved));
        Assert.Equal(sent.FinancialTransactionId, payment.Receipt);
        Assert.Equal(sent.ReferenceId.ToString("D"), payment.ProviderRef);
        Assert.Equal(("50000", "UGX", $"{paymentId:N}-1"), (sent.Amount, sent.Currency, sent.ExternalId));
        Assert.Equal(0, sent.DuplicateRequests);

        Assert.Equal(Amount, await g.ContributedAsync(memberId));
        Assert.Equal(1, await g.EntriesOfKindAsync("contribution"));
        Assert.Equal(1, await g.CountAsync(
            "SELECT count(*) FROM contributions WHERE group_id = $1 AND member_id = $2 AND method = 'momo' AND reference = $3 AND amount = $4",
            g.GroupId, memberId, payment.Receipt!, Amount));
        Assert.Equal(Amount, await g.BalanceAsync("pool:mobile"));
        await g.AssertJournalValidAsync();
        await g.G.AssertInvariantsAsync();
        Assert.Equal(1, await CallbacksAsync(g, paymentId.Value, "processed"));

        var seen = await member.GetFromJsonAsync<JsonElement>($"/api/v1/payments/{paymentId}");
        Assert.Equal(("succeeded", "momo", payment.Receipt), (seen.GetProperty("status").GetString(), seen.GetProperty("provider").GetString(),
            seen.GetProperty("externalRef").GetString()));
    }

    [Theory]
    [InlineData("46733123450")] // PayerFailed: INTERNAL_PROCESSING_ERROR, reason as a string
    [InlineData("46733123451")] // PayerRejected: APPROVAL_REJECTED, reason as {code, message}
    [InlineData("46733123452")] // PayerExpired: EXPIRED, string
    [InlineData("46733123455")] // PayerNotFound: PAYER_NOT_FOUND, object
    [InlineData("46733123458")] // PayerNotAllowedTargetEnvironment, string
    [InlineData("46733123463")] // PayerCouldNotPerformTransaction, object
    public async Task An_MTN_test_number_that_fails_fails_the_payment_and_records_nothing(string msisdn)
    {
        var expected = MomoScript.MtnTable.Single(r => r.Msisdn == msisdn).RequestToPay;
        var asObject = MomoScript.Plan(MomoProduct.Collection, "MSISDN", msisdn).ReasonAsObject;
        var (g, memberId, member) = await MemberAsync("+" + msisdn);
        var paymentId = await g.CollectOkAsync(member, memberId, Amount, "momo");

        var payment = await Payments.SettledAsync(paymentId);
        Assert.Equal("failed", payment.Status);
        Assert.Equal(expected.ReasonCode, payment.ResultCode);
        // {code, message}: the message is kept; a bare string has none.
        Assert.Equal(asObject ? expected.ReasonMessage : null, payment.ResultMessage);
        Assert.Null(payment.Receipt);
        await AssertNothingRecordedAsync(g, memberId);

        // The callback that said so carried the reason in the shape under test.
        var raw = (string?)await g.ScalarAsync("SELECT body FROM provider_callbacks WHERE payment_id = $1 AND status = 'processed'", paymentId);
        Assert.NotNull(raw);
        var reason = JsonDocument.Parse(raw).RootElement.GetProperty("reason");
        Assert.Equal(asObject ? JsonValueKind.Object : JsonValueKind.String, reason.ValueKind);
        Assert.Equal(1, await g.CountAsync("SELECT count(*) FROM payment_attempts WHERE payment_id = $1", paymentId));
    }

    [Fact]
    public async Task A_callback_delivered_five_times_is_booked_once()
    {
        var (g, memberId, member) = await MemberAsync("+" + MomoScripts.DuplicateCallbacks);
        var paymentId = await g.CollectOkAsync(member, memberId, Amount, "momo");

        Assert.Equal("succeeded", (await Payments.SettledAsync(paymentId)).Status);
        Assert.True(await PaymentsApp.EventuallyAsync(async () => await CallbacksAsync(g, paymentId) == MomoScripts.DuplicateCallbackCount),
            $"{await CallbacksAsync(g, paymentId)} of {MomoScripts.DuplicateCallbackCount} callbacks stored");
        Assert.Equal(1, await CallbacksAsync(g, paymentId, "processed"));
        Assert.Equal(MomoScripts.DuplicateCallbackCount - 1, await CallbacksAsync(g, paymentId, "duplicate"));
        Assert.Equal(Amount, await g.ContributedAsync(memberId));
        Assert.Equal(1, await g.EntriesOfKindAsync("contribution"));
        Assert.Equal(1, await g.CountAsync("SELECT count(*) FROM contributions WHERE group_id = $1", g.GroupId));
        await g.AssertJournalValidAsync();
        await g.G.AssertInvariantsAsync();
    }

    [Fact]
    public async Task Without_a_callback_the_workers_GET_settles_the_payment()
    {
        var phone = "+" + MomoScripts.NoCallback;
        var (g, memberId, member) = await MemberAsync(phone);
        var paymentId = await g.CollectOkAsync(member, memberId, Amount, "momo");

        var payment = await Payments.SettledAsync(paymentId);
        Assert.Equal("succeeded", payment.Status);
        Assert.Equal(0, await CallbacksAsync(g, paymentId));
        var sent = (await SandboxAsync(Payments, phone, "collection")).Single(t => t.ExternalId == $"{paymentId:N}-1");
        Assert.Empty(sent.Callbacks);
        Assert.Equal(sent.FinancialTransactionId, payment.Receipt);
        Assert.Equal(Amount, await g.ContributedAsync(memberId));
        Assert.Equal(1, await g.EntriesOfKindAsync("contribution"));
        await g.AssertJournalValidAsync();
    }

    [Fact]
    public async Task A_503_leaves_the_payment_unknown_never_failed_and_never_sent_again()
    {
        var phone = "+" + MomoScripts.ServiceUnavailableBurst;
        var (g, memberId, member) = await MemberAsync(phone);
        var paymentId = await g.CollectOkAsync(member, memberId, Amount, "momo");

        Assert.True(await PaymentsApp.EventuallyAsync(async () => (await Payments.PaymentAsync(paymentId)).Status == "unknown"),
            $"status {(await Payments.PaymentAsync(paymentId)).Status}");
        var payment = await Payments.PaymentAsync(paymentId);
        Assert.Equal(("SERVICE_UNAVAILABLE", 1), (payment.ResultCode, payment.Attempt));
        // It may have reached MTN, so it is asked about, never sent again and never retried by hand.
        var retry = await member.PostAsync($"/api/v1/payments/{paymentId}/retry", new { }, Guid.NewGuid().ToString());
        Assert.Equal(HttpStatusCode.Conflict, retry.StatusCode);
        Assert.Equal(1, await g.CountAsync("SELECT count(*) FROM payment_attempts WHERE payment_id = $1", paymentId));
        Assert.Equal(1, await g.CountAsync("SELECT attempt FROM payments WHERE id = $1", paymentId));
        Assert.Equal("unknown", (await Payments.PaymentAsync(paymentId)).Status);
        // The 503 recorded nothing at MTN, and nothing was sent after it.
        Assert.Empty(await SandboxAsync(Payments, phone, "collection"));
        await AssertNothingRecordedAsync(g, memberId);
    }

    [Fact]
    public async Task An_ongoing_request_stays_open_and_is_never_recorded()
    {
        const string ongoing = "46733123453"; // PayerOngoing: PENDING for ever, no callback
        var (g, memberId, member) = await MemberAsync("+" + ongoing);
        var paymentId = await g.CollectOkAsync(member, memberId, Amount, "momo");

        // The worker has asked MTN at least twice (each GET says PENDING).
        Assert.True(await PaymentsApp.EventuallyAsync(async () => await g.CountAsync("SELECT checks FROM payments WHERE id = $1", paymentId) >= 2),
            "the worker never asked about the payment");
        var payment = await Payments.PaymentAsync(paymentId);
        Assert.Contains(payment.Status, new[] { "pending", "unknown" });
        Assert.Equal(1, payment.Attempt);
        Assert.Null(payment.Receipt);
        var sent = Assert.Single(await SandboxAsync(Payments, "+" + ongoing, "collection"));
        Assert.Equal(("PENDING", false), (sent.Status, sent.MoneyMoved));
        Assert.Equal(0, await CallbacksAsync(g, paymentId));
        await AssertNothingRecordedAsync(g, memberId);
        Assert.NotEqual("succeeded", (await Payments.PaymentAsync(paymentId)).Status);
    }

    // Payouts by MoMo transfer. Each test has its own app and fake clock (the engines run on
    // business dates), as MpesaPayoutTests does.

    private const long Each = 100_000; // UGX 100,000 from each of three members: a gross pot of UGX 300,000
    private const long Pot = 3 * Each;

    private sealed record PayoutSetup(OwnPayments Own, TestClock Clock, PayGroup G, string RecipientPhone, Guid PaymentId) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Own.DisposeAsync();

        public async Task<JsonElement> PayoutAsync() => (await G.Chair.GetFromJsonAsync<JsonElement>(G.Path("payouts"))).EnumerateArray().Single();
    }

    /// A UGX rotating group of three paid out by MoMo, whose first recipient has the phone;
    /// everyone has paid in by MoMo and the engines have run on the first due date.
    private static async Task<PayoutSetup> PayoutDueAsync(string recipientPhone)
    {
        var clock = ScheduleData.NewClock();
        var own = await OwnPayments.StartAsync(clock: clock);
        try
        {
            var g = await own.GroupAsync(body: ScheduleData.Rosca("UGX", Each, pot: "gross"));
            var (recipient, _, _) = await g.PersonAsync(recipientPhone);
            clock.Advance(TimeSpan.FromSeconds(1));
            var (other, _, _) = await g.MemberAsync(OwnPaymentsData.MomoPhone());
            var order = await g.Chair.PutAsJsonAsync(g.Path("rotation"), new { order = new[] { recipient, g.G.ChairMemberId, other } });
            Assert.True(order.StatusCode == HttpStatusCode.NoContent, await order.Content.ReadAsStringAsync());
            var channel = await g.Chair.PutAsJsonAsync(g.Path("payments/settings"), new { payoutChannel = "momo" });
            Assert.Equal(HttpStatusCode.NoContent, channel.StatusCode);
            foreach (var member in new[] { recipient, g.G.ChairMemberId, other })
            {
                var paid = await g.G.ContributeAsync(member, Each, "momo", "MP" + Guid.NewGuid().ToString("N")[..12].ToUpperInvariant());
                Assert.True(paid.StatusCode == HttpStatusCode.Created, await paid.Content.ReadAsStringAsync());
            }
            var due = ScheduleData.Due(1);
            clock.MoveTo(due);
            var run = await g.G.App.RunEnginesAsync(g.GroupId, due);
            Assert.Equal(1, run.PayoutsReserved);
            var paymentId = (Guid)(await g.ScalarAsync("SELECT id FROM payments WHERE group_id = $1 AND direction = 'payout'", g.GroupId))!;
            return new PayoutSetup(own, clock, g, recipientPhone, paymentId);
        }
        catch
        {
            await own.DisposeAsync();
            throw;
        }
    }

    [Fact]
    public async Task The_engine_queues_the_payout_and_a_momo_transfer_pays_it_once_through_clearing()
    {
        await using var s = await PayoutDueAsync(OwnPaymentsData.MomoPhone());
        var payment = await s.Own.Payments.SettledAsync(s.PaymentId);
        Assert.Equal("succeeded", payment.Status);
        Assert.Equal(("momo", "payout", Pot), (payment.Provider, payment.Direction, payment.Amount));

        Assert.Equal("paid", (await s.PayoutAsync()).GetProperty("status").GetString());
        Assert.Equal(0, await s.G.BalanceAsync("clearing:momo"));
        Assert.Equal(0, await s.G.BalanceAsync("pool:mobile"));
        Assert.Equal(0, await s.G.BalanceAsync("payable:payouts"));
        Assert.Equal(1, await s.G.EntriesOfKindAsync("payout_sent"));
        Assert.Equal(1, await s.G.EntriesOfKindAsync("payout_paid"));
        Assert.Equal(0, await s.G.EntriesOfKindAsync("payout_returned"));
        Assert.Equal(1, await s.G.CountAsync("SELECT count(*) FROM external_references WHERE provider = 'momo' AND reference = $1", payment.Receipt!));
        await s.G.AssertJournalValidAsync();
        await s.G.G.AssertInvariantsAsync();

        var sent = Assert.Single(await SandboxAsync(s.Own.Payments, s.RecipientPhone, "disbursement"));
        Assert.Equal(("SUCCESSFUL", true, "300000", 0), (sent.Status, sent.MoneyMoved, sent.Amount, sent.DuplicateRequests));
        Assert.Equal(sent.FinancialTransactionId, payment.Receipt);
    }

    [Fact]
    public async Task An_ambiguous_transfer_stays_unknown_in_clearing_until_a_GET_settles_it_and_is_never_sent_twice()
    {
        await using var s = await PayoutDueAsync("+" + MomoScripts.Ambiguous);
        // The transfer is carried out but its POST is not answered in time: unknown, the money in clearing.
        Assert.True(await PaymentsApp.EventuallyAsync(async () => (await s.Own.Payments.PaymentAsync(s.PaymentId)).Status == "unknown"),
            $"status {(await s.Own.Payments.PaymentAsync(s.PaymentId)).Status}");
        Assert.Equal(Pot, await s.G.BalanceAsync("clearing:momo"));
        Assert.Equal("reserved", (await s.PayoutAsync()).GetProperty("status").GetString());

        // Time for the worker to ask (GET /disbursement/v1_0/transfer/{referenceId}).
        s.Clock.Advance(TimeSpan.FromMinutes(1));
        var payment = await s.Own.Payments.SettledAsync(s.PaymentId, TimeSpan.FromSeconds(30));
        Assert.Equal("succeeded", payment.Status);
        Assert.Equal(1, payment.Attempt);
        Assert.Equal(0, await s.G.BalanceAsync("clearing:momo"));
        Assert.Equal("paid", (await s.PayoutAsync()).GetProperty("status").GetString());
        Assert.Equal(1, await s.G.EntriesOfKindAsync("payout_sent"));
        Assert.Equal(1, await s.G.EntriesOfKindAsync("payout_paid"));
        Assert.Equal(1, await s.G.CountAsync("SELECT count(*) FROM payment_attempts WHERE payment_id = $1", s.PaymentId));

        var transfer = Assert.Single(await SandboxAsync(s.Own.Payments, s.RecipientPhone, "disbursement"));
        Assert.Equal(("SUCCESSFUL", true, 0), (transfer.Status, transfer.MoneyMoved, transfer.DuplicateRequests));
        Assert.Equal(transfer.FinancialTransactionId, payment.Receipt);
        await s.G.AssertJournalValidAsync();
        await s.G.G.AssertInvariantsAsync();
    }
}
