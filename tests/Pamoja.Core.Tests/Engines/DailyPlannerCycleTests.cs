using Pamoja.Core.Engines;
using Pamoja.Core.Groups;
using Pamoja.Core.Rotation;
using Pamoja.Core.Schedules;
using static Pamoja.Core.Tests.Engines.EngineWorld;

namespace Pamoja.Core.Tests.Engines;

/// Whole rotation cycles run day by day, each run's effects written back before the next, with
/// every member paying what they owe: everyone receives once, the pool returns to zero, and a
/// second cycle follows.
public sealed class DailyPlannerCycleTests
{
    private const int Seed = 20270601;

    public static TheoryData<RotationOrder, PotRule, Frequency, int, int, long> Groups() => new()
    {
        { RotationOrder.Fixed, PotRule.Net, Frequency.Monthly, 0, 6, 150_000 },         // the stokvel: R1,500 × 6, net
        { RotationOrder.Fixed, PotRule.Gross, Frequency.Monthly, 0, 10, 5_000_000 },    // the ajo: ₦50,000 × 10, gross
        { RotationOrder.Fixed, PotRule.Net, Frequency.Weekly, 0, 5, 5_000 },
        { RotationOrder.Lottery, PotRule.Gross, Frequency.Biweekly, 0, 7, 10_000 },
        { RotationOrder.Lottery, PotRule.Net, Frequency.Days, 1, 3, 700 },               // periods shorter than the lead days
        { RotationOrder.Bidding, PotRule.Net, Frequency.Monthly, 0, 6, 150_000 },
        { RotationOrder.Bidding, PotRule.Gross, Frequency.Semimonthly, 0, 4, 25_000 },
        { RotationOrder.Fixed, PotRule.Net, Frequency.Days, 2, 5, 1_000 },
        { RotationOrder.Bidding, PotRule.Net, Frequency.Days, 10, 2, 99_999 },
    };

    [Theory]
    [MemberData(nameof(Groups))]
    public void A_full_cycle_pays_everyone_once_returns_the_pool_to_zero_and_a_second_cycle_follows(
        RotationOrder order, PotRule pot, Frequency frequency, int everyDays, int n, long amount)
    {
        var random = new Random(Seed + n);
        var rules = Rosca(amount, pot, order, frequency, everyDays, fine: new LateFine(0, 500, 1));
        var world = new EngineWorld(GroupKind.Rosca, GroupCalendar.Simple(D("2027-01-31"), rules), ActiveMembers(n, D("2027-01-01")));
        var ids = world.Members.Select(m => m.Id).ToList();
        string? firstSeed = null;
        if (order == RotationOrder.Lottery)
        {
            firstSeed = world.NextSeed();
            world.Pending = new PendingDraw(1, firstSeed, Lottery.Commitment(firstSeed));
        }
        if (order == RotationOrder.Bidding)
            for (var p = 0; p < 2 * n; p++)
                for (var b = random.Next(0, 4); b > 0; b--)
                    world.Bids.Add(new PeriodBid(p, new Bid(ids[random.Next(n)], random.NextInt64(0, amount), new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(random.Next(0, 5)))));

        var calendar = world.Calendar;
        for (var day = calendar.Get(0).OpensOn; day <= calendar.Get(n).DueOn; day = day.AddDays(1))
        {
            world.EveryonePaysWhatIsOwed();
            world.Run(day, day);
        }

        // Two cycles: n periods, then the next one starts on the opening day of period n. (When periods
        // are shorter than the lead days, a third may already have opened by period n's due date.)
        var starts = world.Log.OfType<EngineEffect.CycleStarted>().ToList();
        Assert.Equal([(1, 0), (2, n)], starts.Take(2).Select(s => (s.Cycle, s.FirstPeriod)));
        Assert.All(starts.Skip(2), s => Assert.Equal((3, 2 * n), (s.Cycle, s.FirstPeriod)));
        Assert.Equal(calendar.Get(0).OpensOn, starts[0].On);
        Assert.Equal(calendar.Get(n).OpensOn, starts[1].On);
        Assert.All(starts, s => Assert.Equal(ids.Order(), s.Members.Order()));

        // Cycle 1: each period paid out once, on its due date, to a different member: everyone receives once.
        var payouts = world.Log.OfType<EngineEffect.PayoutReserved>().Where(p => p.Cycle == 1).OrderBy(p => p.Period).ToList();
        Assert.Equal(Enumerable.Range(0, n), payouts.Select(p => p.Period));
        Assert.All(payouts, p => Assert.Equal(calendar.Get(p.Period).DueOn, p.On));
        Assert.Equal(ids.Order(), payouts.Select(p => p.Recipient).Order());

        var expectedRecipients = order switch
        {
            RotationOrder.Fixed => ids,
            RotationOrder.Lottery => [.. Lottery.Draw(firstSeed!, ids)],
            _ => ExpectedBidWinners(world, ids, n).Select(w => w.Member).ToList(),
        };
        Assert.Equal(expectedRecipients, payouts.Select(p => p.Recipient));
        if (order == RotationOrder.Bidding)
            Assert.Equal(ExpectedBidWinners(world, ids, n).Select(w => w.Discount), payouts.Select(p => p.Discount));

        // Obligations: every payer, once per period, the contribution each; under net not the recipient.
        var cycleObligations = world.Obligations.Where(o => o.Period < n).ToList();
        foreach (var payout in payouts)
        {
            var payers = cycleObligations.Where(o => o.Period == payout.Period).ToList();
            Assert.Equal(pot == PotRule.Gross ? n : n - 1, payers.Count);
            Assert.Equal(payers.Count, payers.Select(o => o.MemberId).Distinct().Count());
            Assert.All(payers, o => Assert.Equal(amount, o.Amount));
            Assert.All(payers, o => Assert.Equal(calendar.Get(o.Period).DueOn, o.DueOn));
            Assert.Equal(pot == PotRule.Gross, payers.Any(o => o.MemberId == payout.Recipient));
            // What the recipient and the sharers get is exactly the pot.
            Assert.Equal(Pot.Amount(pot, n, amount), payout.Amount + payout.Shares.Sum(s => s.Amount));
            Assert.Equal(payout.Discount, payout.Shares.Sum(s => s.Amount));
        }

        // The pool returns to zero: everything paid in during the cycle is paid out.
        var paidIn = cycleObligations.Sum(o => o.Amount);
        var paidOut = payouts.Sum(p => p.Amount + p.Shares.Sum(s => s.Amount));
        Assert.Equal(paidIn, paidOut);
        Assert.Equal(n * Pot.Amount(pot, n, amount), paidOut);

        // Without discounts every member gets back exactly what they paid in.
        if (order != RotationOrder.Bidding)
            foreach (var id in ids)
                Assert.Equal(cycleObligations.Where(o => o.MemberId == id).Sum(o => o.Amount), payouts.Where(p => p.Recipient == id).Sum(p => p.Amount));

        // Everyone paid on time: no fines; the only reminders are the "due soon" on opening days.
        Assert.Empty(world.Log.OfType<EngineEffect.FineCharged>());
        Assert.All(world.Log.OfType<EngineEffect.Reminder>(), r =>
        {
            Assert.Equal(ReminderKind.DueSoon, r.Kind);
            Assert.Equal(calendar.Get(r.Period).OpensOn, r.On);
        });

        // The second cycle is under way: its first period was paid out on its due date to its first member.
        var next = world.Log.OfType<EngineEffect.PayoutReserved>().Single(p => p.Cycle == 2);
        Assert.Equal(n, next.Period);
        if (order != RotationOrder.Bidding) Assert.Equal(starts[1].Members[0], next.Recipient);
        if (order == RotationOrder.Lottery)
        {
            Assert.Equal(world.Log.OfType<EngineEffect.CommitmentPublished>().First().Draw, starts[1].Revealed);
            Assert.Equal(Lottery.Draw(starts[1].Revealed!.Seed, ids), starts[1].Members);
        }
    }

