using System.Security.Cryptography;
using System.Text;
using Pamoja.Core.Rotation;

namespace Pamoja.Core.Tests.Rotation;

/// The commit-reveal lottery: anyone holding the revealed seed and the member list can check the
/// commitment and recompute the order.
public sealed class LotteryTests
{
    private const int Seed = 20270401;

    /// 32 bytes 0x00, 0x01, …, 0x1f.
    private const string CountingSeed = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

    private static readonly Guid A = Guid.Parse("c9a1f2e0-5b7d-4e8a-9f10-2b3c4d5e6f70");
    private static readonly Guid B = Guid.Parse("0d4e8f12-3a5b-4c6d-8e7f-901a2b3c4d5e");
    private static readonly Guid C = Guid.Parse("7f3e2d1c-0b9a-4887-a665-544332211000");

    private static string RandomSeed(Random random)
    {
        var bytes = new byte[32];
        random.NextBytes(bytes);
        return Convert.ToHexStringLower(bytes);
    }

    private static List<Guid> Members(Random random, int count) =>
        Enumerable.Range(0, count).Select(_ =>
        {
            var bytes = new byte[16];
            random.NextBytes(bytes);
            return new Guid(bytes);
        }).ToList();

    [Fact]
    public void The_commitment_is_the_lower_case_hex_SHA256_of_the_seed_bytes()
    {
        Assert.Equal("630dcd2966c4336691125448bbb25b4ff412a49c732db2c8abc1b8581bd710dd", Lottery.Commitment(CountingSeed));
        var random = new Random(Seed);
        for (var i = 0; i < 200; i++)
        {
            var seed = RandomSeed(random);
            var expected = Convert.ToHexString(SHA256.HashData(Convert.FromHexString(seed))).ToLowerInvariant();
            Assert.Equal(expected, Lottery.Commitment(seed));
        }
    }

    [Fact]
    public void A_new_seed_is_32_random_bytes_in_lower_case_hex()
    {
        var seeds = Enumerable.Range(0, 50).Select(_ => Lottery.NewSeed()).ToList();
        Assert.All(seeds, s => Assert.True(Lottery.IsSeed(s), s));
        Assert.All(seeds, s => Assert.Equal(64, s.Length));
        Assert.Equal(seeds.Count, seeds.Distinct().Count());
    }

    [Fact]
    public void Matches_accepts_the_revealed_seed_and_rejects_any_other()
    {
        var random = new Random(Seed);
        for (var i = 0; i < 200; i++)
        {
            var seed = RandomSeed(random);
            var commitment = Lottery.Commitment(seed);
            Assert.True(Lottery.Matches(seed, commitment));
            Assert.True(Lottery.Matches(seed, commitment.ToUpperInvariant()));
            Assert.False(Lottery.Matches(RandomSeed(random), commitment));
            // One flipped bit of the seed.
            var bytes = Convert.FromHexString(seed);
            bytes[random.Next(32)] ^= (byte)(1 << random.Next(8));
            Assert.False(Lottery.Matches(Convert.ToHexStringLower(bytes), commitment));
        }
        Assert.False(Lottery.Matches("not a seed", Lottery.Commitment(CountingSeed)));
        Assert.False(Lottery.Matches(CountingSeed, ""));
        Assert.False(Lottery.Matches(CountingSeed, Lottery.Commitment(CountingSeed)[..62]));
    }

    [Theory]
    [InlineData("")]
    [InlineData("00")]
    [InlineData("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e")]      // 31 bytes
    [InlineData("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20")]  // 33 bytes
    [InlineData("000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F")]    // upper case
    [InlineData("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1g")]    // not hex
    [InlineData(" 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f")]
    [InlineData("0x0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f")]
    public void A_bad_seed_throws_FormatException(string seed)
    {
        Assert.False(Lottery.IsSeed(seed));
        Assert.Throws<FormatException>(() => Lottery.Commitment(seed));
        Assert.Throws<FormatException>(() => Lottery.Draw(seed, [A, B, C]));
        Assert.False(Lottery.Matches(seed, Lottery.Commitment(CountingSeed)));
    }

    [Fact]
    public void A_null_seed_is_not_a_seed() => Assert.False(Lottery.IsSeed(null));

    [Fact]
    public void Draw_is_a_permutation_of_the_distinct_members()
    {
        var random = new Random(Seed);
        for (var i = 0; i < 500; i++)
        {
            var members = Members(random, random.Next(0, 25));
            var order = Lottery.Draw(RandomSeed(random), members);
            Assert.Equal(members.Count, order.Count);
            Assert.Equal(members.OrderBy(m => m), order.OrderBy(m => m));
        }
        Assert.Equal([A], Lottery.Draw(CountingSeed, [A]));
        Assert.Empty(Lottery.Draw(CountingSeed, []));
        var withDuplicates = Lottery.Draw(CountingSeed, [A, B, A, C, B]);
        Assert.Equal(3, withDuplicates.Count);
        Assert.Equal(Lottery.Draw(CountingSeed, [A, B, C]), withDuplicates);
    }

