using Pamoja.Core.Groups;
using Pamoja.Core.Rotation;

namespace Pamoja.Core.Tests.Rotation;

public sealed class PotTests
{
    [Fact]
    public void Six_members_paying_R1500_under_the_net_rule_pay_the_recipient_R7500() =>
        Assert.Equal(750_000, Pot.Amount(PotRule.Net, 6, 150_000));

    [Fact]
    public void Ten_members_paying_N50000_gross_pay_N500000() =>
        Assert.Equal(50_000_000, Pot.Amount(PotRule.Gross, 10, 5_000_000));

    [Fact]
    public void Under_gross_everyone_pays_under_net_the_recipient_does_not()
    {
        Assert.True(Pot.Pays(PotRule.Gross, isRecipient: true));
        Assert.True(Pot.Pays(PotRule.Gross, isRecipient: false));
        Assert.False(Pot.Pays(PotRule.Net, isRecipient: true));
        Assert.True(Pot.Pays(PotRule.Net, isRecipient: false));
    }

    [Theory]
    [InlineData(PotRule.Gross, 2, 1, 2)]
    [InlineData(PotRule.Net, 2, 1, 1)]
    [InlineData(PotRule.Gross, 500, 1_000_000_000_000, 500_000_000_000_000)]
    [InlineData(PotRule.Net, 500, 1_000_000_000_000, 499_000_000_000_000)]
    public void The_pot_is_what_the_payers_owe(PotRule rule, int members, long contribution, long expected) =>
        Assert.Equal(expected, Pot.Amount(rule, members, contribution));

    [Fact]
    public void A_pot_too_large_for_64_bits_throws_instead_of_wrapping() =>
        Assert.Throws<OverflowException>(() => Pot.Amount(PotRule.Gross, 10, long.MaxValue / 5));
}

public sealed class BiddingTests
{
    private static readonly DateTimeOffset T0 = new(2027, 1, 20, 9, 0, 0, TimeSpan.FromHours(3));

    private static Guid Id(int n) => new($"00000000-0000-0000-0000-{n:D12}");

    [Fact]
    public void No_bids_no_winner() => Assert.Null(Bidding.Winner([]));

    [Fact]
    public void The_highest_discount_wins()
    {
        var bids = new[]
        {
            new Bid(Id(1), 10_000, T0),
            new Bid(Id(2), 30_000, T0.AddHours(2)),
            new Bid(Id(3), 20_000, T0.AddMinutes(-5)),
        };
        Assert.Equal(bids[1], Bidding.Winner(bids));
        Assert.Equal(bids[1], Bidding.Winner(bids.Reverse()));
    }

    [Fact]
    public void Among_equal_discounts_the_earliest_bid_wins_whatever_the_ids_or_input_order()
    {
        var bids = new[]
        {
            new Bid(Id(1), 30_000, T0.AddMinutes(3)),
            new Bid(Id(9), 30_000, T0.AddMinutes(1)),
            new Bid(Id(5), 30_000, T0.AddMinutes(2)),
            new Bid(Id(7), 1_000, T0),
        };
        Assert.Equal(Id(9), Bidding.Winner(bids)!.MemberId);
        Assert.Equal(Id(9), Bidding.Winner(bids.Reverse())!.MemberId);
        // The same instant in another offset is the same instant.
        var sameInstant = new[] { new Bid(Id(4), 5, T0.ToOffset(TimeSpan.Zero).AddSeconds(1)), new Bid(Id(3), 5, T0.ToOffset(TimeSpan.FromHours(1))) };
        Assert.Equal(Id(3), Bidding.Winner(sameInstant)!.MemberId);
    }

    [Fact]
    public void The_discount_is_shared_equally_among_the_others_with_the_odd_cents_to_the_first_ids()
    {
        var members = Enumerable.Range(1, 6).Select(Id).ToList();
        var shares = Bidding.ShareDiscount(10_001, Id(3), members);
        Assert.Equal([(Id(1), 2_001L), (Id(2), 2_000L), (Id(4), 2_000L), (Id(5), 2_000L), (Id(6), 2_000L)], shares);
    }

    [Fact]
    public void No_discount_or_nobody_else_means_no_shares()
    {
        Assert.Empty(Bidding.ShareDiscount(0, Id(1), [Id(1), Id(2)]));
        Assert.Empty(Bidding.ShareDiscount(-5, Id(1), [Id(1), Id(2)]));
        Assert.Empty(Bidding.ShareDiscount(100, Id(1), [Id(1)]));
        Assert.Empty(Bidding.ShareDiscount(100, Id(1), []));
    }

    [Fact]
    public void Shares_sum_to_the_discount_exclude_the_winner_and_differ_by_at_most_one()
    {
        var random = new Random(20270501);
        for (var i = 0; i < 3_000; i++)
        {
            var members = Enumerable.Range(0, random.Next(2, 40)).Select(_ =>
            {
                var bytes = new byte[16];
                random.NextBytes(bytes);
                return new Guid(bytes);
            }).ToList();
            var winner = members[random.Next(members.Count)];
            var discount = random.Next(3) switch
            {
                0 => random.NextInt64(1, 100),
                1 => random.NextInt64(1, 10_000_000),
                _ => random.NextInt64(1, 1_000_000_000_000_000),
            };
            // Duplicates and any input order give the same shares.
            var input = members.Concat(members.Take(3)).OrderBy(_ => random.Next()).ToList();
            var shares = Bidding.ShareDiscount(discount, winner, input);

            Assert.Equal(discount, shares.Sum(s => s.Amount));
            Assert.DoesNotContain(shares, s => s.MemberId == winner);
            Assert.Equal(shares.Count, shares.Select(s => s.MemberId).Distinct().Count());
            Assert.All(shares, s => Assert.True(s.Amount > 0));
            var others = members.Where(m => m != winner).ToList();
            var amounts = others.Select(m => shares.FirstOrDefault(s => s.MemberId == m).Amount).ToList();
            Assert.True(amounts.Max() - amounts.Min() <= 1, $"case {i}: {string.Join(",", amounts)}");
            Assert.Equal(discount / others.Count, amounts.Min());
            Assert.Equal(shares, Bidding.ShareDiscount(discount, winner, members));
        }
    }
}
