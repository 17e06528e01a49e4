using Pamoja.Core.Groups;

namespace Pamoja.Core.Rotation;

/// Who pays in a rotating group's period, and what the recipient receives.
public static class Pot
{
    /// Gross: everyone pays every period, the recipient too. Net: the recipient skips their own.
    public static bool Pays(PotRule rule, bool isRecipient) => rule == PotRule.Gross || !isRecipient;

    /// The pot of a period is what its payers owe: 10 × ₦50,000 gross = ₦500,000;
    /// 6 members × R1,500 net = 5 payers = R7,500.
    public static long Amount(PotRule rule, int cycleMembers, long contribution) =>
        checked((rule == PotRule.Gross ? cycleMembers : cycleMembers - 1) * contribution);
}

public sealed record Bid(Guid MemberId, long Discount, DateTimeOffset PlacedAt);

/// Bidding: members who have not yet received bid a discount for the period's pot; the highest
/// discount wins (the earliest bid among equals). The winner receives the pot less the discount;
/// the discount is shared equally among the cycle's other members (largest remainder: no cent
/// lost or invented, the first members in id order get the odd cents).
public static class Bidding
{
    public static Bid? Winner(IEnumerable<Bid> bids) =>
        bids.OrderByDescending(b => b.Discount).ThenBy(b => b.PlacedAt).ThenBy(b => b.MemberId).FirstOrDefault();

    public static IReadOnlyList<(Guid MemberId, long Amount)> ShareDiscount(long discount, Guid winner, IEnumerable<Guid> cycleMembers)
    {
        var others = cycleMembers.Where(m => m != winner).Distinct().OrderBy(m => m.ToString("D"), StringComparer.Ordinal).ToList();
        if (discount <= 0 || others.Count == 0) return [];
        var each = discount / others.Count;
        var remainder = discount % others.Count;
        return others.Select((m, i) => (m, each + (i < remainder ? 1L : 0L))).Where(s => s.Item2 > 0).ToList();
    }
}
