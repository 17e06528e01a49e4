using System.Net;
using Pamoja.Web.Tests.Infrastructure;
using static Pamoja.Web.Tests.Infrastructure.ScheduleData;

namespace Pamoja.Web.Tests.Features.Schedules;

/// domain.md § Schedules and the daily engines: arrears, late fines (flat or percent, once per
/// obligation), arrears carried forward oldest first, and reminders queued once.
public sealed class ArrearsAndFinesTests : ScheduleTestBase
{
    [Fact]
    public async Task A_member_who_does_not_pay_is_fined_once_per_period_and_a_late_payment_settles_the_oldest_obligation_first()
    {
        // Net pot, R1,500 monthly, R50 flat fine after 3 grace days. Order: a, chair, late.
        var g = await RoscaAsync(3);
        var (a, late) = (g.Ids[1], g.Ids[2]);
        await g.SetOrderAsync([a, g.ChairId, late]);

        // 29 Dec: period 1 opens for the chair and the late member (a receives); both are reminded.
        var first = await g.RunAsync(Opens(1));
        Assert.Equal(2, first.ObligationsOpened);
        Assert.Equal(2, await g.RemindersAsync("due_soon"));
        Assert.Equal(1, await g.RemindersToAsync(late, "due_soon"));
        Assert.Equal(1, await g.RemindersToAsync(g.ChairId, "due_soon"));
        Assert.Equal("collecting", await g.StatusOfAsync(1));

        Clock.MoveTo(Opens(1).AddDays(1));
        await g.PayInAsync(g.ChairId, 150_000);
        await g.RunAsync(Opens(1).AddDays(1));
        Assert.Equal(2, await g.RemindersAsync());

        // Due date: only the one who has not paid is reminded; no payout while someone owes.
        var due = await g.RunAsync(Due(1));
        Assert.Equal(1, due.Reminders);
        Assert.Equal(1, await g.RemindersToAsync(late, "due_today"));
        Assert.Equal(0, await g.RemindersToAsync(g.ChairId, "due_today"));
        Assert.Equal(0, due.PayoutsReserved);

        await g.RunAsync(Due(1).AddDays(1));
        Assert.Equal("collecting", await g.StatusOfAsync(1));
        Assert.Equal("paid", (await g.ObligationAsync(g.ChairId, 1))!.Value.GetProperty("status").GetString());
        Assert.Equal("due", (await g.ObligationAsync(late, 1))!.Value.GetProperty("status").GetString());
        Assert.Empty(await g.FinesAsync(late));

        // The grace days end on the 4th; on the 5th the fine is charged and the member is told.
        await g.RunAsync(Due(1).AddDays(3));
        Assert.Empty(await g.FinesAsync(late));
        var fineDay = await g.RunAsync(Due(1).AddDays(4));
        Assert.Equal(1, fineDay.FinesCharged);
        var fines = await g.FinesAsync(late);
        Assert.Equal((1, 5000L), (fines.Single().Period, fines.Single().Amount));
        var lines = await g.LinesAsync(fines.Single().EntryId);
        Assert.Equal(new Dictionary<string, long> { [$"member:{late}:receivable"] = 5000, ["income:fines"] = -5000 }, lines);
        Assert.Equal("fine_charged", await GroupData.ScalarAsync("SELECT kind FROM journal_entries WHERE id = $1", fines.Single().EntryId));
        Assert.Equal(1, await g.RemindersToAsync(late, "overdue"));
        Assert.Empty(await g.FinesAsync(g.ChairId));
        Assert.Equal("overdue", await g.StatusOfAsync(1));
        var overdue = (await g.ObligationAsync(late, 1))!.Value;
        Assert.Equal("overdue", overdue.GetProperty("status").GetString());
        Assert.Equal(5000, overdue.GetProperty("fine").GetInt64());
        var owed = (await g.G.BalancesAsync()).GetProperty("members").EnumerateArray().Single(m => m.GetProperty("memberId").GetGuid() == late);
        Assert.Equal(5000, owed.GetProperty("owed").GetInt64());

        // Running again, the same day or later, never fines the same period twice.
        var again = await g.RunAsync(Due(1).AddDays(4));
        Assert.Equal(0, again.FinesCharged + again.Reminders + again.ObligationsOpened + again.PayoutsReserved);
        await g.RunAsync(Due(1).AddDays(10));
        Assert.Single(await g.FinesAsync(late));
        Assert.Equal(1, await g.EntriesOfKindAsync("fine_charged"));
        Assert.Null(await g.PayoutForAsync(1));

        // Period 2 opens (the chair receives: a and the late member pay); a pays on time.
        await g.RunAsync(Opens(2));
        Assert.Equal(2, (await g.ObligationsAsync(2)).GetArrayLength());
        Clock.MoveTo(Opens(2).AddDays(1));
        await g.PayInAsync(a, 150_000);
        await g.RunAsync(Due(2));
        // Period 1's "due today" went out on 1 January, period 2's today: one each, both to the late member.
        Assert.Equal(2, await g.RemindersToAsync(late, "due_today"));
        Assert.Equal(0, await g.RemindersToAsync(a, "due_today"));

        // A day after the due date the late member pays R2,250: period 1 first, then half of period 2.
        Clock.MoveTo(Due(2).AddDays(1));
        await g.PayInAsync(late, 225_000);
        await g.RunAsync(Due(2).AddDays(1));
        var p1 = (await g.ObligationAsync(late, 1))!.Value;
        Assert.Equal("paid", p1.GetProperty("status").GetString());
        Assert.Equal(150_000, p1.GetProperty("paid").GetInt64());
        var p2 = (await g.ObligationAsync(late, 2))!.Value;
        Assert.Equal("partial", p2.GetProperty("status").GetString());
        Assert.Equal(75_000, p2.GetProperty("paid").GetInt64());
        // Period 1 is now fully collected: its payout is reserved; period 2 still collecting.
        Assert.Equal("payout_reserved", await g.StatusOfAsync(1));
        Assert.Equal(a, (await g.PayoutForAsync(1))!.Value.GetProperty("memberId").GetGuid());
        Assert.Equal(300_000, (await g.PayoutForAsync(1))!.Value.GetProperty("amount").GetInt64());
        Assert.Equal("collecting", await g.StatusOfAsync(2));

        // Period 2's grace ends with R750 outstanding: its own fine, once.
        await g.RunAsync(Due(2).AddDays(4));
        Assert.Equal("overdue", (await g.ObligationAsync(late, 2))!.Value.GetProperty("status").GetString());
        Assert.Equal("overdue", await g.StatusOfAsync(2));
        await g.RunAsync(Due(2).AddDays(4));
        await g.RunAsync(Due(2).AddDays(9));
        fines = await g.FinesAsync(late);
        Assert.Equal([(1, 5000L), (2, 5000L)], fines.Select(f => (f.Period, f.Amount)).ToArray());
        Assert.Equal(2, await g.EntriesOfKindAsync("fine_charged"));

        // The rest arrives: period 2 is paid and collected, its payout reserved; period 1 paid out.
        Clock.MoveTo(Due(2).AddDays(10));
        await g.PayInAsync(late, 75_000);
        await g.RunAsync(Due(2).AddDays(10));
        Assert.Equal("paid", (await g.ObligationAsync(late, 2))!.Value.GetProperty("status").GetString());
        Assert.Equal("payout_reserved", await g.StatusOfAsync(2));
        Assert.Equal(HttpStatusCode.Created, (await g.PayAsync(await g.ReservedPayoutIdAsync(1))).StatusCode);
        Assert.Equal("paid_out", await g.StatusOfAsync(1));

        // Reminders: due soon ×4 (two per period), due today ×2, overdue ×2 — each once, however often the engines ran.
        Assert.Equal(4, await g.RemindersAsync("due_soon"));
        Assert.Equal(2, await g.RemindersAsync("due_today"));
        Assert.Equal(2, await g.RemindersToAsync(late, "overdue"));
        Assert.Equal(8, await g.RemindersAsync());
        Assert.Equal(8, await g.DistinctReminderKeysAsync());
        await g.G.AssertInvariantsAsync();
    }

