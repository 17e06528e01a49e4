using Pamoja.Core.Engines;
using Pamoja.Core.Groups;
using Pamoja.Core.Rotation;
using Pamoja.Core.Schedules;
using static Pamoja.Core.Tests.Engines.EngineWorld;

namespace Pamoja.Core.Tests.Engines;

/// A run whose effects were written back leaves nothing for a second run over the same days:
/// two app instances, or a retry after a crash, never open, fine or pay anything twice.
public sealed class DailyPlannerIdempotencyTests
{
    private const int Seed = 20270701;
    private const int Cases = 300;

    [Fact]
    public void Running_twice_over_the_same_window_gives_nothing_new()
    {
        var world = new EngineWorld(GroupKind.Rosca, GroupCalendar.Simple(D("2027-02-01"), Rosca(150_000, PotRule.Net, RotationOrder.Fixed, fine: new LateFine(5_000, 0, 3))),
            ActiveMembers(6, D("2027-01-01")).Select(m => m with { Contributed = 10_000_000 }));
        var first = world.Run(D("2027-01-29"), D("2027-04-15"));
        Assert.NotEmpty(first);
        Assert.Empty(world.Run(D("2027-01-29"), D("2027-04-15")));
        Assert.Empty(world.Run(D("2027-02-01"), D("2027-04-01")));
        Assert.Empty(world.Run(D("2027-03-01"), D("2027-03-01")));
    }

    [Fact]
    public void Reruns_over_random_windows_of_random_groups_never_open_fine_or_pay_twice()
    {
        var random = new Random(Seed);
        for (var i = 0; i < Cases; i++)
        {
            var world = EngineWorld.RandomGroup(random, maxRulesVersions: 1, out var description);
            var start = world.Calendar.StartsOn;
            var end = start.AddDays(random.Next(20, 200));

            // Run in windows of random length (daily runs and catch-ups), paying at random between runs.
            var firstDay = start.AddDays(-random.Next(0, 10));
            for (var from = firstDay; from <= end;)
            {
                var through = from.AddDays(random.Next(0, 12));
                world.PayAtRandom(random);
                var effects = world.Run(from, through);

                // The same window again, with the effects written back: nothing but (some of) the same day's reminders,
                // which the snapshot does not record.
                var again = DailyPlanner.Plan(world.Snapshot(), from, through, world.NextSeed);
                var context = $"case {i} ({description}), {Iso(from)}..{Iso(through)}";
                Assert.True(again.All(e => e is EngineEffect.Reminder), $"{context}: {string.Join("; ", world.Describe(again.Where(e => e is not EngineEffect.Reminder)))}");
                var reminded = effects.OfType<EngineEffect.Reminder>().Select(r => (r.On, r.MemberId, r.Period, r.Kind, r.Outstanding)).ToHashSet();
                Assert.All(again.OfType<EngineEffect.Reminder>(), r => Assert.Contains((r.On, r.MemberId, r.Period, r.Kind, r.Outstanding), reminded));

                // And everything run so far, as one window from the first engine day: nothing new either.
                var all = DailyPlanner.Plan(world.Snapshot(), firstDay, through, world.NextSeed).Where(e => e is not EngineEffect.Reminder);
                Assert.True(!all.Any(), $"{context}, from {Iso(firstDay)}: {string.Join("; ", world.Describe(all))}");
                from = through.AddDays(1);
            }

            // Invariants of everything written: one obligation per member and period, one fine, one payout per period.
            Assert.Equal(world.Obligations.Count, world.Obligations.Select(o => (o.MemberId, o.Period)).Distinct().Count());
            Assert.Equal(world.Log.OfType<EngineEffect.FineCharged>().Count(), world.Fined.Count);
            Assert.Equal(world.Log.OfType<EngineEffect.PayoutReserved>().Count(), world.PeriodsWithPayout.Count);
            Assert.Equal(world.Cycles.Count, world.Cycles.Select(c => c.Number).Distinct().Count());
            foreach (var payout in world.Log.OfType<EngineEffect.PayoutReserved>())
            {
                var owed = world.Obligations.Where(o => o.Period == payout.Period).Sum(o => o.Amount);
                Assert.True(payout.Amount + payout.Discount <= owed, $"case {i}: payout {world.Describe(payout)} beyond {owed}");
                Assert.Equal(payout.Discount, payout.Shares.Sum(s => s.Amount));
            }
        }
    }
}
