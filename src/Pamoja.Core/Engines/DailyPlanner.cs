using Pamoja.Core.Groups;
using Pamoja.Core.Rotation;
using Pamoja.Core.Schedules;

namespace Pamoja.Core.Engines;

/// When a rotating group's recipient is paid: once everything of the period is collected
/// (the default), or on the due date with whatever was collected by then.
public enum PayoutPolicy { AllCollected, DueDate }

/// What happens to the turn of a member who leaves a rotating group before receiving:
/// Shorten — the later turns move up and the cycle is one period shorter;
/// Skip — the period stays in the calendar with nobody paying or receiving.
public enum ExitTurn { Shorten, Skip }

public enum ReminderKind { DueSoon, DueToday, Overdue }

public sealed record EngineMember(Guid Id, MemberStatus Status, DateOnly? JoinedOn, int? Position, DateTimeOffset CreatedAt,
    long Contributed);

public sealed record EngineObligation(Guid MemberId, int Period, long Amount, DateOnly DueOn);

/// A started rotation cycle. Its turns say who receives in which period; a bidding cycle's
/// turns get their period when won, a lottery cycle waiting for its draw has none yet.
public sealed record EngineCycle(int Number, int FirstPeriod, RotationOrder Method);

public sealed record EngineTurn(int Cycle, Guid? MemberId, int? Period, long Discount);

public sealed record PeriodBid(int Period, Bid Bid);

/// The published commitment for the next lottery draw (its seed is still secret).
public sealed record PendingDraw(int Cycle, string Seed, string Commitment);

/// Everything the engines need to know about one group, read in one go under its locks.
public sealed record GroupSnapshot(
    GroupKind Kind,
    GroupCalendar Calendar,
    PayoutPolicy Policy,
    IReadOnlyList<EngineMember> Members,
    IReadOnlyList<EngineObligation> Obligations,
    IReadOnlyCollection<(Guid MemberId, int Period)> Fined,
    IReadOnlyList<EngineCycle> Cycles,
    IReadOnlyList<EngineTurn> Turns,
    IReadOnlyCollection<int> PeriodsWithPayout,
    IReadOnlyList<PeriodBid> Bids,
    PendingDraw? Pending);

public abstract record EngineEffect(DateOnly On)
{
    public sealed record CycleStarted(DateOnly On, int Cycle, int FirstPeriod, RotationOrder Method, IReadOnlyList<Guid> Members,
        bool Ordered, PendingDraw? Revealed) : EngineEffect(On);
    public sealed record CommitmentPublished(DateOnly On, PendingDraw Draw) : EngineEffect(On);
    public sealed record TurnWon(DateOnly On, int Cycle, Guid MemberId, int Period, long Discount) : EngineEffect(On);
    public sealed record ObligationOpened(DateOnly On, Guid MemberId, int Period, long Amount, DateOnly DueOn) : EngineEffect(On);
    public sealed record Reminder(DateOnly On, Guid MemberId, int Period, ReminderKind Kind, long Outstanding, DateOnly DueOn, long Fine)
        : EngineEffect(On);
    public sealed record FineCharged(DateOnly On, Guid MemberId, int Period, long Amount) : EngineEffect(On);
    public sealed record PayoutReserved(DateOnly On, int Period, int Cycle, Guid Recipient, long Amount, long Discount,
        IReadOnlyList<(Guid MemberId, long Amount)> Shares) : EngineEffect(On);
}

