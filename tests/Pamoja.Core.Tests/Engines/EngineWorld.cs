using System.Globalization;
using Pamoja.Core.Engines;
using Pamoja.Core.Groups;
using Pamoja.Core.Rotation;
using Pamoja.Core.Schedules;

namespace Pamoja.Core.Tests.Engines;

/// A group's state as the web app would keep it between engine runs: each run reads a snapshot,
/// and its effects are written back (obligations, cycles and turns, won turns, fines, payouts,
/// the pending lottery commitment) before the next run.
internal sealed class EngineWorld
{
    public GroupKind Kind { get; }
    public GroupCalendar Calendar { get; }
    public PayoutPolicy Policy { get; set; } = PayoutPolicy.AllCollected;
    public List<EngineMember> Members { get; }
    public List<EngineObligation> Obligations { get; } = [];
    public HashSet<(Guid MemberId, int Period)> Fined { get; } = [];
    public List<EngineCycle> Cycles { get; } = [];
    public List<EngineTurn> Turns { get; } = [];
    public HashSet<int> PeriodsWithPayout { get; } = [];
    public List<PeriodBid> Bids { get; } = [];
    public PendingDraw? Pending { get; set; }

    /// Every effect ever written back, in order.
    public List<EngineEffect> Log { get; } = [];

    /// Names for readable golden lists: m1, m2, … in the order the members were given.
    public Dictionary<Guid, string> Names { get; }

    private int _seeds;

    public EngineWorld(GroupKind kind, GroupCalendar calendar, IEnumerable<EngineMember> members)
    {
        Kind = kind;
        Calendar = calendar;
        Members = [.. members];
        Names = Members.Select((m, i) => (m.Id, $"m{i + 1}")).ToDictionary(x => x.Id, x => x.Item2);
    }

