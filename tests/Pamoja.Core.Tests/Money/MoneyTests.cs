using Pamoja.Core.Money;

namespace Pamoja.Core.Tests.Money;

using Money = Pamoja.Core.Money.Money;

public sealed class MoneyTests
{
    private static readonly Currency Kes = Currency.Get("KES");
    private static readonly Currency Zar = Currency.Get("ZAR");
    private static readonly Currency Ugx = Currency.Get("UGX");

    [Fact]
    public void Adding_and_subtracting_the_same_currency_is_exact()
    {
        Assert.Equal(new Money(150_001, Kes), new Money(150_000, Kes) + new Money(1, Kes));
        Assert.Equal(new Money(-1, Kes), new Money(150_000, Kes) - new Money(150_001, Kes));
        Assert.Equal(new Money(-5, Ugx), -new Money(5, Ugx));
        Assert.True(Money.Zero(Kes).IsZero);
        Assert.False(Money.Zero(Kes).IsPositive);
        Assert.True(new Money(1, Kes).IsPositive);
        Assert.False(new Money(-1, Kes).IsPositive);
    }

    [Fact]
    public void Plus_and_minus_refuse_mixed_currencies()
    {
        var kes = new Money(100, Kes);
        var zar = new Money(100, Zar);
        var plus = Assert.Throws<InvalidOperationException>(() => kes + zar);
        Assert.Contains("KES", plus.Message, StringComparison.Ordinal);
        Assert.Contains("ZAR", plus.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => kes - zar);
        Assert.Throws<InvalidOperationException>(() => zar + kes);
        // Zero is no exception: a zero of another currency is still another currency.
        Assert.Throws<InvalidOperationException>(() => kes + Money.Zero(Zar));
    }

    [Fact]
    public void Overflow_throws_instead_of_wrapping()
    {
        Assert.Throws<OverflowException>(() => new Money(long.MaxValue, Kes) + new Money(1, Kes));
        Assert.Throws<OverflowException>(() => new Money(long.MinValue, Kes) - new Money(1, Kes));
        Assert.Throws<OverflowException>(() => new Money(long.MaxValue, Kes) - new Money(-1, Kes));
        Assert.Throws<OverflowException>(() => -new Money(long.MinValue, Kes));
        Assert.Equal(long.MaxValue, (new Money(long.MaxValue - 1, Kes) + new Money(1, Kes)).Minor);
    }

    [Fact]
    public void Split_of_100_into_3_is_34_33_33_and_mirrors_for_negative_amounts()
    {
        Assert.Equal([34L, 33L, 33L], new Money(100, Kes).Split(3).Select(m => m.Minor));
        Assert.Equal([-34L, -33L, -33L], new Money(-100, Kes).Split(3).Select(m => m.Minor));
        Assert.Equal([1L, 1L, 0L, 0L], new Money(2, Kes).Split(4).Select(m => m.Minor));
        Assert.Equal([0L, 0L], Money.Zero(Kes).Split(2).Select(m => m.Minor));
        Assert.Equal([7L], new Money(7, Kes).Split(1).Select(m => m.Minor));
        Assert.All(new Money(100, Ugx).Split(3), m => Assert.Equal(Ugx, m.Currency));
    }

    [Fact]
    public void Allocate_gives_leftover_units_to_the_largest_remainders_ties_to_the_earliest()
    {
        // 100 by 1:1:1 → 33.33 each; one unit left, to the first.
        Assert.Equal([34L, 33L, 33L], new Money(100, Kes).Allocate([1, 1, 1]).Select(m => m.Minor));
        // 10 by 3:7 → exact.
        Assert.Equal([3L, 7L], new Money(10, Kes).Allocate([3, 7]).Select(m => m.Minor));
        // 5 by 1:2 → 1.67 and 3.33: the larger remainder (0.67) gets the unit.
        Assert.Equal([2L, 3L], new Money(5, Kes).Allocate([1, 2]).Select(m => m.Minor));
        // 5 by 0:1:1 → 0, 2.5, 2.5: the tie goes to the earlier part, and the zero ratio stays zero.
        Assert.Equal([0L, 3L, 2L], new Money(5, Kes).Allocate([0, 1, 1]).Select(m => m.Minor));
    }

    [Fact]
    public void Allocate_refuses_no_ratios_negative_ratios_and_all_zero_ratios()
    {
        var amount = new Money(100, Kes);
        Assert.ThrowsAny<ArgumentException>(() => amount.Allocate([]));
        Assert.ThrowsAny<ArgumentException>(() => amount.Allocate([1, -1, 1]));
        Assert.ThrowsAny<ArgumentException>(() => amount.Allocate([-1]));
        Assert.ThrowsAny<ArgumentException>(() => amount.Allocate([0, 0, 0]));
        Assert.ThrowsAny<ArgumentException>(() => amount.Allocate([0]));
        Assert.ThrowsAny<ArgumentException>(() => amount.Split(0));
    }

    [Theory]
    [InlineData("KES", 150000, "KES 1,500.00")]
    [InlineData("KES", -5, "-KES 0.05")]
    [InlineData("UGX", 5000, "UGX 5,000")]
    public void ToString_formats_in_major_units(string code, long minor, string expected) =>
        Assert.Equal(expected, new Money(minor, Currency.Get(code)).ToString());
}
