using Pamoja.Core.Money;

namespace Pamoja.Core.Tests.Money;

using Money = Pamoja.Core.Money.Money;

/// Property-based checks of Money.Allocate over thousands of random cases from a fixed seed (no
/// FsCheck here: a seeded loop, and every failure names its seed and case so it can be replayed).
public sealed class MoneyAllocationPropertyTests
{
    private const int Seed = 20250310;
    private const int Cases = 2_000;

    private sealed record Case(long Amount, long[] Ratios);

    private static Case Generate(Random random)
    {
        var count = random.Next(1, 13);
        var ratios = new long[count];
        var shape = random.Next(4);
        for (var i = 0; i < count; i++)
            ratios[i] = shape switch
            {
                0 => random.Next(0, 4),                         // small, many zeros and ties
                1 => random.Next(1, 1_000),                     // shares
                2 => random.NextInt64(0, 1_000_000_000),        // large weights
                _ => random.Next(2) == 0 ? 0 : random.Next(1, 100),
            };
        if (ratios.All(r => r == 0)) ratios[random.Next(count)] = random.Next(1, 10);
        long amount = random.Next(5) switch
        {
            0 => random.Next(-20, 21),
            1 => random.NextInt64(-1_000_000, 1_000_001),
            2 => random.NextInt64(-1_000_000_000_000, 1_000_000_000_001),   // up to the largest contribution
            3 => random.NextInt64(-4_000_000_000_000_000, 4_000_000_000_000_001),
            _ => random.Next(0, 2) == 0 ? long.MaxValue - random.Next(0, 1000) : -(long.MaxValue - random.Next(0, 1000)),
        };
        return new Case(amount, ratios);
    }

    private static string Describe(int index, Case c) =>
        $"seed {Seed}, case {index}: amount {c.Amount}, ratios [{string.Join(", ", c.Ratios)}]";

    [Fact]
    public void Random_allocations_keep_every_property()
    {
        var random = new Random(Seed);
        var kes = Currency.Get("KES");
        for (var index = 0; index < Cases; index++)
        {
            var c = Generate(random);
            var what = Describe(index, c);
            Money[] parts;
            try
            {
                parts = new Money(c.Amount, kes).Allocate(c.Ratios);
            }
            catch (Exception ex)
            {
                Assert.Fail($"{what}: threw {ex.GetType().Name}: {ex.Message}");
                return;
            }

            Assert.True(parts.Length == c.Ratios.Length, $"{what}: {parts.Length} parts");
            Assert.True(parts.All(p => p.Currency == kes), $"{what}: a part changed currency");

            // Not a cent lost or invented.
            var sum = parts.Aggregate(Int128.Zero, (s, p) => s + p.Minor);
            Assert.True(sum == c.Amount, $"{what}: parts sum to {sum}");

            // Each part within one minor unit of its exact share amount × r / total, exactly:
            // |part × total − amount × r| < total, in 128-bit integers.
            var total = c.Ratios.Aggregate(Int128.Zero, (s, r) => s + r);
            for (var i = 0; i < parts.Length; i++)
            {
                var error = (Int128)parts[i].Minor * total - (Int128)c.Amount * c.Ratios[i];
                Assert.True(Int128.Abs(error) < total, $"{what}: part {i} = {parts[i].Minor} is a unit or more away from its share");
                if (c.Ratios[i] == 0) Assert.True(parts[i].Minor == 0, $"{what}: zero ratio {i} got {parts[i].Minor}");
                // Parts never take the other sign (a payout split never charges anyone).
                Assert.True(parts[i].Minor == 0 || Math.Sign(parts[i].Minor) == Math.Sign(c.Amount), $"{what}: part {i} has the wrong sign");
            }

            // Deterministic, and a negative amount splits as the mirror of the positive one.
            Assert.True(parts.SequenceEqual(new Money(c.Amount, kes).Allocate(c.Ratios)), $"{what}: not deterministic");
            var mirror = new Money(-c.Amount, kes).Allocate(c.Ratios);
            Assert.True(parts.Select(p => -p.Minor).SequenceEqual(mirror.Select(p => p.Minor)), $"{what}: -amount is not the mirror");
        }
    }

    [Fact]
    public void Random_splits_are_as_equal_as_possible_with_the_extra_units_first()
    {
        var random = new Random(Seed + 1);
        var zar = Currency.Get("ZAR");
        for (var index = 0; index < Cases; index++)
        {
            var n = random.Next(1, 60);
            var amount = random.NextInt64(-10_000_000_000, 10_000_000_001);
            var what = $"seed {Seed + 1}, case {index}: {amount} into {n}";
            var parts = new Money(amount, zar).Split(n).Select(p => p.Minor).ToArray();
            Assert.True(parts.Sum() == amount, what);
            var magnitudes = parts.Select(Math.Abs).ToArray();
            Assert.True(magnitudes.Max() - magnitudes.Min() <= 1, $"{what}: [{string.Join(",", parts)}]");
            // The first parts get the extra units: magnitudes never increase along the split.
            for (var i = 1; i < magnitudes.Length; i++)
                Assert.True(magnitudes[i] <= magnitudes[i - 1], $"{what}: [{string.Join(",", parts)}]");
        }
    }
}