/// The contributions and payouts engines as one pure function: given a group's state and the
/// days to run, the effects, day by day in order. The web app reads the snapshot, calls this,
/// and writes the effects together with the "done through" mark in one transaction, so a
/// crash leaves either all of a run or none of it and a second run finds nothing left to do.
///
/// Each day: periods whose obligations open that day (the lead days before the due date) get
/// one obligation per paying member — starting a rotation cycle first if none covers the
/// period; unpaid obligations past their grace days are fined once; a rotating group's period
/// on or after its due date whose payout policy is met gets its payout reserved. Reminders go
/// out only for the run's last day: a catch-up after an outage does not send stale reminders.
public static class DailyPlanner
{
    public static IReadOnlyList<EngineEffect> Plan(GroupSnapshot snapshot, DateOnly from, DateOnly through, Func<string> newSeed)
    {
        var state = new State(snapshot);
        var effects = new List<EngineEffect>();
        // A period whose opening day has passed but whose due date has not (a group created in
        // its lead days; a run after an outage) opens on the run's first day.
        var late = snapshot.Calendar.PeriodOn(from.AddDays(Period.LeadDays));
        for (var n = Math.Max(0, (late?.Number ?? 0) - 1); late is not null && n <= late.Number; n++)
        {
            var period = snapshot.Calendar.Get(n);
            // Only a period not opened before: a daily run and a catch-up must agree on who owes.
            if (period.OpensOn < from && period.DueOn >= from && !state.Obligations.Any(o => o.Period == n))
                OpenPeriod(state, period, from, newSeed, effects);
        }
        for (var day = from; day <= through; day = day.AddDays(1))
        {
            foreach (var period in snapshot.Calendar.OpeningBetween(day, day))
                OpenPeriod(state, period, day, newSeed, effects);
            ChargeFines(state, day, effects);
            if (snapshot.Kind == GroupKind.Rosca) ReservePayouts(state, day, effects);
            if (day == through) Remind(state, day, effects);
        }
        return effects;
    }

