using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Pamoja.Sandbox.Providers.Mpesa;
using Pamoja.Web.Features.Payments;
using Pamoja.Web.Tests.Infrastructure;

namespace Pamoja.Web.Tests.Features.Payments;

/// "Pay now" by M-Pesa STK push, end to end: the app's worker sends the push to the Daraja
/// sandbox over HTTP, the sandbox calls back (or does not), the worker asks, and the ledger
/// records each payment exactly once — whatever the sandbox's script for the phone does.
[Collection(PaymentsCollection.Name)]
public sealed class MpesaCollectionTests(MpesaCollectionTests.App fixture) : IClassFixture<MpesaCollectionTests.App>
{
    public sealed class App : IAsyncLifetime
    {
        public PaymentsApp Payments { get; private set; } = null!;
        public async Task InitializeAsync() => Payments = await PaymentsApp.StartAsync();
        public async Task DisposeAsync() => await Payments.DisposeAsync();
    }

    private PaymentsApp Payments => fixture.Payments;

    [Fact]
    public async Task Pay_now_records_the_contribution_once_with_the_providers_receipt()
    {
        var g = await PaymentsData.GroupAsync(Payments);
        var (memberId, member, _) = await g.MemberAsync(TestData.Phone());

        var (status, body, paymentId) = await g.CollectAsync(member, memberId, 150_000);
        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Equal("pending", JsonDocument.Parse(body).RootElement.GetProperty("status").GetString());

        var payment = await Payments.SettledAsync(paymentId!.Value);
        Assert.Equal("succeeded", payment.Status);
        Assert.Matches("^[A-Z0-9]{10}$", payment.Receipt!);
        Assert.Equal(150_000, await g.ContributedAsync(memberId));
        Assert.Equal(1, await g.EntriesAsync("contribution"));
        Assert.Equal(1, await GroupData.CountAsync(
            "SELECT count(*) FROM contributions WHERE group_id = $1 AND member_id = $2 AND method = 'mpesa' AND reference = $3", g.GroupId, memberId, payment.Receipt!));
        await g.AssertJournalValidAsync();

        // The member sees it, with the receipt as its external reference; the receipt message is queued.
        var seen = await member.GetFromJsonAsync<JsonElement>($"/api/v1/payments/{paymentId}");
        Assert.Equal("succeeded", seen.GetProperty("status").GetString());
        Assert.Equal("mpesa", seen.GetProperty("provider").GetString());
        Assert.Equal(payment.Receipt, seen.GetProperty("externalRef").GetString());
        Assert.True(await PaymentsApp.EventuallyAsync(async () => await GroupData.CountAsync(
            "SELECT count(*) FROM notification_outbox WHERE template = 'payment.receipt' AND params->>'receipt' = $1", payment.Receipt!) == 1));
    }

