using Pamoja.Core.Groups;

namespace Pamoja.Core.Schedules;

/// One period of a group: contributions for it are due on its first day (the group's
/// contribution day: "monthly on the 1st"), late after the grace days, and it ends the day
/// before the next period starts. Rules are those in force on its first day.
public sealed record Period(int Number, DateOnly StartsOn, DateOnly EndsOn, GroupRules Rules)
{
    public DateOnly DueOn => StartsOn;

    /// The last day a payment is on time.
    public DateOnly GraceEndsOn => DueOn.AddDays(Rules.LateFine.GraceDays);

    /// Obligations (and the "due soon" reminder) open this many days before the due date.
    public const int LeadDays = 3;

    public DateOnly OpensOn => DueOn.AddDays(-LeadDays);
}

/// A group's money rules as versioned: each version applies from its date.
public sealed record RulesVersion(DateOnly EffectiveFrom, GroupRules Rules);

/// The periods of a group across rule changes. A version that changes the frequency starts a
/// new run of periods on its effective date (a change after money moved is only ever effective
/// on a period boundary, so nothing is cut short then); periods keep counting up across runs.
public sealed class GroupCalendar
{
    private readonly DateOnly _startsOn;
    private readonly List<Segment> _segments = [];
    private readonly List<(DateOnly From, GroupRules Rules)> _rules = [];

    private sealed record Segment(DateOnly From, DateOnly? Until, PeriodCalendar Calendar, int FirstPeriod);

    public GroupCalendar(DateOnly startsOn, IReadOnlyList<RulesVersion> versions)
    {
        if (versions.Count == 0) throw new ArgumentException("A group has at least one rules version.", nameof(versions));
        _startsOn = startsOn;
        // The version in force on a date is the latest one effective on or before it; versions
        // effective before the start all collapse onto the start (the last of them wins).
        var ordered = versions
            .Select((v, i) => (From: v.EffectiveFrom < startsOn ? startsOn : v.EffectiveFrom, v.Rules, i))
            .GroupBy(v => v.From).Select(g => g.MaxBy(v => v.i))
            .OrderBy(v => v.From).ToList();
        if (ordered[0].From > startsOn)
            throw new ArgumentException("The first rules version must apply from the group's start.", nameof(versions));
        _rules.AddRange(ordered.Select(v => (v.From, v.Rules)));

        // Only a change of frequency starts a new run of periods; a new amount or fine keeps the
        // calendar (a group on the 31st stays on month ends).
        var runs = new List<(DateOnly From, GroupRules Rules)> { (ordered[0].From, ordered[0].Rules) };
        foreach (var (from, rules, _) in ordered.Skip(1))
            if (rules.Frequency != runs[^1].Rules.Frequency || rules.EveryDays != runs[^1].Rules.EveryDays)
                runs.Add((from, rules));
        var firstPeriod = 0;
        for (var i = 0; i < runs.Count; i++)
        {
            var (from, rules) = runs[i];
            DateOnly? until = i + 1 < runs.Count ? runs[i + 1].From.AddDays(-1) : null;
            var calendar = new PeriodCalendar(from, rules.Frequency, rules.EveryDays);
            _segments.Add(new Segment(from, until, calendar, firstPeriod));
            if (until is { } end) firstPeriod += calendar.PeriodOn(end) + 1;
        }
    }

    /// The rules in force on a date (a period's rules are those in force on its first day).
    /// Before the start, the first version's.
    public GroupRules RulesOn(DateOnly date)
    {
        var inForce = _rules[0].Rules;
        foreach (var (from, rules) in _rules)
            if (from <= date) inForce = rules;
        return inForce;
    }

    public static GroupCalendar Simple(DateOnly startsOn, GroupRules rules) => new(startsOn, [new RulesVersion(startsOn, rules)]);

    /// The longest grace any period of this calendar has (the most of any rules version in force).
    public int MaxGraceDays => _rules.Max(r => r.Rules.LateFine.GraceDays);

    public DateOnly StartsOn => _startsOn;

    /// The period containing the date; null before the group starts.
    public Period? PeriodOn(DateOnly date)
    {
        if (date < _startsOn) return null;
        var segment = _segments.Last(s => s.From <= date);
        return Build(segment, segment.Calendar.PeriodOn(date));
    }

    public Period Get(int number)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(number);
        // Segments are in order and their first periods ascend; an empty segment (a rule
        // change that was superseded within one period) shares its first period with the next.
        var segment = _segments.Last(s => s.FirstPeriod <= number);
        return Build(segment, number - segment.FirstPeriod);
    }

    /// The period, or null when it would lie beyond the calendar (past the year 9998): what a
    /// period number from outside is checked against.
    public Period? TryGet(int number)
    {
        if (number < 0) return null;
        try
        {
            var period = Get(number);
            return period.EndsOn.Year < 9999 ? period : null;
        }
        catch (ArgumentOutOfRangeException)
        {
            return null;
        }
        catch (OverflowException)
        {
            return null;
        }
    }

    private Period Build(Segment segment, int local)
    {
        var start = segment.Calendar.StartOf(local);
        var nextStart = segment.Calendar.StartOf(local + 1);
        var end = segment.Until is { } until && nextStart > until ? until : nextStart.AddDays(-1);
        return new Period(segment.FirstPeriod + local, start, end, RulesOn(start));
    }

    /// The first period start strictly after the date: the earliest a money-rule change may
    /// apply once money has moved.
    public DateOnly NextStartAfter(DateOnly date) => date < _startsOn ? _startsOn : PeriodOn(date)!.EndsOn.AddDays(1);

    /// Periods whose opening day (due date minus the lead days) falls in [from, to].
    public IEnumerable<Period> OpeningBetween(DateOnly from, DateOnly to)
    {
        var first = PeriodOn(from.AddDays(Period.LeadDays))?.Number ?? 0;
        for (var n = first; ; n++)
        {
            var period = Get(n);
            if (period.OpensOn > to) yield break;
            if (period.OpensOn >= from) yield return period;
        }
    }
}
