using Pamoja.Core.Engines;
using Pamoja.Core.Groups;
using Pamoja.Core.Schedules;
using static Pamoja.Core.Tests.Engines.EngineWorld;

namespace Pamoja.Core.Tests.Engines;

/// Arrears, fines and reminders: a fine once per unpaid obligation, the day after its grace
/// days; reminders only for a run's last day.
public sealed class DailyPlannerArrearsTests
{
    // Monthly from 1 Feb 2027, 4 members, net, fixed: m1 receives in period 0, m2 in 1, m3 in 2, m4 in 3.
    private static EngineWorld Group(LateFine fine) =>
        new(GroupKind.Rosca, GroupCalendar.Simple(D("2027-02-01"), Rosca(150_000, PotRule.Net, RotationOrder.Fixed, fine: fine)),
            ActiveMembers(4, D("2027-01-01")));

    private static void RunDaily(EngineWorld world, DateOnly from, DateOnly through, Guid? neverPays = null, long neverPaysTotal = 0)
    {
        for (var day = from; day <= through; day = day.AddDays(1))
        {
            world.EveryonePaysWhatIsOwed();
            if (neverPays is { } id) world.SetContributed(id, neverPaysTotal);
            world.Run(day, day);
        }
    }

    [Theory]
    [InlineData(5_000, 0, 5_000)]       // flat
    [InlineData(0, 250, 3_750)]         // 2.5 % of R1,500
    [InlineData(0, 10_000, 150_000)]    // 100 %
    public void A_member_who_never_pays_is_fined_once_per_period_the_day_after_the_grace_days(long flat, int basisPoints, long expected)
    {
        var world = Group(new LateFine(flat, basisPoints, 3));
        var m3 = world.Members[2].Id;
        var through = world.Calendar.Get(3).GraceEndsOn.AddDays(1);   // 5 May

        RunDaily(world, D("2027-01-29"), through, neverPays: m3);

        // m3 owes in periods 0, 1 and 3 (not 2: their own turn under the net rule).
        Assert.Equal(
        [
            $"2027-02-05 Fine m3 p0 {expected}",
            $"2027-03-05 Fine m3 p1 {expected}",
            $"2027-05-05 Fine m3 p3 {expected}",
        ], world.Describe(world.Log.OfType<EngineEffect.FineCharged>()));
        // Only period 2, where m3 receives and owes nothing, could be paid out in full.
        Assert.Equal(["2027-04-01 Payout p2 #1 m3 450000 discount 0"], world.Describe(world.Log.OfType<EngineEffect.PayoutReserved>()));
        Assert.Equal(
        [
            "2027-01-29 Reminder DueSoon m3 p0 150000 due 2027-02-01 fine 0",
            "2027-02-01 Reminder DueToday m3 p0 150000 due 2027-02-01 fine 0",
            $"2027-02-05 Reminder Overdue m3 p0 150000 due 2027-02-01 fine {expected}",
            "2027-02-26 Reminder DueSoon m3 p1 150000 due 2027-03-01 fine 0",
            "2027-03-01 Reminder DueToday m3 p1 150000 due 2027-03-01 fine 0",
            $"2027-03-05 Reminder Overdue m3 p1 150000 due 2027-03-01 fine {expected}",
            "2027-04-28 Reminder DueSoon m3 p3 150000 due 2027-05-01 fine 0",
            "2027-05-01 Reminder DueToday m3 p3 150000 due 2027-05-01 fine 0",
            $"2027-05-05 Reminder Overdue m3 p3 150000 due 2027-05-01 fine {expected}",
        ], world.Describe(world.Log.OfType<EngineEffect.Reminder>().Where(r => r.MemberId == m3)));

        // Running over the same days again, daily or in one catch-up, with the fines written back: no fine twice.
        var before = world.Log.Count;
        RunDaily(world, D("2027-01-29"), through, neverPays: m3);
        world.Run(D("2027-01-29"), through);
        world.Run(D("2027-01-01"), through.AddDays(20));
        Assert.Equal(3, world.Log.OfType<EngineEffect.FineCharged>().Count());
        Assert.All(world.Log.Skip(before), e => Assert.IsType<EngineEffect.Reminder>(e));
    }

    [Fact]
    public void A_percentage_fine_is_on_what_is_still_outstanding_with_payments_settling_the_oldest_first()
    {
        var world = Group(new LateFine(0, 250, 3));
        var m3 = world.Members[2].Id;
        // m3 has paid R1,000 in all: it settles R1,000 of period 0, nothing of period 1.
        RunDaily(world, D("2027-01-29"), D("2027-03-05"), neverPays: m3, neverPaysTotal: 100_000);
        Assert.Equal(["2027-02-05 Fine m3 p0 1250", "2027-03-05 Fine m3 p1 3750"],
            world.Describe(world.Log.OfType<EngineEffect.FineCharged>()));
    }

