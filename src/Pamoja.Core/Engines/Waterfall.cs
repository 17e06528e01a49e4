namespace Pamoja.Core.Engines;

/// What has been paid towards each obligation: a member's contributions pay their obligations
/// oldest period first, so a late payment settles arrears before the current period, and a
/// payment ahead of time counts for the next period as soon as it opens.
public static class Waterfall
{
    public static IReadOnlyDictionary<(Guid MemberId, int Period), long> Paid(IEnumerable<EngineObligation> obligations,
        IReadOnlyDictionary<Guid, long> contributed)
    {
        var paid = new Dictionary<(Guid, int), long>();
        foreach (var member in obligations.GroupBy(o => o.MemberId))
        {
            var left = Math.Max(0, contributed.GetValueOrDefault(member.Key));
            foreach (var obligation in member.OrderBy(o => o.Period))
            {
                var amount = Math.Min(left, obligation.Amount);
                paid[(obligation.MemberId, obligation.Period)] = amount;
                left -= amount;
            }
        }
        return paid;
    }
}