    public static DateOnly D(string iso) => DateOnly.ParseExact(iso, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// Ids that do not sort in position order (as Guids or as strings), so that ordering by id
    /// instead of by position would show.
    public static Guid MemberId(int n) => new($"{(97 - n * 13 % 90):D8}-{n:D4}-4000-8000-{(1000 - n):D12}");

    public static IReadOnlyList<EngineMember> ActiveMembers(int count, DateOnly joinedOn) =>
        [.. Enumerable.Range(1, count).Select(n =>
            new EngineMember(MemberId(n), MemberStatus.Active, joinedOn, n, new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(n), 0))];

    public static GroupRules Rosca(long amount, PotRule pot, RotationOrder order, Frequency frequency = Frequency.Monthly, int everyDays = 0,
        LateFine? fine = null) =>
        new(amount, frequency, everyDays, 0, fine ?? LateFine.None, order, pot, 0, 0);

    /// Deterministic seeds, one per call: "seed-1", "seed-2", … as 64 hex digits.
    public string NextSeed()
    {
        _seeds++;
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.ASCII.GetBytes($"seed-{_seeds}")));
    }

    /// A random group for property tests: any kind, frequency, fine, rotation order and pot,
    /// 2–8 members (some suspended), a pending lottery draw now and then, bids for bidding
    /// groups, and 1 to maxRulesVersions rules versions (grace days and frequency changing).
    public static EngineWorld RandomGroup(Random random, int maxRulesVersions, out string description)
    {
        var kind = random.Next(4) switch { 0 or 1 => GroupKind.Rosca, 2 => GroupKind.Asca, _ => GroupKind.Vsla };
        var start = D("2027-01-01").AddDays(random.Next(0, 800));
        var order = (RotationOrder)random.Next(3);
        var pot = (PotRule)random.Next(2);
        var amount = random.NextInt64(1, 1_000_000);
        var versions = new List<RulesVersion>();
        var from = start;
        for (var v = random.Next(1, maxRulesVersions + 1); v > 0; v--)
        {
            var frequency = (Frequency)random.Next(5);
            var everyDays = frequency == Frequency.Days ? random.Next(1, 20) : 0;
            var fine = random.Next(4) switch
            {
                0 => LateFine.None,
                1 or 2 => new LateFine(random.Next(1, 10_000), 0, random.Next(0, 15)),
                _ => new LateFine(0, random.Next(1, 10_001), random.Next(0, 15)),
            };
            var rules = kind == GroupKind.Rosca
                ? Rosca(amount, pot, order, frequency, everyDays, fine)
                : new GroupRules(amount, frequency, everyDays, 0, fine, null, null, kind == GroupKind.Vsla ? random.Next(1, 4) : 0, kind == GroupKind.Vsla ? 5 : 0);
            versions.Add(new RulesVersion(from, rules));
            from = from.AddDays(random.Next(30, 200));
        }
        var members = ActiveMembers(random.Next(2, 9), start.AddDays(-random.Next(-20, 30)))
            .Select(m => random.Next(6) == 0 ? m with { Status = MemberStatus.Suspended } : m).ToList();
        var world = new EngineWorld(kind, new GroupCalendar(start, versions), members) { Policy = (PayoutPolicy)random.Next(2) };
        if (kind == GroupKind.Rosca && order == RotationOrder.Lottery && random.Next(2) == 0)
        {
            var seed = world.NextSeed();
            world.Pending = new PendingDraw(1, seed, Lottery.Commitment(seed));
        }
        if (kind == GroupKind.Rosca && order == RotationOrder.Bidding)
            for (var p = 0; p < 80; p++)
                for (var b = random.Next(0, 3); b > 0; b--)
                    world.Bids.Add(new PeriodBid(p, new Bid(members[random.Next(members.Count)].Id, random.NextInt64(0, amount * members.Count),
                        new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero).AddSeconds(random.Next(0, 3)))));
        description = $"{kind} {order} {pot} {world.Policy} {members.Count} members, " +
                      string.Join(", ", versions.Select(v => $"{Iso(v.EffectiveFrom)} {v.Rules.Frequency}/{v.Rules.EveryDays} {v.Rules.LateFine}"));
        return world;
    }

    /// Members pay at random between runs: nothing new, all caught up, or some of what they owe.
    public void PayAtRandom(Random random)
    {
        foreach (var member in Members.ToList())
        {
            var owed = Obligations.Where(o => o.MemberId == member.Id).Sum(o => o.Amount);
            var paid = random.Next(4) switch
            {
                0 => member.Contributed,
                1 => owed,
                _ => Math.Max(member.Contributed, random.NextInt64(0, owed + 1)),
            };
            SetContributed(member.Id, paid);
        }
    }

    public EngineMember Member(Guid id) => Members.Single(m => m.Id == id);

    public void SetContributed(Guid id, long amount)
    {
        var index = Members.FindIndex(m => m.Id == id);
        Members[index] = Members[index] with { Contributed = amount };
    }

    /// Everyone has paid everything owed so far.
    public void EveryonePaysWhatIsOwed()
    {
        foreach (var member in Members.ToList())
            SetContributed(member.Id, Obligations.Where(o => o.MemberId == member.Id).Sum(o => o.Amount));
    }

    public GroupSnapshot Snapshot() => new(Kind, Calendar, Policy, [.. Members], [.. Obligations], [.. Fined], [.. Cycles], [.. Turns],
        [.. PeriodsWithPayout], [.. Bids], Pending);

    /// One engine run: plan, then write every effect back.
    public IReadOnlyList<EngineEffect> Run(DateOnly from, DateOnly through)
    {
        var effects = DailyPlanner.Plan(Snapshot(), from, through, NextSeed);
        Apply(effects);
        return effects;
    }

    public void Apply(IEnumerable<EngineEffect> effects)
    {
        foreach (var effect in effects)
        {
            Log.Add(effect);
            switch (effect)
            {
                case EngineEffect.CycleStarted c:
                    Cycles.Add(new EngineCycle(c.Cycle, c.FirstPeriod, c.Method));
                    Turns.AddRange(c.Members.Select((m, i) => new EngineTurn(c.Cycle, m, c.Ordered ? c.FirstPeriod + i : null, 0)));
                    if (c.Revealed is not null) Pending = null;
                    break;
                case EngineEffect.CommitmentPublished p:
                    Pending = p.Draw;
                    break;
                case EngineEffect.TurnWon w:
                    var index = Turns.FindIndex(t => t.Cycle == w.Cycle && t.MemberId == w.MemberId);
                    Turns[index] = Turns[index] with { Period = w.Period, Discount = w.Discount };
                    break;
                case EngineEffect.ObligationOpened o:
                    Obligations.Add(new EngineObligation(o.MemberId, o.Period, o.Amount, o.DueOn));
                    break;
                case EngineEffect.FineCharged f:
                    Assert.True(Fined.Add((f.MemberId, f.Period)), $"{Describe(f)}: fined twice");
                    break;
                case EngineEffect.PayoutReserved r:
                    Assert.True(PeriodsWithPayout.Add(r.Period), $"{Describe(r)}: paid out twice");
                    break;
                case EngineEffect.Reminder:
                    break;
                default:
                    throw new InvalidOperationException($"Unknown effect {effect}");
            }
        }
    }

    private string Name(Guid id) => Names.TryGetValue(id, out var name) ? name : id.ToString();

    private string NameList(IEnumerable<Guid> ids) => "[" + string.Join(",", ids.Select(Name)) + "]";

    /// One line per effect, members by name, for golden lists.
    public string Describe(EngineEffect effect) => Iso(effect.On) + " " + effect switch
    {
        EngineEffect.CycleStarted c => $"CycleStarted #{c.Cycle} from {c.FirstPeriod} {c.Method} {NameList(c.Members)}{(c.Ordered ? "" : " unordered")}{(c.Revealed is { } r ? $" revealed #{r.Cycle}" : "")}",
        EngineEffect.CommitmentPublished p => $"CommitmentPublished #{p.Draw.Cycle}",
        EngineEffect.TurnWon w => $"TurnWon #{w.Cycle} {Name(w.MemberId)} p{w.Period} discount {w.Discount}",
        EngineEffect.ObligationOpened o => $"Obligation {Name(o.MemberId)} p{o.Period} {o.Amount} due {Iso(o.DueOn)}",
        EngineEffect.Reminder r => $"Reminder {r.Kind} {Name(r.MemberId)} p{r.Period} {r.Outstanding} due {Iso(r.DueOn)} fine {r.Fine}",
        EngineEffect.FineCharged f => $"Fine {Name(f.MemberId)} p{f.Period} {f.Amount}",
        EngineEffect.PayoutReserved r => $"Payout p{r.Period} #{r.Cycle} {Name(r.Recipient)} {r.Amount} discount {r.Discount}"
            + (r.Shares.Count == 0 ? "" : " shares " + string.Join(",", r.Shares.Select(s => $"{Name(s.MemberId)}:{s.Amount}"))),
        _ => effect.ToString(),
    };

    public List<string> Describe(IEnumerable<EngineEffect> effects) => [.. effects.Select(Describe)];
}
