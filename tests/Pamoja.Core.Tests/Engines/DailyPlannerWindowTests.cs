using Pamoja.Core.Engines;
using Pamoja.Core.Groups;
using Pamoja.Core.Rotation;
using Pamoja.Core.Schedules;
using static Pamoja.Core.Tests.Engines.EngineWorld;

namespace Pamoja.Core.Tests.Engines;

/// The engine reads only the obligations of the periods a run can act on
/// (DailyPlanner.FirstPeriodNeeded), with each member's contributions less what the earlier
/// obligations took. Over random groups, rule changes and runs, that plans exactly what the
/// whole history plans.
public sealed class DailyPlannerWindowTests
{
    private const int Seed = 20261122;
    private const int Cases = 200;

    [Fact]
    public void Planning_from_the_needed_periods_gives_exactly_the_effects_of_the_whole_history()
    {
        var random = new Random(Seed);
        var runs = 0;
        var trimmed = 0;
        for (var i = 0; i < Cases; i++)
        {
            var world = EngineWorld.RandomGroup(random, maxRulesVersions: 3, out var description);
            var start = world.Calendar.StartsOn;
            var end = start.AddDays(random.Next(120, 500));
            for (var from = start.AddDays(-random.Next(0, 10)); from <= end;)
            {
                // Mostly daily runs, now and then a catch-up after an outage.
                var through = from.AddDays(random.Next(8) == 0 ? random.Next(1, 40) : 0);
                world.PayAtRandom(random);
                var full = world.Snapshot();
                var first = DailyPlanner.FirstPeriodNeeded(full, from);
                var window = Window(full, first);

                var expected = DailyPlanner.Plan(full, from, through, Seeds());
                // From the first period needed, and from any earlier one (the engine reads from
                // where its last run started, which is never later).
                var earlier = random.Next(0, first + 1);
                foreach (var (what, snapshot) in new[] { ("needed periods only", window), ($"from period {earlier}", Window(full, earlier)) })
                {
                    var actual = DailyPlanner.Plan(snapshot, from, through, Seeds());
                    Assert.True(world.Describe(expected).SequenceEqual(world.Describe(actual)),
                        $"case {i} ({description}), {Iso(from)}..{Iso(through)}, first period needed {first}:\n" +
                        $"whole history:\n  {string.Join("\n  ", world.Describe(expected))}\n{what}:\n  {string.Join("\n  ", world.Describe(actual))}");
                }
                runs++;
                if (window.Obligations.Count < full.Obligations.Count) trimmed++;
                world.Apply(expected);
                from = through.AddDays(1);
            }
        }
        // Most runs leave history out, so the comparison above is about something.
        Assert.True(trimmed > runs / 2, $"only {trimmed} of {runs} runs left any obligation out");
    }

    [Fact]
    public void A_rotating_period_still_waiting_for_its_payout_keeps_every_period_from_it_on()
    {
        var calendar = GroupCalendar.Simple(D("2027-01-04"), Rosca(100_000, PotRule.Gross, RotationOrder.Fixed, Frequency.Weekly, fine: new LateFine(5_000, 0, 2)));
        var members = ActiveMembers(4, D("2027-01-01"));
        EngineTurn[] turns = [.. members.Select((m, i) => new EngineTurn(1, m.Id, i, 0))];

        // Two months on, periods 0, 2 and 3 are paid out; period 1 still waits for its pot.
        var from = D("2027-03-01");
        Assert.Equal(1, DailyPlanner.FirstPeriodNeeded(GroupKind.Rosca, calendar, turns, [0, 2, 3], from));
        // Once it is paid out, only the periods whose fines may still fall due are needed: the
        // period holding 26 February (1 March less the 2 grace days, less one).
        Assert.Equal(calendar.PeriodOn(D("2027-02-26"))!.Number, DailyPlanner.FirstPeriodNeeded(GroupKind.Rosca, calendar, turns, [0, 1, 2, 3], from));
        // A savings group has no payouts to wait for.
        Assert.Equal(calendar.PeriodOn(D("2027-02-26"))!.Number, DailyPlanner.FirstPeriodNeeded(GroupKind.Asca, calendar, [], [], from));
        // Before any period's fine day can have passed, everything.
        Assert.Equal(0, DailyPlanner.FirstPeriodNeeded(GroupKind.Asca, calendar, [], [], D("2027-01-05")));
    }

    [Fact]
    public void The_longest_grace_of_any_rules_version_decides_how_far_back_fines_can_fall()
    {
        // Weekly from 4 January with 1 grace day, then 20 grace days from 1 March.
        var calendar = new GroupCalendar(D("2027-01-04"), [
            new RulesVersion(D("2027-01-04"), new GroupRules(100_000, Frequency.Weekly, 0, 0, new LateFine(5_000, 0, 1), null, null, 0, 0)),
            new RulesVersion(D("2027-03-01"), new GroupRules(100_000, Frequency.Weekly, 0, 0, new LateFine(5_000, 0, 20), null, null, 0, 0))]);
        Assert.Equal(20, calendar.MaxGraceDays);
        var from = D("2027-04-01");
        Assert.Equal(calendar.PeriodOn(from.AddDays(-21))!.Number, DailyPlanner.FirstPeriodNeeded(GroupKind.Asca, calendar, [], [], from));
    }

    /// The snapshot as the engine reads it: obligations and fines from the first period needed,
    /// each member's contributions less the earlier obligations' amounts.
    private static GroupSnapshot Window(GroupSnapshot full, int first)
    {
        var earlier = full.Obligations.Where(o => o.Period < first).GroupBy(o => o.MemberId).ToDictionary(g => g.Key, g => g.Sum(o => o.Amount));
        return full with
        {
            Obligations = [.. full.Obligations.Where(o => o.Period >= first)],
            Fined = [.. full.Fined.Where(f => f.Period >= first)],
            Members = [.. full.Members.Select(m => m with { Contributed = m.Contributed - earlier.GetValueOrDefault(m.Id) })],
        };
    }

    /// The same seeds for both plans: a lottery draw must not tell them apart.
    private static Func<string> Seeds()
    {
        var n = 0;
        return () => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.ASCII.GetBytes($"window-{++n}")));
    }
}
