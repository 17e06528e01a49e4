using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Pamoja.Core.Engines;
using Pamoja.Core.Groups;
using Pamoja.Web.Features.Schedules;
using Pamoja.Web.Tests.Infrastructure;
using static Pamoja.Web.Tests.Infrastructure.ScheduleData;

namespace Pamoja.Web.Tests.Features.Schedules;

/// The engine reads a group's obligations only from the first period its last run needed
/// (DailyPlanner.FirstPeriodNeeded, kept in the cursor), since they grow by a period's worth
/// every period for years. On the database, through months of history with
/// arrears, late fines and pots waiting for a late payer, what it plans from that window is
/// what the whole history plans.
public sealed class EngineHistoryTests : ScheduleTestBase
{
    [Fact]
    public async Task Through_months_of_arrears_and_waiting_pots_the_engine_reads_only_the_open_periods_and_plans_what_the_whole_history_plans()
    {
        // Net pot, R1,500 monthly, R50 fine after 3 grace days; a, the chair, then the late member receive.
        var g = await RoscaAsync(3);
        var (a, late) = (g.Ids[1], g.Ids[2]);
        await g.SetOrderAsync([a, g.ChairId, late]);
        var compared = new List<Comparison>();

        for (var period = 1; period <= 9; period++)
        {
            compared.Add(await CompareAsync(g, Opens(period)));
            await g.RunAsync(Opens(period));
            g.Clock.MoveTo(Opens(period).AddDays(1));
            await g.PayInAsync(a, 150_000);
            await g.PayInAsync(g.ChairId, 150_000);
            // The late member pays R1,500 in periods 1–3 (in period 3, their own, that is credit
            // for period 4), then nothing until period 8: periods 5 and 7 are fined and their
            // pots wait (everything must be collected). In period 8 they pay all they owe.
            if (period <= 3) await g.PayInAsync(late, 150_000);
            if (period == 8) await g.PayInAsync(late, 450_000);
            compared.Add(await CompareAsync(g, Due(period)));
            await g.RunAsync(Due(period));
            compared.Add(await CompareAsync(g, Due(period).AddDays(4)));
            await g.RunAsync(Due(period).AddDays(4));
            if (period == 8)
            {
                // From period 9, 60 grace days instead of 3: the next run needs periods further
                // back than the last one did (a fine may now fall due 61 days after a due
                // date), and reads again from there.
                var settings = await g.ClientOf(g.ChairId).PutJsonAsync($"/api/v1/groups/{g.GroupId}/settings",
                    Rosca().With("lateFine", """{"amount":5000,"graceDays":60}"""));
                Assert.True(settings.IsSuccessStatusCode, await settings.Content.ReadAsStringAsync());
            }
        }

        // Each comparison planned the same effects (CompareAsync asserts it); these say that
        // the comparisons covered what they must: history left out, a waiting pot holding the
        // window open, a run reading from further back than its last one, and effects to
        // compare (fines, payouts, obligations, reminders).
        var runs = string.Join("\n", compared);
        Assert.True(compared.Any(c => c.FirstPeriod > 0 && c.FirstPeriod == c.FinesWindow), runs);
        Assert.True(compared.Any(c => c.FirstPeriod < c.FinesWindow), runs);
        Assert.True(compared.Any(c => c.ReadFrom > 0 && c.ReadFrom < c.FirstPeriod), runs);
        Assert.True(compared.Any(c => c.FirstPeriod < c.ReadFrom), runs);
        Assert.True(compared[^1].Read < compared[^1].All / 2, $"the last run read {compared[^1].Read} of {compared[^1].All} obligations");
        foreach (var kind in new[] { "FineCharged", "PayoutReserved", "ObligationOpened", "Reminder" })
            Assert.Contains(compared, c => c.EffectKinds.Contains(kind));
        Assert.Equal([5, 7], (await g.FinesAsync(late)).Select(f => f.Period));
        await g.G.AssertInvariantsAsync();
    }

