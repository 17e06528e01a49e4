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
            var world = RandomWorld(random, out var description);
            var start = world.Calendar.StartsOn;
            var end = start.AddDays(random.Next(20, 200));

            // Run in windows of random length (daily runs and catch-ups), paying at random between runs.
            var firstDay = start.AddDays(-random.Next(0, 10));
            for (var from = firstDay; from <= end;)
            {
                var through = from.AddDays(random.Next(0, 12));
                PayAtRandom(world, random);
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

    private static EngineWorld RandomWorld(Random random, out string description)
    {
        var kind = random.Next(4) switch { 0 or 1 => GroupKind.Rosca, 2 => GroupKind.Asca, _ => GroupKind.Vsla };
        var frequency = (Frequency)random.Next(5);
        var everyDays = frequency == Frequency.Days ? random.Next(1, 20) : 0;
        var fine = random.Next(3) switch
        {
            0 => LateFine.None,
            1 => new LateFine(random.Next(1, 10_000), 0, random.Next(0, 8)),
            _ => new LateFine(0, random.Next(1, 10_001), random.Next(0, 8)),
        };
        var amount = random.NextInt64(1, 1_000_000);
        var order = (RotationOrder)random.Next(3);
        var pot = (PotRule)random.Next(2);
        var rules = kind == GroupKind.Rosca
            ? Rosca(amount, pot, order, frequency, everyDays, fine)
            : new GroupRules(amount, frequency, everyDays, 0, fine, null, null, kind == GroupKind.Vsla ? random.Next(1, 4) : 0, kind == GroupKind.Vsla ? 5 : 0);
        var start = D("2027-01-01").AddDays(random.Next(0, 800));
        var members = ActiveMembers(random.Next(2, 9), start.AddDays(-random.Next(-20, 30)))
            .Select(m => random.Next(6) == 0 ? m with { Status = MemberStatus.Suspended } : m).ToList();
        var world = new EngineWorld(kind, GroupCalendar.Simple(start, rules), members) { Policy = (PayoutPolicy)random.Next(2) };
        if (kind == GroupKind.Rosca && order == RotationOrder.Lottery && random.Next(2) == 0)
        {
            var seed = world.NextSeed();
            world.Pending = new PendingDraw(1, seed, Lottery.Commitment(seed));
        }
        if (kind == GroupKind.Rosca && order == RotationOrder.Bidding)
            for (var p = 0; p < 40; p++)
                for (var b = random.Next(0, 3); b > 0; b--)
                    world.Bids.Add(new PeriodBid(p, new Bid(members[random.Next(members.Count)].Id, random.NextInt64(0, amount * members.Count),
                        new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero).AddSeconds(random.Next(0, 3)))));
        description = $"{kind} {frequency}/{everyDays} {order} {pot} {world.Policy} {members.Count} members, fine {fine}";
        return world;
    }

    private static void PayAtRandom(EngineWorld world, Random random)
    {
        foreach (var member in world.Members.ToList())
        {
            var owed = world.Obligations.Where(o => o.MemberId == member.Id).Sum(o => o.Amount);
            var paid = random.Next(4) switch
            {
                0 => member.Contributed,                                   // nothing new
                1 => owed,                                                 // all caught up
                _ => Math.Max(member.Contributed, random.NextInt64(0, owed + 1)),
            };
            world.SetContributed(member.Id, paid);
        }
    }
}