    /// The bidding rule, stated independently: among the bids for the period by members still
    /// waiting, the highest discount wins, the earliest among equals; no bids: the first waiting
    /// member by position, without discount; the last member waiting pays no discount.
    private static List<(Guid Member, long Discount)> ExpectedBidWinners(EngineWorld world, List<Guid> byPosition, int n)
    {
        var waiting = byPosition.ToList();
        var winners = new List<(Guid, long)>();
        for (var p = 0; p < n; p++)
        {
            var best = world.Bids.Where(b => b.Period == p && waiting.Contains(b.Bid.MemberId)).Select(b => b.Bid)
                .OrderByDescending(b => b.Discount).ThenBy(b => b.PlacedAt).ThenBy(b => b.MemberId).FirstOrDefault();
            var winner = best?.MemberId ?? waiting[0];
            winners.Add((winner, waiting.Count == 1 ? 0 : best?.Discount ?? 0));
            waiting.Remove(winner);
        }
        return winners;
    }

    [Fact]
    public void A_catch_up_over_the_whole_cycle_in_one_run_pays_the_same_as_daily_runs()
    {
        // With every payment already in, one run over the whole window decides what daily runs do.
        EngineWorld NewWorld() => new(GroupKind.Rosca, GroupCalendar.Simple(D("2027-01-31"), Rosca(150_000, PotRule.Net, RotationOrder.Fixed)),
            ActiveMembers(6, D("2027-01-01")).Select(m => m with { Contributed = 10_000_000 }));
        var daily = NewWorld();
        var through = daily.Calendar.Get(6).DueOn;
        for (var day = D("2027-01-28"); day <= through; day = day.AddDays(1)) daily.Run(day, day);
        var once = NewWorld();
        once.Run(D("2027-01-28"), through);

        string[] Money(EngineWorld w) => [.. w.Describe(w.Log.Where(e => e is not EngineEffect.Reminder))];
        Assert.Equal(Money(daily), Money(once));
        Assert.Equal(7, once.Log.OfType<EngineEffect.PayoutReserved>().Count());
    }
}
