using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Pamoja.Sandbox.Providers.Mpesa;
using Pamoja.Web.Features.Payments;
using Pamoja.Web.Tests.Infrastructure;

namespace Pamoja.Web.Tests.Features.Payments;

/// Payouts by M-Pesa B2C, end to end: a rotating group paid by mobile money, whose payouts engine
/// reserves the pot and queues the send; the worker moves the money from the pool to clearing and
/// sends it; the sandbox's result (or its absence) settles it. Each test has its own app and fake
/// clock (the engines run on business dates).
[Collection(PaymentsCollection.Name)]
public sealed class MpesaPayoutTests
{
    private const long Each = 100_000; // KES 1,000.00 from each of three members: a gross pot of KES 3,000.00
    private const long Pot = 3 * Each;

    private sealed record Setup(PaymentsApp Payments, TestClock Clock, PayGroup G, Guid Recipient, string RecipientPhone, Guid PaymentId) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Payments.DisposeAsync();

        public Task<long> BalanceAsync(string account) => GroupData.CountAsync(
            "SELECT coalesce((SELECT balance FROM ledger_balances WHERE group_id = $1 AND account = $2), 0)", G.GroupId, account);

        public async Task<JsonElement> PayoutAsync() => (await G.Chair.GetFromJsonAsync<JsonElement>(G.Path("payouts"))).EnumerateArray().Single();
    }

    /// A KES rotating group of three whose first recipient has the given phone, paid by M-Pesa;
    /// everyone has paid in by M-Pesa, and the engines have run on the first due date.
    private static async Task<Setup> PayoutDueAsync(string recipientPhone, bool worker = true, IDictionary<string, string?>? appSettings = null)
    {
        var clock = ScheduleData.NewClock();
        var payments = await PaymentsApp.StartAsync(appSettings: appSettings, worker: worker, clock: clock);
        var g = new PayGroup(payments, await LedgerData.GroupAsync(payments.App, body: ScheduleData.Rosca("KES", Each, pot: "gross")));
        var (recipient, _, _) = await g.MemberAsync(recipientPhone);
        clock.Advance(TimeSpan.FromSeconds(1));
        var (other, _, _) = await g.MemberAsync(TestData.Phone());
        var order = await g.Chair.PutAsJsonAsync(g.Path("rotation"), new { order = new[] { recipient, g.G.ChairMemberId, other } });
        Assert.True(order.StatusCode == HttpStatusCode.NoContent, await order.Content.ReadAsStringAsync());
        var channel = await g.Chair.PutAsJsonAsync(g.Path("payments/settings"), new { payoutChannel = "mpesa" });
        Assert.Equal(HttpStatusCode.NoContent, channel.StatusCode);
        foreach (var member in new[] { recipient, g.G.ChairMemberId, other })
        {
            var paid = await g.G.ContributeAsync(member, Each, "mpesa", Receipt());
            Assert.True(paid.StatusCode == HttpStatusCode.Created, await paid.Content.ReadAsStringAsync());
        }
        var due = ScheduleData.Due(1);
        clock.MoveTo(due);
        var run = await g.G.App.RunEnginesAsync(g.GroupId, due);
        Assert.Equal(1, run.PayoutsReserved);
        var paymentId = (Guid)(await GroupData.ScalarAsync("SELECT id FROM payments WHERE group_id = $1 AND direction = 'payout'", g.GroupId))!;
        return new Setup(payments, clock, g, recipient, recipientPhone, paymentId);
    }

    private static string Receipt() => "T" + Guid.NewGuid().ToString("N")[..9].ToUpperInvariant();

    [Fact]
    public async Task The_engine_queues_the_payout_and_b2c_pays_it_once_through_clearing()
    {
        await using var s = await PayoutDueAsync(TestData.Phone());
        var payment = await s.Payments.SettledAsync(s.PaymentId);
        Assert.Equal("succeeded", payment.Status);
        Assert.Equal(Pot, payment.Amount);

        var payout = await s.PayoutAsync();
        Assert.Equal("paid", payout.GetProperty("status").GetString());
        Assert.Equal(0, await s.BalanceAsync("clearing:mpesa"));
        Assert.Equal(0, await s.BalanceAsync("pool:mobile"));
        Assert.Equal(0, await s.BalanceAsync("payable:payouts"));
        Assert.Equal(1, await s.G.EntriesAsync("payout_sent"));
        Assert.Equal(1, await s.G.EntriesAsync("payout_paid"));
        Assert.Equal(1, await GroupData.CountAsync("SELECT count(*) FROM external_references WHERE provider = 'mpesa' AND reference = $1", payment.Receipt!));
        await s.G.AssertJournalValidAsync();
        Assert.Equal(1, await SandboxPaymentsToAsync(s, s.RecipientPhone));
    }

    [Fact]
    public async Task An_ambiguous_b2c_is_settled_by_transaction_status_and_never_sent_twice()
    {
        await using var s = await PayoutDueAsync(TestData.MpesaPhone(MpesaScripts.Ambiguous));
        // The send times out: unknown, the money stays in clearing.
        Assert.True(await PaymentsApp.EventuallyAsync(async () =>
            (await s.Payments.Service<PaymentQueries>().GetAsync(s.PaymentId, CancellationToken.None))!.Status == "unknown"));
        Assert.Equal(Pot, await s.BalanceAsync("clearing:mpesa"));
        // Time for the worker to ask (Transaction Status; its result comes back by callback).
        s.Clock.Advance(TimeSpan.FromMinutes(1));
        var payment = await s.Payments.SettledAsync(s.PaymentId, TimeSpan.FromSeconds(30));
        Assert.Equal("succeeded", payment.Status);
        Assert.Equal(1, payment.Attempt);
        Assert.Equal(0, await s.BalanceAsync("clearing:mpesa"));
        Assert.Equal("paid", (await s.PayoutAsync()).GetProperty("status").GetString());
        Assert.Equal(1, await SandboxPaymentsToAsync(s, s.RecipientPhone));
        await s.G.AssertJournalValidAsync();
    }

    [Fact]
    public async Task A_failed_b2c_returns_the_money_to_the_pool_and_an_official_may_try_again()
    {
        await using var s = await PayoutDueAsync(TestData.MpesaPhone(MpesaScripts.InsufficientFunds));
        var payment = await s.Payments.SettledAsync(s.PaymentId);
        Assert.Equal("failed", payment.Status);
        Assert.Equal(Pot, await s.BalanceAsync("pool:mobile"));
        Assert.Equal(0, await s.BalanceAsync("clearing:mpesa"));
        Assert.Equal("reserved", (await s.PayoutAsync()).GetProperty("status").GetString());

        var retry = await s.G.Chair.PostAsync($"/api/v1/payments/{s.PaymentId}/retry", new { }, Guid.NewGuid().ToString());
        Assert.Equal(HttpStatusCode.Accepted, retry.StatusCode);
        Assert.True(await PaymentsApp.EventuallyAsync(async () =>
            await GroupData.CountAsync("SELECT count(*) FROM payment_attempts WHERE payment_id = $1 AND answered_at IS NOT NULL", s.PaymentId) == 2));
        payment = await s.Payments.SettledAsync(s.PaymentId);
        Assert.Equal(("failed", 2), (payment.Status, payment.Attempt));
        Assert.Equal(Pot, await s.BalanceAsync("pool:mobile"));
        Assert.Equal(2, await s.G.EntriesAsync("payout_sent"));
        Assert.Equal(2, await s.G.EntriesAsync("payout_returned"));
        await s.G.AssertJournalValidAsync();

        // The officials cancel the payout instead: it is settled and no longer retryable.
        var voided = await s.G.Chair.PostAsync(s.G.Path($"payouts/{(await s.PayoutAsync()).GetProperty("id").GetGuid()}/void"),
            new { reason = "Recipient's M-Pesa account cannot receive; paying at the next meeting" });
        Assert.True(voided.StatusCode == HttpStatusCode.Created, await voided.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Conflict,
            (await s.G.Chair.PostAsync($"/api/v1/payments/{s.PaymentId}/retry", new { }, Guid.NewGuid().ToString())).StatusCode);
    }

    [Fact]
    public async Task A_crash_after_the_send_but_before_its_answer_is_recorded_is_settled_by_asking_never_by_paying_again()
    {
        // No worker: the test plays the crashed instance and the one that takes over.
        await using var s = await PayoutDueAsync(TestData.Phone(), worker: false);
        var sender = s.Payments.Service<PaymentSender>();
        // The crashed instance got as far as marking it sent and sending it: simulated by the
        // first half of SendAsync (stage sent, money in clearing) and the gateway's call, with the
        // answer thrown away.
        await SendWithoutRecordingAsync(s);
        Assert.Equal(Pot, await s.BalanceAsync("clearing:mpesa"));
        Assert.Equal("pending", (await s.Payments.Service<PaymentQueries>().GetAsync(s.PaymentId, CancellationToken.None))!.Status);

        // The instance that takes over only asks (Transaction Status; the answer comes by callback).
        await sender.CheckAsync(s.PaymentId, 1, CancellationToken.None);
        var payment = await s.Payments.SettledAsync(s.PaymentId);
        Assert.Equal("succeeded", payment.Status);
        Assert.Equal(1, await SandboxPaymentsToAsync(s, s.RecipientPhone));
        // Running the sender again changes nothing: the payment is no longer queued.
        Assert.Equal("not queued", await sender.SendAsync(s.PaymentId, CancellationToken.None));
        Assert.Equal(1, await SandboxPaymentsToAsync(s, s.RecipientPhone));
        Assert.Equal(0, await s.BalanceAsync("clearing:mpesa"));
        await s.G.AssertJournalValidAsync();
    }

    [Fact]
    public async Task A_crash_before_the_request_left_is_found_out_by_asking_and_the_money_returns()
    {
        // "No such request" is believed at once here (the real default waits an hour).
        await using var s = await PayoutDueAsync(TestData.Phone(), worker: false,
            appSettings: new Dictionary<string, string?> { ["Payments:NotFoundFinalAfter"] = "00:00:00" });
        // Marked sent, money in clearing, then the process died before the HTTP call.
        await MarkSentAsync(s);
        Assert.Equal(Pot, await s.BalanceAsync("clearing:mpesa"));

        await s.Payments.Service<PaymentSender>().CheckAsync(s.PaymentId, 1, CancellationToken.None);
        var payment = await s.Payments.SettledAsync(s.PaymentId);
        Assert.Equal(("failed", "NOT_FOUND"), (payment.Status, payment.ResultCode));
        Assert.Equal(0, await s.BalanceAsync("clearing:mpesa"));
        Assert.Equal(Pot, await s.BalanceAsync("pool:mobile"));
        Assert.Equal(0, await SandboxPaymentsToAsync(s, s.RecipientPhone));
        await s.G.AssertJournalValidAsync();
    }

    [Fact]
    public async Task Until_an_hour_has_passed_no_such_request_keeps_the_payment_unknown()
    {
        await using var s = await PayoutDueAsync(TestData.Phone(), worker: false);
        await MarkSentAsync(s);
        await s.Payments.Service<PaymentSender>().CheckAsync(s.PaymentId, 1, CancellationToken.None);
        Assert.True(await PaymentsApp.EventuallyAsync(async () =>
            await GroupData.CountAsync("SELECT count(*) FROM provider_callbacks WHERE payment_id = $1", s.PaymentId) == 1));
        var payment = (await s.Payments.Service<PaymentQueries>().GetAsync(s.PaymentId, CancellationToken.None))!;
        Assert.Equal(("unknown", "NOT_FOUND"), (payment.Status, payment.ResultCode));
        Assert.Equal(Pot, await s.BalanceAsync("clearing:mpesa"));
    }

    [Fact]
    public async Task A_payout_being_sent_by_mobile_money_cannot_also_be_paid_or_cancelled_by_hand()
    {
        await using var s = await PayoutDueAsync(TestData.Phone(), worker: false);
        var payoutId = (await s.PayoutAsync()).GetProperty("id").GetGuid();
        var cash = await s.G.Chair.PostAsync(s.G.Path($"payouts/{payoutId}/pay"), new { method = "cash" });
        Assert.Equal(HttpStatusCode.Conflict, cash.StatusCode);
        var voided = await s.G.Chair.PostAsync(s.G.Path($"payouts/{payoutId}/void"), new { reason = "changed our minds" });
        Assert.Equal(HttpStatusCode.Conflict, voided.StatusCode);
        Assert.Equal("reserved", (await s.PayoutAsync()).GetProperty("status").GetString());
        Assert.Equal(0, await s.G.EntriesAsync("payout_paid"));
    }

    [Fact]
    public async Task A_forged_failure_for_a_payout_in_flight_returns_no_money_and_allows_no_second_send()
    {
        await using var s = await PayoutDueAsync(TestData.Phone(), worker: false);
        await MarkSentAsync(s);
        // The recipient knows the payment id and how Daraja's ids are made, but not the token.
        var originator = $"pamoja-{s.PaymentId:N}-1";
        var forged = """
            {"Result":{"ResultType":0,"ResultCode":1,"ResultDesc":"The balance is insufficient for the transaction.",
             "OriginatorConversationID":"ORIGINATOR","ConversationID":"AG_20270101_forged","TransactionID":"SFORGED001"}}
            """.Replace("ORIGINATOR", originator, StringComparison.Ordinal);
        using var http = new HttpClient { BaseAddress = s.Payments.AppUrl };
        using var answer = await http.PostAsync($"/webhooks/mpesa/b2c/result?p={s.PaymentId:N}-1&k=guessed",
            new StringContent(forged, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);

        var payment = (await s.Payments.Service<PaymentQueries>().GetAsync(s.PaymentId, CancellationToken.None))!;
        Assert.Equal("pending", payment.Status);
        Assert.Equal(Pot, await s.BalanceAsync("clearing:mpesa"));
        Assert.Equal(0, await s.G.EntriesAsync("payout_returned"));
        Assert.Equal(HttpStatusCode.Conflict,
            (await s.G.Chair.PostAsync($"/api/v1/payments/{s.PaymentId}/retry", new { }, Guid.NewGuid().ToString())).StatusCode);
        Assert.Equal(1, await GroupData.CountAsync(
            "SELECT count(*) FROM reconciliation_exceptions WHERE payment_id = $1 AND kind = 'unauthenticated_callback'", s.PaymentId));
    }

    /// The first half of a send, as a crashed instance left it: queued → sent, the money moved to
    /// clearing, the attempt recorded; nothing sent.
    private static async Task MarkSentAsync(Setup s)
    {
        // A gateway that records nothing and sends nothing: SendAsync then only does its first
        // transaction and applies an answer that says nothing (pending, no handle).
        await new PaymentSender(s.Payments.Service<Npgsql.NpgsqlDataSource>(), new PaymentGateways([new Silent()],
                s.Payments.Service<Microsoft.Extensions.Options.IOptions<PaymentOptions>>(), s.Payments.Service<Pamoja.Web.Http.PublicUrls>()),
            s.Payments.Service<CallbackTokens>(), s.Payments.Service<TimeProvider>(), s.Payments.Service<Microsoft.Extensions.Options.IOptions<PaymentOptions>>(),
            Microsoft.Extensions.Logging.Abstractions.NullLogger<PaymentSender>.Instance).SendAsync(s.PaymentId, CancellationToken.None);
    }

    /// The first half of a send and the real request to the sandbox, whose answer is lost.
    private static async Task SendWithoutRecordingAsync(Setup s)
    {
        await MarkSentAsync(s);
        var mpesa = s.Payments.Service<PaymentGateways>().Find("mpesa")!;
        var request = new Pamoja.Web.Integrations.Payments.GatewayRequest(s.PaymentId, 1, Pamoja.Web.Integrations.Payments.PaymentDirection.Payout,
            s.RecipientPhone, Pot, "KES", "PAYOUT", "Pamoja payout", s.Payments.AppUrl,
            await s.Payments.Service<CallbackTokens>().ForPaymentAsync(s.PaymentId, 1, CancellationToken.None));
        var answer = await mpesa.StartAsync(request, CancellationToken.None);
        Assert.Equal(Pamoja.Web.Integrations.Payments.GatewayStatus.Pending, answer.Status);
    }

    /// Stands in for M-Pesa in the crashed instance: it says it is "mpesa", refuses nothing, and
    /// answers as if the process died before the request left (nothing is sent, nothing known).
    private sealed class Silent : Pamoja.Web.Integrations.Payments.IPaymentGateway
    {
        public string Provider => "mpesa";
        public string? Refuse(Pamoja.Web.Integrations.Payments.PaymentDirection direction, string phone, long amount, string currency) => null;
        public Task<Pamoja.Web.Integrations.Payments.GatewayAnswer> StartAsync(Pamoja.Web.Integrations.Payments.GatewayRequest request, CancellationToken ct) =>
            Task.FromResult(new Pamoja.Web.Integrations.Payments.GatewayAnswer(Pamoja.Web.Integrations.Payments.GatewayStatus.Pending, null));
        public Task<Pamoja.Web.Integrations.Payments.GatewayAnswer> QueryAsync(Pamoja.Web.Integrations.Payments.GatewayRequest request, string? providerRef, CancellationToken ct) =>
            Task.FromResult(new Pamoja.Web.Integrations.Payments.GatewayAnswer(Pamoja.Web.Integrations.Payments.GatewayStatus.Unknown, null));
    }

    /// How many B2C payments the sandbox made to the phone (money actually moved).
    private static async Task<int> SandboxPaymentsToAsync(Setup s, string phone)
    {
        var all = await s.Payments.SandboxClient.GetFromJsonAsync<List<MpesaTransactionView>>(
            $"{MpesaSandboxApi.TransactionsPath}?phone={phone.TrimStart('+')}");
        return all!.Count(t => t.Kind == "b2c" && t.MoneyMoved);
    }
}
