using Pamoja.Core.Groups;
using Pamoja.Core.Schedules;

namespace Pamoja.Core.Tests.Schedules;

/// LateFine.For: a flat amount, or basis points of what is still outstanding rounded down.
public sealed class LateFineTests
{
    [Theory]
    [InlineData(5_000, 1)]
    [InlineData(5_000, 150_000)]
    [InlineData(5_000, 1_000_000_000_000)]
    [InlineData(1, 1)]
    public void A_flat_fine_is_the_amount_whatever_is_outstanding(long flat, long outstanding) =>
        Assert.Equal(flat, new LateFine(flat, 0, 3).For(outstanding));

    [Theory]
    [InlineData(250, 333, 8)]           // 2.5 % of 333 = 8.325 → 8
    [InlineData(250, 399, 9)]           // 9.975 → 9, never up
    [InlineData(250, 400, 10)]
    [InlineData(250, 39, 0)]            // 0.975 → 0
    [InlineData(1, 9_999, 0)]
    [InlineData(1, 10_000, 1)]
    [InlineData(1_000, 150_000, 15_000)]
    [InlineData(10_000, 150_000, 150_000)]
    [InlineData(333, 100, 3)]
    [InlineData(9_999, 1, 0)]
    public void A_percentage_is_of_the_outstanding_amount_rounded_down(int basisPoints, long outstanding, long expected) =>
        Assert.Equal(expected, new LateFine(0, basisPoints, 0).For(outstanding));

    [Theory]
    [InlineData(5_000, 0)]
    [InlineData(0, 250)]
    [InlineData(0, 10_000)]
    public void Nothing_outstanding_means_no_fine(long flat, int basisPoints)
    {
        var fine = new LateFine(flat, basisPoints, 7);
        Assert.Equal(0, fine.For(0));
        Assert.Equal(0, fine.For(-1));
        Assert.Equal(0, fine.For(long.MinValue));
    }

    [Fact]
    public void No_rule_charges_nothing()
    {
        Assert.False(LateFine.None.Charges);
        Assert.Equal(0, LateFine.None.For(150_000));
        Assert.True(new LateFine(1, 0, 0).Charges);
        Assert.True(new LateFine(0, 1, 0).Charges);
    }

    [Fact]
    public void Huge_amounts_do_not_overflow()
    {
        Assert.Equal(1_000_000_000_000, new LateFine(0, 10_000, 0).For(1_000_000_000_000));
        Assert.Equal(25_000_000_000, new LateFine(0, 250, 0).For(1_000_000_000_000));
        // Far beyond any contribution: the product would overflow a 64-bit integer, the result does not.
        Assert.Equal(long.MaxValue, new LateFine(0, 10_000, 0).For(long.MaxValue));
        Assert.Equal(long.MaxValue / 2, new LateFine(0, 5_000, 0).For(long.MaxValue));
        Assert.Equal(922_337_203_685_477, new LateFine(0, 1, 0).For(long.MaxValue));
    }

    [Fact]
    public void A_percentage_never_exceeds_the_exact_fraction_and_is_within_one_minor_unit_of_it()
    {
        var random = new Random(20270301);
        for (var i = 0; i < 10_000; i++)
        {
            var basisPoints = random.Next(1, 10_001);
            var outstanding = random.Next(3) switch
            {
                0 => random.NextInt64(1, 1_000),
                1 => random.NextInt64(1, 10_000_000),
                _ => random.NextInt64(1, GroupSettingsRules.MaxAmount + 1),
            };
            var fine = new LateFine(0, basisPoints, 0).For(outstanding);
            var exact = (decimal)outstanding * basisPoints / 10_000m;
            Assert.True(fine <= exact && exact - fine < 1, $"case {i}: {basisPoints} bps of {outstanding} = {fine}, exact {exact}");
            Assert.InRange(fine, 0, outstanding);
        }
    }

    [Fact]
    public void Grace_days_move_the_last_on_time_day()
    {
        var rules = new GroupRules(150_000, Frequency.Monthly, 0, 0, new LateFine(0, 250, 5), RotationOrder.Fixed, PotRule.Net, 0, 0);
        var period = GroupCalendar.Simple(new DateOnly(2027, 2, 1), rules).Get(0);
        Assert.Equal(new DateOnly(2027, 2, 6), period.GraceEndsOn);
        var noGrace = GroupCalendar.Simple(new DateOnly(2027, 2, 1), rules with { LateFine = new LateFine(500, 0, 0) }).Get(0);
        Assert.Equal(noGrace.DueOn, noGrace.GraceEndsOn);
    }
}