    [Fact]
    public async Task A_cursor_that_remembers_a_later_period_than_a_run_needs_hides_nothing_from_it()
    {
        // What a rules change reaching back would do (before money moves, a new grace applies
        // from the start): the last run needed later periods than this one. Here the cursor is
        // simply told so; the run must read again from where it needs and fine period 1.
        var g = await RoscaAsync(3);
        var late = g.Ids[2];
        await g.SetOrderAsync([g.Ids[1], g.ChairId, late]);
        await g.RunAsync(Opens(1));
        g.Clock.MoveTo(Opens(1).AddDays(1));
        await g.PayInAsync(g.ChairId, 150_000);
        await g.RunAsync(Due(1).AddDays(3));
        Assert.Equal(1, await GroupData.ExecuteAsync("UPDATE engine_cursors SET obligations_from = 99 WHERE group_id = $1", g.GroupId));

        var fineDay = await g.RunAsync(Due(1).AddDays(4));

        Assert.Equal(1, fineDay.FinesCharged);
        Assert.Equal([1], (await g.FinesAsync(late)).Select(f => f.Period));
        // And the cursor now remembers the period this run needed.
        Assert.Equal(0, await GroupData.ScalarAsync("SELECT obligations_from FROM engine_cursors WHERE group_id = $1", g.GroupId));
        await g.G.AssertInvariantsAsync();
    }

    private sealed record Comparison(int ReadFrom, int FirstPeriod, int FinesWindow, int Read, int All, IReadOnlySet<string> EffectKinds)
    {
        public override string ToString() =>
            $"read from {ReadFrom}, needed from {FirstPeriod} (fines from {FinesWindow}), {Read} of {All} obligations, {string.Join("+", EffectKinds)}";
    }

    /// Reads the group as the engine does and as the pages do, in one transaction rolled back
    /// afterwards, and plans the next run from each: the engine's first read (obligations from
    /// the period its last run needed), a read from exactly the first period this run needs, and
    /// a read from period 0 (what a run does when it needs earlier periods than its last one).
    private async Task<Comparison> CompareAsync(RoscaGroup g, DateOnly through)
    {
        await using var connection = await App.Services.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        var locked = (await GroupSchedule.LockForEngineAsync(connection, tx, g.GroupId, createHead: true, CancellationToken.None))!;
        var full = (await GroupSchedule.LoadAsync(connection, tx, g.GroupId, CancellationToken.None))!;
        Assert.Equal(0, full.ObligationsFrom);
        Assert.Equal(full.Snapshot.Obligations.Count(o => o.Period >= locked.ObligationsFrom), locked.Snapshot.Obligations.Count);

        var from = locked.DoneThrough?.AddDays(1) ?? locked.FirstEngineDate;
        var s = locked.Snapshot;
        var first = DailyPlanner.FirstPeriodNeeded(s, from);
        var exact = await locked.ReadObligationsFromAsync(connection, tx, first, CancellationToken.None);
        var all = await locked.ReadObligationsFromAsync(connection, tx, 0, CancellationToken.None);
        await tx.RollbackAsync();

        Assert.Equal(first, exact.ObligationsFrom);
        Assert.Equal(full.Snapshot.Obligations.Count(o => o.Period >= first), exact.Snapshot.Obligations.Count);
        var plan = DailyPlanner.Plan(full.Snapshot, from, through, Seeds());
        var expected = Json(plan);
        // What the engine plans from: its first read, or the read from further back when it needs one.
        var engines = first < locked.ObligationsFrom ? exact : locked;
        foreach (var (what, read) in new[] { ("the engine's read", engines), ("from the first period needed", exact), ("from period 0", all) })
            Assert.True(expected == Json(DailyPlanner.Plan(read.Snapshot, from, through, Seeds())), $"{what}, through {Iso(through)}: plans differ");
        return new Comparison(locked.ObligationsFrom, first, DailyPlanner.FirstPeriodNeeded(GroupKind.Asca, s.Calendar, [], [], from),
            locked.Snapshot.Obligations.Count, full.Snapshot.Obligations.Count,
            plan.Select(e => e.GetType().Name).ToHashSet());
    }

    // Every field of every effect, lists and tuples included (records compare lists by reference).
    private static readonly JsonSerializerOptions Fields = new() { IncludeFields = true };

    private static string Json(IEnumerable<EngineEffect> effects) => JsonSerializer.Serialize(effects.Cast<object>().ToList(), Fields);

    private static Func<string> Seeds()
    {
        var n = 0;
        return () => $"{++n:x64}";
    }
}