    [Fact]
    public async Task A_catch_up_run_charges_every_missed_fine_but_sends_only_the_last_days_reminders()
    {
        var g = await RoscaAsync(3);
        await g.SetOrderAsync(g.Ids);
        // Nobody ran the engines until the 5th: the obligations open, the fines are charged,
        // and only the overdue notice of that day goes out (no stale "due soon" or "due today").
        var run = await g.RunAsync(Due(1).AddDays(4));
        Assert.Equal(2, run.ObligationsOpened);
        Assert.Equal(2, run.FinesCharged);
        Assert.Equal(2, await g.RemindersAsync("overdue"));
        Assert.Equal(0, await g.RemindersAsync("due_soon"));
        Assert.Equal(0, await g.RemindersAsync("due_today"));

        var twice = await g.App.RunEnginesAsync(g.GroupId, Due(1).AddDays(4));
        Assert.Equal(0, twice.FinesCharged + twice.Reminders + twice.ObligationsOpened);
        Assert.Equal(2, await g.RemindersAsync());
        Assert.Equal(2, await g.DistinctReminderKeysAsync());
        Assert.Equal(2, await g.EntriesOfKindAsync("fine_charged"));
    }

    [Fact]
    public async Task A_percent_fine_is_that_percentage_of_what_is_outstanding_rounded_down_and_charged_once()
    {
        // 2.5 % after no grace days: fined on the day after the due date.
        var g = await RoscaAsync(3, Rosca(lateFine: """{"percent":2.5,"graceDays":0}"""));
        var (a, b) = (g.Ids[1], g.Ids[2]);
        await g.SetOrderAsync([g.ChairId, a, b]);
        await g.RunAsync(Opens(1));
        Clock.MoveTo(Due(1));
        await g.PayInAsync(a, 50_001); // leaves 99,999 outstanding
        await g.RunAsync(Due(1));
        Assert.Empty(await g.FinesAsync(a));

        var run = await g.RunAsync(Due(1).AddDays(1));
        Assert.Equal(2, run.FinesCharged);
        Assert.Equal([(1, 2_499L)], (await g.FinesAsync(a)).Select(f => (f.Period, f.Amount)).ToArray());   // 2.5 % of 99,999 = 2,499.975
        Assert.Equal([(1, 3_750L)], (await g.FinesAsync(b)).Select(f => (f.Period, f.Amount)).ToArray());   // 2.5 % of 150,000
        var lines = await g.LinesAsync((await g.FinesAsync(a)).Single().EntryId);
        Assert.Equal(2_499, lines[$"member:{a}:receivable"]);
        Assert.Equal(-2_499, lines["income:fines"]);
        Assert.Equal(3_750, (await g.ObligationAsync(b, 1))!.Value.GetProperty("fine").GetInt64());

        await g.RunAsync(Due(1).AddDays(1));
        await g.RunAsync(Due(1).AddDays(20));
        Assert.Single(await g.FinesAsync(a));
        Assert.Single(await g.FinesAsync(b));
        Assert.Equal(2, await g.EntriesOfKindAsync("fine_charged"));
        await g.G.AssertInvariantsAsync();
    }

    [Fact]
    public async Task A_member_who_paid_on_time_is_never_fined_nor_reminded_after_paying()
    {
        var g = await RoscaAsync(2, Rosca(pot: "gross"));
        Clock.MoveTo(Opens(1).AddDays(-1));
        foreach (var m in g.Ids) await g.PayInAsync(m, 150_000);
        await g.RunAsync(Opens(1));
        await g.RunAsync(Due(1));
        await g.RunAsync(Due(1).AddDays(4));
        Assert.Equal(0, await g.EntriesOfKindAsync("fine_charged"));
        Assert.Equal(0, await g.RemindersAsync());
        Assert.Equal("payout_reserved", await g.StatusOfAsync(1));
    }
}