    [Fact]
    public async Task Another_member_cannot_see_or_start_someone_elses_payment()
    {
        var g = await PaymentsData.GroupAsync(Payments);
        var (memberId, member, _) = await g.MemberAsync(TestData.Phone());
        var (_, other, _) = await g.MemberAsync(TestData.Phone());
        var paymentId = await g.CollectOkAsync(member, memberId, 20_000);

        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/api/v1/payments/{paymentId}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await g.CollectAsync(other, memberId, 20_000)).Status);
        // An outsider (signed in, not in the group) learns nothing either.
        var outsider = Payments.App.ApiClient();
        await TestData.SignedInAsync(outsider);
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.GetAsync($"/api/v1/payments/{paymentId}")).StatusCode);
        await Payments.SettledAsync(paymentId);
    }

    [Fact]
    public async Task The_same_key_gives_the_same_answer_and_one_payment()
    {
        var g = await PaymentsData.GroupAsync(Payments);
        var (memberId, member, _) = await g.MemberAsync(TestData.Phone());
        var key = Guid.NewGuid().ToString();
        var first = await g.CollectAsync(member, memberId, 30_000, key: key);
        var second = await g.CollectAsync(member, memberId, 30_000, key: key);
        Assert.Equal(HttpStatusCode.Accepted, second.Status);
        Assert.Equal(first.Body, second.Body);
        Assert.Equal(1, await GroupData.CountAsync("SELECT count(*) FROM payments WHERE group_id = $1", g.GroupId));
        // The same key with another amount is refused.
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await g.CollectAsync(member, memberId, 31_000, key: key)).Status);
        await Payments.SettledAsync(first.PaymentId!.Value);
        Assert.Equal(30_000, await g.ContributedAsync(memberId));
    }

    [Theory]
    [InlineData(MpesaScripts.InsufficientFunds, "1")]
    [InlineData(MpesaScripts.Cancelled, "1032")]
    [InlineData(MpesaScripts.WrongPin, "2001")]
    public async Task A_refused_push_fails_and_records_nothing(string script, string code)
    {
        var g = await PaymentsData.GroupAsync(Payments);
        var (memberId, member, _) = await g.MemberAsync(TestData.MpesaPhone(script));
        var paymentId = await g.CollectOkAsync(member, memberId, 50_000);

        var payment = await Payments.SettledAsync(paymentId);
        Assert.Equal("failed", payment.Status);
        Assert.Equal(code, payment.ResultCode);
        Assert.Null(payment.Receipt);
        Assert.Equal(0, await g.ContributedAsync(memberId));
        Assert.Equal(0, await g.EntriesAsync("contribution"));
    }

    [Fact]
    public async Task A_callback_delivered_five_times_is_booked_once()
    {
        var g = await PaymentsData.GroupAsync(Payments);
        var (memberId, member, _) = await g.MemberAsync(TestData.MpesaPhone(MpesaScripts.DuplicateCallbacks));
        var paymentId = await g.CollectOkAsync(member, memberId, 75_000);

        Assert.Equal("succeeded", (await Payments.SettledAsync(paymentId)).Status);
        Assert.True(await PaymentsApp.EventuallyAsync(async () =>
            await GroupData.CountAsync("SELECT count(*) FROM provider_callbacks WHERE payment_id = $1", paymentId) == MpesaScripts.DuplicateDeliveries));
        Assert.Equal(1, await PaymentsData.CallbacksAsync(paymentId, "processed"));
        Assert.Equal(MpesaScripts.DuplicateDeliveries - 1, await PaymentsData.CallbacksAsync(paymentId, "duplicate"));
        Assert.Equal(75_000, await g.ContributedAsync(memberId));
        Assert.Equal(1, await g.EntriesAsync("contribution"));
        await g.AssertJournalValidAsync();
    }

    [Fact]
    public async Task A_lost_callback_is_resolved_by_asking_daraja()
    {
        var g = await PaymentsData.GroupAsync(Payments);
        var (memberId, member, _) = await g.MemberAsync(TestData.MpesaPhone(MpesaScripts.LostCallback));
        var paymentId = await g.CollectOkAsync(member, memberId, 40_000);

        var payment = await Payments.SettledAsync(paymentId);
        Assert.Equal("succeeded", payment.Status);
        Assert.Equal(0, await GroupData.CountAsync("SELECT count(*) FROM provider_callbacks WHERE payment_id = $1", paymentId));
        Assert.Equal(40_000, await g.ContributedAsync(memberId));
    }

    [Fact]
    public async Task A_callback_that_arrives_after_the_query_settled_the_payment_changes_nothing()
    {
        var g = await PaymentsData.GroupAsync(Payments);
        var (memberId, member, _) = await g.MemberAsync(TestData.MpesaPhone(MpesaScripts.LateCallback));
        var paymentId = await g.CollectOkAsync(member, memberId, 60_000);

        Assert.Equal("succeeded", (await Payments.SettledAsync(paymentId)).Status);
        Assert.True(await PaymentsApp.EventuallyAsync(async () =>
            await GroupData.CountAsync("SELECT count(*) FROM provider_callbacks WHERE payment_id = $1", paymentId) == 1, TimeSpan.FromSeconds(15)),
            "the late callback never arrived");
        Assert.Equal(60_000, await g.ContributedAsync(memberId));
        Assert.Equal(1, await g.EntriesAsync("contribution"));
    }

    [Fact]
    public async Task A_forged_success_callback_books_nothing_the_provider_did_not_confirm()
    {
        var g = await PaymentsData.GroupAsync(Payments);
        var (memberId, member, _) = await g.MemberAsync(TestData.MpesaPhone(MpesaScripts.Unreachable));
        var paymentId = await g.CollectOkAsync(member, memberId, 10_000);
        Assert.True(await PaymentsApp.EventuallyAsync(async () =>
            await GroupData.ScalarAsync("SELECT provider_ref FROM payments WHERE id = $1", paymentId) is string));
        var checkout = (string)(await GroupData.ScalarAsync("SELECT provider_ref FROM payments WHERE id = $1", paymentId))!;
        // A member does not see the handle; suppose they learnt it anyway and forge "paid".
        Assert.Equal(JsonValueKind.Null, (await member.GetFromJsonAsync<JsonElement>($"/api/v1/payments/{paymentId}")).GetProperty("providerRef").ValueKind);
        var forged = """
            {"Body":{"stkCallback":{"MerchantRequestID":"1-1-1","CheckoutRequestID":"CHECKOUT","ResultCode":0,"ResultDesc":"ok",
             "CallbackMetadata":{"Item":[{"Name":"Amount","Value":100},{"Name":"MpesaReceiptNumber","Value":"FAKE123456"},
             {"Name":"PhoneNumber","Value":254700000000}]}}}}
            """.Replace("CHECKOUT", checkout, StringComparison.Ordinal);
        using var http = new HttpClient { BaseAddress = Payments.AppUrl };
        Assert.Equal(HttpStatusCode.OK, (await http.PostAsync("/webhooks/mpesa/stk", new StringContent(forged, System.Text.Encoding.UTF8, "application/json"))).StatusCode);

        // The worker asks Daraja, which says the prompt expired unanswered.
        var payment = await Payments.SettledAsync(paymentId);
        Assert.Equal(("failed", "1037"), (payment.Status, payment.ResultCode));
        Assert.Equal(0, await g.ContributedAsync(memberId));
        Assert.Equal(0, await g.EntriesAsync("contribution"));
    }

    [Fact]
    public async Task An_unreachable_phone_fails_once_the_prompt_expires()
    {
        var g = await PaymentsData.GroupAsync(Payments);
        var (memberId, member, _) = await g.MemberAsync(TestData.MpesaPhone(MpesaScripts.Unreachable));
        var paymentId = await g.CollectOkAsync(member, memberId, 10_000);

        var payment = await Payments.SettledAsync(paymentId);
        Assert.Equal("failed", payment.Status);
        Assert.Equal("1037", payment.ResultCode);
        Assert.Equal(0, await g.ContributedAsync(memberId));
    }

    [Fact]
    public async Task A_503_leaves_the_payment_unknown_never_failed_or_resent_and_reconciliation_lists_it_when_its_day_closes()
    {
        var g = await PaymentsData.GroupAsync(Payments);
        var (memberId, member, _) = await g.MemberAsync(TestData.MpesaPhone(MpesaScripts.ServiceUnavailableBurst));
        var paymentId = await g.CollectOkAsync(member, memberId, 10_000);

        Assert.True(await PaymentsApp.EventuallyAsync(async () => (await Payments.Service<PaymentQueries>().GetAsync(paymentId, CancellationToken.None))!.Status == "unknown"));
        // Unknown is not failed: it cannot be retried (that could charge twice), only settled by the provider or a person.
        var retry = await member.PostAsync($"/api/v1/payments/{paymentId}/retry", new { }, Guid.NewGuid().ToString());
        Assert.Equal(HttpStatusCode.Conflict, retry.StatusCode);
        Assert.Equal(0, await g.ContributedAsync(memberId));
        Assert.Equal(1, await GroupData.CountAsync("SELECT attempt FROM payments WHERE id = $1", paymentId));

        // Its day closes (moved back two days here) and reconciliation lists it, once however often it runs.
        await GroupData.ExecuteAsync("UPDATE payments SET created_at = created_at - interval '2 days' WHERE id = $1", paymentId);
        await Payments.Service<Reconciliation>().RunAsync(CancellationToken.None);
        await Payments.Service<Reconciliation>().RunAsync(CancellationToken.None);
        var exceptions = await g.Chair.GetFromJsonAsync<JsonElement>(g.Path("reconciliation/exceptions"));
        var mine = exceptions.EnumerateArray().Where(e => e.GetProperty("paymentId").ValueKind == JsonValueKind.String &&
                                                          e.GetProperty("paymentId").GetGuid() == paymentId).ToList();
        var found = Assert.Single(mine);
        Assert.Equal("unsettled_payment", found.GetProperty("kind").GetString());

        // An official resolves it with a note; resolving again is a conflict.
        var id = found.GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.NoContent, (await g.Chair.PostAsync(g.Path($"reconciliation/exceptions/{id}/resolve"),
            new { resolution = "Daraja statement shows no such push; member paid cash" })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await g.Chair.PostAsync(g.Path($"reconciliation/exceptions/{id}/resolve"),
            new { resolution = "again" })).StatusCode);
    }

    [Fact]
    public async Task Bad_requests_are_refused_and_queue_nothing()
    {
        var g = await PaymentsData.GroupAsync(Payments);
        var (memberId, member, _) = await g.MemberAsync(TestData.Phone());
        async Task Refused(object body, HttpStatusCode status)
        {
            var response = await member.PostAsync(g.Path("collections"), body, Guid.NewGuid().ToString());
            Assert.True(response.StatusCode == status, $"{JsonSerializer.Serialize(body)}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
        await Refused(new { memberId, amount = -100, provider = "mpesa" }, HttpStatusCode.BadRequest);
        await Refused(new { memberId, amount = 0, provider = "mpesa" }, HttpStatusCode.BadRequest);
        await Refused(new { memberId, provider = "mpesa" }, HttpStatusCode.BadRequest);
        await Refused(new { memberId, amount = 10_000, provider = "paypal" }, HttpStatusCode.BadRequest);
        await Refused(new { memberId, amount = 10_000 }, HttpStatusCode.BadRequest);
        await Refused(new { memberId = Guid.NewGuid(), amount = 10_000, provider = "mpesa" }, HttpStatusCode.Forbidden);
        await Refused(new { memberId, amount = 10_050, provider = "mpesa" }, HttpStatusCode.UnprocessableEntity); // not whole shillings
        await Refused(new { memberId, amount = 100_000_000, provider = "mpesa" }, HttpStatusCode.UnprocessableEntity); // above M-Pesa's limit
        await Refused(new { memberId, amount = 10_000, provider = "mpesa", currency = "UGX" }, HttpStatusCode.BadRequest);
        var raw = await member.PostRawAsync(g.Path("collections"), """{"memberId":"x","amount":"100","provider":1}""", Guid.NewGuid().ToString());
        Assert.Equal(HttpStatusCode.BadRequest, raw.StatusCode);
        Assert.Equal(0, await GroupData.CountAsync("SELECT count(*) FROM payments WHERE group_id = $1", g.GroupId));
    }
}