    [Fact]
    public void Paying_within_the_grace_days_avoids_the_fine_and_no_fine_rule_charges_nothing()
    {
        var world = Group(new LateFine(5_000, 0, 3));
        var m3 = world.Members[2].Id;
        RunDaily(world, D("2027-01-29"), D("2027-02-03"), neverPays: m3);     // unpaid through the 3rd
        RunDaily(world, D("2027-02-04"), D("2027-02-10"));                       // pays on the last day of grace
        Assert.Empty(world.Log.OfType<EngineEffect.FineCharged>());
        Assert.Single(world.Log.OfType<EngineEffect.PayoutReserved>());          // once all was in
        Assert.Equal(D("2027-02-04"), world.Log.OfType<EngineEffect.PayoutReserved>().Single().On);

        var lenient = Group(LateFine.None);
        RunDaily(lenient, D("2027-01-29"), D("2027-06-01"), neverPays: lenient.Members[2].Id);
        Assert.Empty(lenient.Log.OfType<EngineEffect.FineCharged>());
    }

    [Fact]
    public void Without_grace_days_the_fine_comes_the_day_after_the_due_date()
    {
        var world = Group(new LateFine(2_000, 0, 0));
        var m4 = world.Members[3].Id;
        RunDaily(world, D("2027-01-29"), D("2027-02-02"), neverPays: m4);
        Assert.Equal(["2027-02-02 Fine m4 p0 2000"], world.Describe(world.Log.OfType<EngineEffect.FineCharged>()));
    }

    private static EngineWorld OneDebtor(out Guid debtor)
    {
        var world = Group(new LateFine(5_000, 0, 3));
        debtor = world.Members[2].Id;
        foreach (var member in world.Members.ToList()) world.SetContributed(member.Id, 10_000_000);
        world.SetContributed(debtor, 0);
        return world;
    }

    [Theory]
    [InlineData("2027-01-29", "Reminder DueSoon m3 p0 150000 due 2027-02-01 fine 0")]
    [InlineData("2027-02-01", "Reminder DueToday m3 p0 150000 due 2027-02-01 fine 0")]
    [InlineData("2027-02-05", "Reminder Overdue m3 p0 150000 due 2027-02-01 fine 5000")]
    [InlineData("2027-02-02", null)]
    [InlineData("2027-02-04", null)]
    [InlineData("2027-02-06", null)]
    public void A_catch_up_reminds_only_for_its_last_day(string through, string? expected)
    {
        var world = OneDebtor(out _);
        var effects = DailyPlanner.Plan(world.Snapshot(), D("2027-01-29"), D(through), world.NextSeed);
        var reminders = effects.OfType<EngineEffect.Reminder>().ToList();
        Assert.All(reminders, r => Assert.Equal(D(through), r.On));
        Assert.Equal(expected is null ? [] : [$"{through} {expected}"], world.Describe(reminders));
        // Nobody who has paid is reminded; the fine is charged in the run that covers its day.
        Assert.Equal(D(through) >= D("2027-02-05") ? 5_000 : 0, effects.OfType<EngineEffect.FineCharged>().Sum(f => f.Amount));
    }

    /// BUG (see the report): DailyPlanner.Remind says "An obligation opened late (the group's
    /// first period, a catch-up) is announced the day it opens", but the branch only fires when an
    /// ObligationOpened effect is dated the run's last day while that day is after the opening
    /// day, which never happens: obligations are only ever opened on their opening day. A
    /// catch-up from the opening day to the day after opens the obligation and sends no reminder,
    /// and the next daily run does not either: the member first hears of it on the due date.
    [Fact]
    public void A_catch_up_that_opens_obligations_announces_them_on_its_last_day()
    {
        var world = OneDebtor(out _);
        var effects = DailyPlanner.Plan(world.Snapshot(), D("2027-01-29"), D("2027-01-30"), world.NextSeed);
        Assert.Equal(3, effects.OfType<EngineEffect.ObligationOpened>().Count());
        Assert.Equal(["2027-01-30 Reminder DueSoon m3 p0 150000 due 2027-02-01 fine 0"],
            world.Describe(effects.OfType<EngineEffect.Reminder>()));   // actual: no reminder at all
    }
}
