using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Pamoja.Web.Features.Payments;
using Pamoja.Web.Tests.Infrastructure;

namespace Pamoja.Web.Tests.Features.Payments;

/// A member who gave a standing instruction is asked to pay (an STK push) by the contributions
/// engine on each due date, for what they owe then; the payment settles their obligation. And
/// reconciliation notices when a provider's receipt is no longer on a live entry of its own.
[Collection(PaymentsCollection.Name)]
public sealed class StandingInstructionTests
{
    [Fact]
    public async Task On_the_due_date_the_engine_asks_the_member_to_pay_what_they_owe_and_only_them()
    {
        var clock = ScheduleData.NewClock();
        await using var payments = await PaymentsApp.StartAsync(clock: clock);
        var g = new PayGroup(payments, await LedgerData.GroupAsync(payments.App, body: ScheduleData.Rosca("KES", 100_000, pot: "gross")));
        var (standing, member, _) = await g.MemberAsync(TestData.Phone());
        var (other, _, _) = await g.MemberAsync(TestData.Phone());

        Assert.Equal(HttpStatusCode.BadRequest, (await member.PutAsJsonAsync(g.Path("standing-instruction"), new { provider = "cash" })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await member.PutAsJsonAsync(g.Path("standing-instruction"), new { provider = "mpesa" })).StatusCode);
        // The member pays part early by hand: the push asks for the rest.
        var early = await g.G.ContributeAsync(standing, 30_000, "cash");
        Assert.Equal(HttpStatusCode.Created, early.StatusCode);

        // The day before the due date: no push yet.
        var before = ScheduleData.Due(1).AddDays(-1);
        clock.MoveTo(before);
        Assert.Equal(0, (await payments.App.RunEnginesAsync(g.GroupId, before)).CollectionsRequested);
        var due = ScheduleData.Due(1);
        clock.MoveTo(due);
        var run = await payments.App.RunEnginesAsync(g.GroupId, due);
        Assert.Equal(1, run.CollectionsRequested);

        var paymentId = (Guid)(await GroupData.ScalarAsync("SELECT id FROM payments WHERE group_id = $1", g.GroupId))!;
        var payment = await payments.SettledAsync(paymentId);
        Assert.Equal(("succeeded", 70_000L, standing), (payment.Status, payment.Amount, payment.MemberId));
        Assert.Equal(100_000, await g.ContributedAsync(standing));
        Assert.Equal(0, await g.ContributedAsync(other));
        var obligations = await g.Chair.GetFromJsonAsync<JsonElement>(g.Path("obligations?period=1"));
        var mine = obligations.EnumerateArray().Single(o => o.GetProperty("memberId").GetGuid() == standing);
        Assert.Equal(100_000, mine.GetProperty("paid").GetInt64());

        // Running the day again asks for nothing more.
        Assert.Equal(0, (await payments.App.RunEnginesAsync(g.GroupId, due)).CollectionsRequested);
        Assert.Equal(1, await GroupData.CountAsync("SELECT count(*) FROM payments WHERE group_id = $1", g.GroupId));

        // Withdrawn: the next due date asks nothing.
        Assert.Equal(HttpStatusCode.NoContent, (await member.DeleteAsync(g.Path("standing-instruction"))).StatusCode);
        var next = ScheduleData.Due(2);
        clock.MoveTo(next);
        Assert.Equal(0, (await payments.App.RunEnginesAsync(g.GroupId, next)).CollectionsRequested);
    }

    [Fact]
    public async Task Reconciliation_lists_a_receipt_whose_entry_was_reversed_once()
    {
        await using var payments = await PaymentsApp.StartAsync();
        var g = await PaymentsData.GroupAsync(payments);
        var (memberId, member, _) = await g.MemberAsync(TestData.Phone());
        var paymentId = await g.CollectOkAsync(member, memberId, 20_000);
        Assert.Equal("succeeded", (await payments.SettledAsync(paymentId)).Status);
        var entryId = (Guid)(await GroupData.ScalarAsync("SELECT entry_id FROM payments WHERE id = $1", paymentId))!;

        var reconciliation = payments.Service<Reconciliation>();
        await reconciliation.RunAsync(CancellationToken.None);
        Assert.Equal(0, await GroupData.CountAsync("SELECT count(*) FROM reconciliation_exceptions WHERE group_id = $1", g.GroupId));

        // An official reverses the contribution the provider's receipt is booked on.
        var reversed = await g.Chair.PostAsync(g.Path($"journal/{entryId}/reverse"), new { reason = "Recorded against the wrong member" });
        Assert.Equal(HttpStatusCode.Created, reversed.StatusCode);
        await reconciliation.RunAsync(CancellationToken.None);
        await reconciliation.RunAsync(CancellationToken.None);
        Assert.Equal(1, await GroupData.CountAsync(
            "SELECT count(*) FROM reconciliation_exceptions WHERE group_id = $1 AND kind = 'receipt_unbooked' AND payment_id = $2", g.GroupId, paymentId));
    }
}