    /// The first period whose obligations a run starting on `from` can act on; the engine reads
    /// only those (a group's obligations grow by a period's worth every period, for years).
    /// Earlier periods are settled history for it: each one's fine day is before `from` (no
    /// period's fine day is later than its due date + the longest grace + 1), and a rotating
    /// group's earlier periods all have their payout. What members paid towards the earlier
    /// obligations goes to them first (oldest first), so a snapshot that leaves them out must
    /// count each member's Contributed less their amounts: that plans exactly the same effects
    /// (DailyPlannerWindowTests checks it over random groups and runs).
    public static int FirstPeriodNeeded(GroupSnapshot snapshot, DateOnly from)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return FirstPeriodNeeded(snapshot.Kind, snapshot.Calendar, snapshot.Turns, snapshot.PeriodsWithPayout, from);
    }

    /// The same from the parts of a snapshot it looks at.
    public static int FirstPeriodNeeded(GroupKind kind, GroupCalendar calendar, IEnumerable<EngineTurn> turns,
        IReadOnlyCollection<int> periodsWithPayout, DateOnly from)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        ArgumentNullException.ThrowIfNull(turns);
        ArgumentNullException.ThrowIfNull(periodsWithPayout);
        var lastSettledDay = from.DayNumber - calendar.MaxGraceDays - 1;
        if (lastSettledDay < calendar.StartsOn.DayNumber) return 0;
        var first = calendar.PeriodOn(DateOnly.FromDayNumber(lastSettledDay))?.Number ?? 0;
        if (kind == GroupKind.Rosca)
            foreach (var turn in turns)
                if (turn is { MemberId: not null, Period: { } period } && period < first && !periodsWithPayout.Contains(period))
                    first = period;
        return first;
    }

    private static void OpenPeriod(State state, Period period, DateOnly day, Func<string> newSeed, List<EngineEffect> effects)
    {
        var amount = period.Rules.ContributionAmount ?? 0;
        if (state.Snapshot.Kind == GroupKind.Vsla) amount = checked(amount * Math.Max(1, period.Rules.SharesMin));
        if (amount <= 0) return; // cooperatives: nothing to collect

        IEnumerable<Guid> payers;
        if (state.Snapshot.Kind == GroupKind.Rosca)
        {
            var cycle = state.CycleFor(period.Number) ?? StartCycle(state, period, day, newSeed, effects);
            if (cycle is null) return; // nobody active to rotate among
            var recipient = state.RecipientOf(period.Number) ?? PickBidWinner(state, cycle, period, day, effects);
            var turns = state.Turns.Where(t => t.Cycle == cycle.Number).ToList();
            // A vacated turn (ExitTurn.Skip): nobody pays or receives in that period.
            if (turns.Any(t => t.Period == period.Number && t.MemberId is null)) return;
            var pot = period.Rules.Pot ?? PotRule.Gross;
            payers = turns.Where(t => t.MemberId is not null).Select(t => t.MemberId!.Value)
                .Where(m => Pot.Pays(pot, m == recipient));
        }
        else
        {
            // Members who joined after the period started begin with the next one.
            payers = state.Snapshot.Members
                .Where(m => m.Status == MemberStatus.Active && (m.JoinedOn is null || m.JoinedOn <= period.StartsOn))
                .Select(m => m.Id);
        }
        foreach (var member in payers.Distinct().OrderBy(m => m))
        {
            if (state.HasObligation(member, period.Number)) continue;
            var obligation = new EngineObligation(member, period.Number, amount, period.DueOn);
            state.Add(obligation);
            effects.Add(new EngineEffect.ObligationOpened(day, member, period.Number, amount, period.DueOn));
        }
    }

    private static EngineCycle? StartCycle(State state, Period period, DateOnly day, Func<string> newSeed, List<EngineEffect> effects)
    {
        var method = period.Rules.RotationOrder ?? RotationOrder.Fixed;
        var number = state.Cycles.Count == 0 ? 1 : state.Cycles.Max(c => c.Number) + 1;
        // A new cycle takes the members active when it starts; anyone who joins later waits for the next.
        var members = state.Snapshot.Members.Where(m => m.Status == MemberStatus.Active && (m.JoinedOn is null || m.JoinedOn <= day))
            .OrderBy(m => m.Position ?? int.MaxValue).ThenBy(m => m.CreatedAt).ThenBy(m => m.Id).Select(m => m.Id).ToList();
        if (members.Count == 0) return null;
        var cycle = new EngineCycle(number, period.Number, method);
        state.Cycles.Add(cycle);
        IReadOnlyList<Guid> order = members;
        var ordered = true;
        PendingDraw? revealed = null;
        switch (method)
        {
            case RotationOrder.Lottery when state.Pending is { } pending:
                // Nobody drew before the cycle began: the engine draws with the seed committed earlier.
                order = Lottery.Draw(pending.Seed, members);
                revealed = pending;
                break;
            case RotationOrder.Lottery:
            case RotationOrder.Bidding:
                ordered = false; // turns are assigned by a later draw, or won by bids period by period
                break;
        }
        effects.Add(new EngineEffect.CycleStarted(day, number, period.Number, method, order, ordered, revealed));
        for (var i = 0; i < order.Count; i++)
            state.Turns.Add(new EngineTurn(number, order[i], ordered ? period.Number + i : null, 0));
        if (method == RotationOrder.Lottery && (revealed is not null || state.Pending is null))
        {
            // Publish the commitment for the next draw now, long before anyone can know who will be in it.
            var seed = newSeed();
            state.Pending = new PendingDraw(number + (revealed is null ? 0 : 1), seed, Lottery.Commitment(seed));
            effects.Add(new EngineEffect.CommitmentPublished(day, state.Pending));
        }
        return cycle;
    }

    private static Guid? PickBidWinner(State state, EngineCycle cycle, Period period, DateOnly day, List<EngineEffect> effects)
    {
        if (cycle.Method != RotationOrder.Bidding) return null;
        var waiting = state.Turns.Where(t => t.Cycle == cycle.Number && t.MemberId is not null && t.Period is null)
            .Select(t => t.MemberId!.Value).ToHashSet();
        if (waiting.Count == 0) return null;
        var bid = Bidding.Winner(state.Snapshot.Bids.Where(b => b.Period == period.Number && waiting.Contains(b.Bid.MemberId)).Select(b => b.Bid));
        // No bids: the turn goes to the first waiting member in the group's order, without discount.
        var winner = bid?.MemberId ?? state.Snapshot.Members.Where(m => waiting.Contains(m.Id))
            .OrderBy(m => m.Position ?? int.MaxValue).ThenBy(m => m.CreatedAt).ThenBy(m => m.Id).First().Id;
        var discount = waiting.Count == 1 ? 0 : bid?.Discount ?? 0; // the last member has no one to outbid
        // A bid was checked against the pot when it was placed; if members have left since, the
        // recipient still receives something: the discount stays below this period's pot.
        var payers = state.Turns.Count(t => t.Cycle == cycle.Number && t.MemberId is not null);
        var periodPot = Pot.Amount(period.Rules.Pot ?? PotRule.Gross, payers, period.Rules.ContributionAmount ?? 0);
        discount = Math.Max(0, Math.Min(discount, periodPot - 1));
        var index = state.Turns.FindIndex(t => t.Cycle == cycle.Number && t.MemberId == winner);
        state.Turns[index] = state.Turns[index] with { Period = period.Number, Discount = discount };
        effects.Add(new EngineEffect.TurnWon(day, cycle.Number, winner, period.Number, discount));
        return winner;
    }

    private static void ChargeFines(State state, DateOnly day, List<EngineEffect> effects)
    {
        foreach (var obligation in state.Obligations)
        {
            var period = state.PeriodOf(obligation.Period);
            if (period.GraceEndsOn.AddDays(1) != day || !period.Rules.LateFine.Charges) continue;
            if (state.Fined.Contains((obligation.MemberId, obligation.Period))) continue;
            var outstanding = obligation.Amount - state.Paid(obligation);
            var fine = period.Rules.LateFine.For(outstanding);
            if (fine <= 0) continue;
            state.Fined.Add((obligation.MemberId, obligation.Period));
            effects.Add(new EngineEffect.FineCharged(day, obligation.MemberId, obligation.Period, fine));
        }
    }

    private static void ReservePayouts(State state, DateOnly day, List<EngineEffect> effects)
    {
        foreach (var turn in state.Turns.Where(t => t.MemberId is not null && t.Period is not null).OrderBy(t => t.Period).ToList())
        {
            var number = turn.Period!.Value;
            if (state.PeriodsWithPayout.Contains(number)) continue;
            var period = state.PeriodOf(number);
            if (day < period.DueOn) continue;
            var owed = state.Obligations.Where(o => o.Period == number).ToList();
            if (owed.Count == 0) continue;
            var due = owed.Sum(o => o.Amount);
            var collected = owed.Sum(state.Paid);
            var pot = state.Snapshot.Policy switch
            {
                PayoutPolicy.AllCollected => collected == due ? due : 0,
                _ => collected,
            };
            // Wait for more money while the pot would not cover the winning bid's discount.
            if (pot <= 0 || pot <= turn.Discount) continue;
            var discount = turn.Discount;
            var cycleMembers = state.Turns.Where(t => t.Cycle == turn.Cycle && t.MemberId is not null).Select(t => t.MemberId!.Value);
            var shares = Bidding.ShareDiscount(discount, turn.MemberId!.Value, cycleMembers);
            state.PeriodsWithPayout.Add(number);
            effects.Add(new EngineEffect.PayoutReserved(day, number, turn.Cycle, turn.MemberId.Value, pot - discount, discount, shares));
        }
    }

    private static void Remind(State state, DateOnly day, List<EngineEffect> effects)
    {
        foreach (var obligation in state.Obligations)
        {
            var period = state.PeriodOf(obligation.Period);
            ReminderKind? kind = day == period.OpensOn ? ReminderKind.DueSoon
                : day == period.DueOn ? ReminderKind.DueToday
                : day == period.GraceEndsOn.AddDays(1) ? ReminderKind.Overdue
                : null;
            // An obligation opened by this run after its opening day (the group's first period, a
            // catch-up) is announced on the run's last day, if it is not due yet.
            if (kind is null && day < period.DueOn && day > period.OpensOn
                && effects.Any(e => e is EngineEffect.ObligationOpened o && o.MemberId == obligation.MemberId && o.Period == obligation.Period))
                kind = ReminderKind.DueSoon;
            if (kind is null) continue;
            var outstanding = obligation.Amount - state.Paid(obligation);
            if (outstanding <= 0) continue;
            var fine = kind == ReminderKind.Overdue
                ? effects.OfType<EngineEffect.FineCharged>().Where(f => f.MemberId == obligation.MemberId && f.Period == obligation.Period).Sum(f => f.Amount)
                : 0;
            effects.Add(new EngineEffect.Reminder(day, obligation.MemberId, obligation.Period, kind.Value, outstanding, period.DueOn, fine));
        }
    }

    /// What the plan works on: the snapshot plus everything it has decided so far.
    private sealed class State
    {
        public GroupSnapshot Snapshot { get; }
        public List<EngineCycle> Cycles { get; }
        public List<EngineTurn> Turns { get; }
        public List<EngineObligation> Obligations { get; }
        public HashSet<(Guid, int)> Fined { get; }
        public HashSet<int> PeriodsWithPayout { get; }
        public PendingDraw? Pending { get; set; }
        private readonly HashSet<(Guid, int)> _obligationKeys;
        private readonly Dictionary<(Guid, int), long> _paid;
        private readonly Dictionary<Guid, long> _unallocated;
        private readonly Dictionary<int, Period> _periods = [];

        public State(GroupSnapshot snapshot)
        {
            Snapshot = snapshot;
            Cycles = [.. snapshot.Cycles];
            Turns = [.. snapshot.Turns];
            // Sized for what is there plus a period of new obligations (this runs for every
            // group every day: growing these collections step by step was most of its garbage).
            var room = snapshot.Obligations.Count + snapshot.Members.Count;
            Obligations = new List<EngineObligation>(room);
            _obligationKeys = new HashSet<(Guid, int)>(room);
            _paid = new Dictionary<(Guid, int), long>(room);
            _unallocated = new Dictionary<Guid, long>(snapshot.Members.Count);
            Fined = [.. snapshot.Fined];
            PeriodsWithPayout = [.. snapshot.PeriodsWithPayout];
            Pending = snapshot.Pending;
            foreach (var member in snapshot.Members)
                _unallocated[member.Id] = Math.Max(0, member.Contributed);
            foreach (var obligation in snapshot.Obligations.OrderBy(o => o.Period).ThenBy(o => o.MemberId))
                Add(obligation);
        }

        public Period PeriodOf(int number)
        {
            if (!_periods.TryGetValue(number, out var period))
                _periods[number] = period = Snapshot.Calendar.Get(number);
            return period;
        }

        public EngineCycle? CycleFor(int period) =>
            Cycles.Where(c => c.FirstPeriod <= period).OrderByDescending(c => c.FirstPeriod)
                .FirstOrDefault(c => period < c.FirstPeriod + Turns.Count(t => t.Cycle == c.Number));

        public Guid? RecipientOf(int period) => Turns.FirstOrDefault(t => t.Period == period)?.MemberId;

        public bool HasObligation(Guid member, int period) => _obligationKeys.Contains((member, period));

        /// Contributions pay a member's obligations oldest first (obligations are added in period order).
        public void Add(EngineObligation obligation)
        {
            Obligations.Add(obligation);
            _obligationKeys.Add((obligation.MemberId, obligation.Period));
            var left = _unallocated.GetValueOrDefault(obligation.MemberId);
            var paid = Math.Min(left, obligation.Amount);
            _paid[(obligation.MemberId, obligation.Period)] = paid;
            _unallocated[obligation.MemberId] = left - paid;
        }

        public long Paid(EngineObligation obligation) => _paid.GetValueOrDefault((obligation.MemberId, obligation.Period));
    }
}