    [Fact]
    public void Draw_is_deterministic_and_independent_of_the_order_the_members_come_in()
    {
        var random = new Random(Seed);
        for (var i = 0; i < 300; i++)
        {
            var seed = RandomSeed(random);
            var members = Members(random, random.Next(2, 15));
            var order = Lottery.Draw(seed, members);
            Assert.Equal(order, Lottery.Draw(seed, members));
            Assert.Equal(order, Lottery.Draw(seed, members.AsEnumerable().Reverse()));
            Assert.Equal(order, Lottery.Draw(seed, members.OrderBy(_ => random.Next())));
            Assert.Equal(order, Lottery.Draw(seed, members.OrderBy(m => m)));          // Guid order
            Assert.Equal(order, Lottery.Draw(seed, members.OrderBy(m => m.ToString("N"))));
        }
    }

    [Fact]
    public void Different_seeds_give_different_orders()
    {
        var random = new Random(Seed);
        var members = Members(random, 10);
        var orders = Enumerable.Range(0, 200).Select(_ => string.Join(",", Lottery.Draw(RandomSeed(random), members))).ToList();
        // 10! ≈ 3.6 million orders: any two of 200 draws coincide with probability ≈ 0.5 %; allow a couple.
        Assert.True(orders.Distinct().Count() >= 198, $"{orders.Distinct().Count()} distinct orders of 200");
        Assert.NotEqual(Lottery.Draw(CountingSeed, members), Lottery.Draw(new string('0', 64), members));
    }

    [Fact]
    public void Each_member_is_first_about_as_often_as_any_other()
    {
        var random = new Random(Seed);
        var members = Members(random, 5);
        var first = members.ToDictionary(m => m, _ => 0);
        var last = members.ToDictionary(m => m, _ => 0);
        for (var i = 0; i < 5_000; i++)
        {
            var order = Lottery.Draw(RandomSeed(random), members);
            first[order[0]]++;
            last[order[^1]]++;
        }
        // Expected 1,000 each, standard deviation ≈ 28: 800..1,200 is a loose bound.
        Assert.All(first.Values, count => Assert.InRange(count, 800, 1_200));
        Assert.All(last.Values, count => Assert.InRange(count, 800, 1_200));
    }

    [Fact]
    public void Every_position_is_reached_by_every_member_for_three_members()
    {
        // All 3! = 6 orders occur, each about 1/6 of the time.
        var random = new Random(Seed);
        var counts = new Dictionary<string, int>();
        for (var i = 0; i < 6_000; i++)
        {
            var key = string.Join(",", Lottery.Draw(RandomSeed(random), [A, B, C]));
            counts[key] = counts.GetValueOrDefault(key) + 1;
        }
        Assert.Equal(6, counts.Count);
        Assert.All(counts.Values, count => Assert.InRange(count, 800, 1_200));
    }

    /// The documented algorithm, written again from its description: members sorted by their
    /// lower-case hyphenated id; Fisher–Yates from the last index down; each draw is the first 8
    /// bytes (big-endian) of SHA-256(seed ‖ "pamoja-lottery-v1" ‖ counter as u32 big-endian), the
    /// counter counting draws from 0; values in the biased tail are drawn again; j = value mod (i+1).
    private static List<Guid> ReferenceDraw(string seedHex, IEnumerable<Guid> members)
    {
        var seed = Convert.FromHexString(seedHex);
        var label = Encoding.ASCII.GetBytes("pamoja-lottery-v1");
        var order = members.Distinct().Select(m => m.ToString("D")).Order(StringComparer.Ordinal).Select(Guid.Parse).ToList();
        uint counter = 0;
        for (var i = order.Count - 1; i >= 1; i--)
        {
            var n = (ulong)i + 1;
            var tail = (ulong.MaxValue % n + 1) % n;         // 2^64 mod n: the values past the last whole multiple
            var limit = tail == 0 ? ulong.MaxValue : ulong.MaxValue - tail + 1;
            ulong value;
            do
            {
                byte[] input = [.. seed, .. label, (byte)(counter >> 24), (byte)(counter >> 16), (byte)(counter >> 8), (byte)counter];
                counter++;
                var hash = SHA256.HashData(input);
                value = 0;
                for (var b = 0; b < 8; b++) value = (value << 8) | hash[b];
            }
            while (tail != 0 && value >= limit);
            var j = (int)(value % n);
            (order[i], order[j]) = (order[j], order[i]);
        }
        return order;
    }

    [Fact]
    public void Golden_vector_counting_seed_and_three_members()
    {
        // Computed independently (Python hashlib) from the published description:
        // sorted 0d4e…, 7f3e…, c9a1…; draw 0 = 0x127a90a981fac51a mod 3 = 2 (swap 2↔2);
        // draw 1 = 0x87a518c7804c900c mod 2 = 0 (swap 1↔0).
        IReadOnlyList<Guid> expected = [C, B, A];
        Assert.Equal(expected, ReferenceDraw(CountingSeed, [A, B, C]));
        Assert.Equal(expected, Lottery.Draw(CountingSeed, [A, B, C]));
        Assert.Equal(expected, Lottery.Draw(CountingSeed, [B, C, A]));
    }

    [Fact]
    public void The_implementation_agrees_with_the_reference_for_random_seeds_and_groups()
    {
        var random = new Random(Seed);
        for (var i = 0; i < 300; i++)
        {
            var seed = RandomSeed(random);
            var members = Members(random, random.Next(0, 30));
            Assert.Equal(ReferenceDraw(seed, members), Lottery.Draw(seed, members));
        }
    }
}
