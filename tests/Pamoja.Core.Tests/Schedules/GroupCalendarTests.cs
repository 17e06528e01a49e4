using System.Globalization;
using Pamoja.Core.Groups;
using Pamoja.Core.Schedules;

namespace Pamoja.Core.Tests.Schedules;

/// GroupCalendar: the periods of a group across rule versions, with the due date (the period's
/// first day), the opening day (Period.LeadDays before) and the grace days of the late fine.
public sealed class GroupCalendarTests
{
    private const int Seed = 20270131;

    private static DateOnly D(string iso) => DateOnly.ParseExact(iso, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static GroupRules Rules(Frequency frequency, int everyDays = 0, long amount = 150_000, int graceDays = 0) =>
        new(amount, frequency, everyDays, 0, new LateFine(0, 0, graceDays), RotationOrder.Fixed, PotRule.Net, 0, 0);

    [Fact]
    public void Weekly_periods_are_seven_days_due_on_the_first_and_open_three_days_before()
    {
        var calendar = GroupCalendar.Simple(D("2027-01-01"), Rules(Frequency.Weekly, graceDays: 2));
        var p0 = calendar.Get(0);
        Assert.Equal(0, p0.Number);
        Assert.Equal(D("2027-01-01"), p0.StartsOn);
        Assert.Equal(D("2027-01-07"), p0.EndsOn);
        Assert.Equal(D("2027-01-01"), p0.DueOn);
        Assert.Equal(D("2026-12-29"), p0.OpensOn);
        Assert.Equal(D("2027-01-03"), p0.GraceEndsOn);
        Assert.Equal(3, Period.LeadDays);

        var p1 = calendar.Get(1);
        Assert.Equal(D("2027-01-08"), p1.StartsOn);
        Assert.Equal(D("2027-01-14"), p1.EndsOn);
        Assert.Equal(D("2027-01-05"), p1.OpensOn);
    }

    [Theory]
    [InlineData(Frequency.Weekly, 0, "2027-01-01", 10, "2027-03-12", "2027-03-18")]
    [InlineData(Frequency.Biweekly, 0, "2027-01-01", 1, "2027-01-15", "2027-01-28")]
    [InlineData(Frequency.Biweekly, 0, "2027-12-24", 1, "2028-01-07", "2028-01-20")]
    [InlineData(Frequency.Semimonthly, 0, "2027-01-01", 1, "2027-01-16", "2027-01-30")]
    [InlineData(Frequency.Semimonthly, 0, "2028-02-20", 0, "2028-02-20", "2028-03-05")] // across 29 Feb
    [InlineData(Frequency.Semimonthly, 0, "2027-02-20", 0, "2027-02-20", "2027-03-06")]
    [InlineData(Frequency.Days, 10, "2027-01-01", 3, "2027-01-31", "2027-02-09")]
    [InlineData(Frequency.Days, 1, "2027-01-01", 59, "2027-03-01", "2027-03-01")]
    [InlineData(Frequency.Monthly, 0, "2027-01-31", 0, "2027-01-31", "2027-02-27")]
    [InlineData(Frequency.Monthly, 0, "2027-01-31", 1, "2027-02-28", "2027-03-30")]
    [InlineData(Frequency.Monthly, 0, "2027-01-31", 2, "2027-03-31", "2027-04-29")]
    [InlineData(Frequency.Monthly, 0, "2028-01-31", 1, "2028-02-29", "2028-03-30")]
    [InlineData(Frequency.Monthly, 0, "2028-01-31", 2, "2028-03-31", "2028-04-29")]
    [InlineData(Frequency.Monthly, 0, "2028-02-29", 0, "2028-02-29", "2028-03-28")]
    [InlineData(Frequency.Monthly, 0, "2028-02-29", 1, "2028-03-29", "2028-04-28")]
    [InlineData(Frequency.Monthly, 0, "2028-02-29", 11, "2029-01-29", "2029-02-27")]
    [InlineData(Frequency.Monthly, 0, "2028-02-29", 12, "2029-02-28", "2029-03-28")]
    [InlineData(Frequency.Monthly, 0, "2028-02-29", 13, "2029-03-29", "2029-04-28")]
    [InlineData(Frequency.Monthly, 0, "2028-02-29", 48, "2032-02-29", "2032-03-28")]
    public void Periods_start_and_end_where_the_frequency_says(Frequency frequency, int everyDays, string start, int number, string startsOn, string endsOn)
    {
        var calendar = GroupCalendar.Simple(D(start), Rules(frequency, everyDays));
        var period = calendar.Get(number);
        Assert.Equal(number, period.Number);
        Assert.Equal(D(startsOn), period.StartsOn);
        Assert.Equal(D(endsOn), period.EndsOn);
        Assert.Equal(period.StartsOn, period.DueOn);
        Assert.Equal(period.StartsOn.AddDays(-Period.LeadDays), period.OpensOn);
    }

    [Fact]
    public void A_group_starting_on_31_January_is_due_28_February_in_2027_and_29_February_in_2028_then_31_March()
    {
        var calendar = GroupCalendar.Simple(D("2027-01-31"), Rules(Frequency.Monthly));
        var dues = Enumerable.Range(0, 15).Select(n => Iso(calendar.Get(n).DueOn)).ToList();
        Assert.Equal(
            ["2027-01-31", "2027-02-28", "2027-03-31", "2027-04-30", "2027-05-31", "2027-06-30", "2027-07-31", "2027-08-31",
             "2027-09-30", "2027-10-31", "2027-11-30", "2027-12-31", "2028-01-31", "2028-02-29", "2028-03-31"],
            dues);
    }

    [Fact]
    public void A_group_starting_on_29_February_is_due_on_the_29th_and_on_28_February_in_common_years()
    {
        var calendar = GroupCalendar.Simple(D("2028-02-29"), Rules(Frequency.Monthly));
        Assert.Equal(D("2028-03-29"), calendar.Get(1).DueOn);
        Assert.Equal(D("2028-04-29"), calendar.Get(2).DueOn);
        Assert.Equal(D("2029-01-29"), calendar.Get(11).DueOn);
        Assert.Equal(D("2029-02-28"), calendar.Get(12).DueOn);
        Assert.Equal(D("2029-03-29"), calendar.Get(13).DueOn);
        Assert.Equal(D("2032-02-29"), calendar.Get(48).DueOn);
        // 28 Feb 2029 is the first day of period 12; 27 Feb is still period 11.
        Assert.Equal(11, calendar.PeriodOn(D("2029-02-27"))!.Number);
        Assert.Equal(12, calendar.PeriodOn(D("2029-02-28"))!.Number);
        Assert.Equal(12, calendar.PeriodOn(D("2029-03-28"))!.Number);
    }

    [Fact]
    public void Nothing_belongs_to_a_period_before_the_start()
    {
        var calendar = GroupCalendar.Simple(D("2027-01-31"), Rules(Frequency.Monthly));
        Assert.Null(calendar.PeriodOn(D("2027-01-30")));
        Assert.Null(calendar.PeriodOn(DateOnly.MinValue));
        Assert.Equal(0, calendar.PeriodOn(D("2027-01-31"))!.Number);
        Assert.Equal(D("2027-01-31"), calendar.StartsOn);
        Assert.Throws<ArgumentOutOfRangeException>(() => calendar.Get(-1));
    }

    public static TheoryData<Frequency, int, string> Shapes() => new()
    {
        { Frequency.Weekly, 0, "2027-01-01" },
        { Frequency.Biweekly, 0, "2027-03-28" },
        { Frequency.Semimonthly, 0, "2028-02-15" },
        { Frequency.Monthly, 0, "2027-01-31" },
        { Frequency.Monthly, 0, "2027-01-30" },
        { Frequency.Monthly, 0, "2028-02-29" },
        { Frequency.Monthly, 0, "2027-06-01" },
        { Frequency.Days, 1, "2027-01-01" },
        { Frequency.Days, 9, "2027-01-01" },
        { Frequency.Days, 366, "2027-01-01" },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void PeriodOn_and_Get_round_trip_for_thousands_of_random_dates(Frequency frequency, int everyDays, string start)
    {
        var calendar = GroupCalendar.Simple(D(start), Rules(frequency, everyDays));
        var random = new Random(Seed);
        for (var i = 0; i < 5_000; i++)
        {
            var date = D(start).AddDays(random.Next(0, 365 * 40));
            var period = calendar.PeriodOn(date);
            Assert.NotNull(period);
            Assert.True(period.StartsOn <= date && date <= period.EndsOn, $"case {i}: {date} not in {period}");
            Assert.Equal(period, calendar.Get(period.Number));
            Assert.Equal(period, calendar.PeriodOn(period.StartsOn));
            Assert.Equal(period, calendar.PeriodOn(period.EndsOn));
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Each_period_ends_the_day_before_the_next_starts(Frequency frequency, int everyDays, string start)
    {
        var calendar = GroupCalendar.Simple(D(start), Rules(frequency, everyDays));
        var previous = calendar.Get(0);
        Assert.Equal(D(start), previous.StartsOn);
        for (var n = 1; n < 600; n++)
        {
            var period = calendar.Get(n);
            Assert.Equal(previous.EndsOn.AddDays(1), period.StartsOn);
            Assert.True(period.EndsOn >= period.StartsOn);
            Assert.Equal(period.EndsOn.AddDays(1), calendar.NextStartAfter(period.StartsOn));
            Assert.Equal(period.StartsOn, calendar.NextStartAfter(previous.EndsOn));
            previous = period;
        }
    }

    [Theory]
    [InlineData("2026-06-01", "2027-01-31")] // before the start: the start
    [InlineData("2027-01-30", "2027-01-31")]
    [InlineData("2027-01-31", "2027-02-28")] // strictly after
    [InlineData("2027-02-27", "2027-02-28")]
    [InlineData("2027-02-28", "2027-03-31")]
    [InlineData("2028-02-28", "2028-02-29")]
    [InlineData("2028-02-29", "2028-03-31")]
    public void NextStartAfter_is_the_first_period_start_strictly_after_the_date(string date, string expected) =>
        Assert.Equal(D(expected), GroupCalendar.Simple(D("2027-01-31"), Rules(Frequency.Monthly)).NextStartAfter(D(date)));

    [Fact]
    public void The_first_rules_version_must_apply_from_the_start()
    {
        Assert.Throws<ArgumentException>(() => new GroupCalendar(D("2027-01-01"), []));
        Assert.Throws<ArgumentException>(() => new GroupCalendar(D("2027-01-01"), [new RulesVersion(D("2027-01-02"), Rules(Frequency.Weekly))]));
    }

    [Fact]
    public void Versions_effective_before_the_start_collapse_onto_it_and_the_last_of_them_wins()
    {
        var calendar = new GroupCalendar(D("2027-01-01"),
        [
            new RulesVersion(D("2026-11-01"), Rules(Frequency.Weekly, amount: 1)),
            new RulesVersion(D("2026-12-01"), Rules(Frequency.Monthly, amount: 2)),
        ]);
        Assert.Equal(2, calendar.Get(0).Rules.ContributionAmount);
        Assert.Equal(D("2027-02-01"), calendar.Get(1).StartsOn);
    }

    [Fact]
    public void A_change_from_weekly_to_monthly_on_a_period_boundary_keeps_numbering_continuous_and_periods_contiguous()
    {
        var weekly = Rules(Frequency.Weekly, amount: 100);
        var monthly = Rules(Frequency.Monthly, amount: 500);
        // Weekly from Fri 1 Jan 2027; period 5 would start 5 Feb: the monthly rules apply from then.
        var calendar = new GroupCalendar(D("2027-01-01"), [new RulesVersion(D("2027-01-01"), weekly), new RulesVersion(D("2027-02-05"), monthly)]);

        var p4 = calendar.Get(4);
        Assert.Equal(D("2027-01-29"), p4.StartsOn);
        Assert.Equal(D("2027-02-04"), p4.EndsOn);
        Assert.Same(weekly, p4.Rules);

        var p5 = calendar.Get(5);
        Assert.Equal(D("2027-02-05"), p5.StartsOn);
        Assert.Equal(D("2027-03-04"), p5.EndsOn);
        Assert.Same(monthly, p5.Rules);
        Assert.Equal(D("2027-03-05"), calendar.Get(6).StartsOn);
        Assert.Equal(D("2028-02-05"), calendar.Get(17).StartsOn);

        Assert.Equal(4, calendar.PeriodOn(D("2027-02-04"))!.Number);
        Assert.Equal(5, calendar.PeriodOn(D("2027-02-05"))!.Number);
        Assert.Equal(5, calendar.PeriodOn(D("2027-03-04"))!.Number);
        Assert.Equal(6, calendar.PeriodOn(D("2027-03-05"))!.Number);
        Assert.Equal(D("2027-02-05"), calendar.NextStartAfter(D("2027-02-01")));
        Assert.Equal(D("2027-03-05"), calendar.NextStartAfter(D("2027-02-05")));

        AssertContiguousAndRoundTrips(calendar, D("2027-01-01"), D("2029-12-31"));
    }

    [Fact]
    public void Several_rule_changes_with_different_frequencies_keep_the_calendar_contiguous()
    {
        var versions = new List<RulesVersion>
        {
            new(D("2027-01-01"), Rules(Frequency.Weekly)),
            new(D("2027-02-05"), Rules(Frequency.Monthly)),       // a weekly boundary
            new(D("2027-06-05"), Rules(Frequency.Semimonthly)),   // a monthly boundary
            new(D("2027-07-05"), Rules(Frequency.Days, 10)),      // a 15-day boundary
            new(D("2027-07-25"), Rules(Frequency.Biweekly)),      // a 10-day boundary
        };
        var calendar = new GroupCalendar(D("2027-01-01"), versions);
        Assert.Equal(5, calendar.PeriodOn(D("2027-02-05"))!.Number);
        Assert.Equal(9, calendar.PeriodOn(D("2027-06-05"))!.Number);
        Assert.Equal(11, calendar.PeriodOn(D("2027-07-05"))!.Number);
        Assert.Equal(13, calendar.PeriodOn(D("2027-07-25"))!.Number);
        Assert.Equal(D("2027-08-08"), calendar.Get(14).StartsOn);
        foreach (var version in versions)
            Assert.Same(version.Rules, calendar.PeriodOn(version.EffectiveFrom)!.Rules);
        AssertContiguousAndRoundTrips(calendar, D("2027-01-01"), D("2028-12-31"));
    }

    [Fact]
    public void A_frequency_change_within_a_period_cuts_it_short_there_and_numbering_goes_on()
    {
        // Before money moved a change may be effective mid-period: period 1 (8–14 Jan) ends on the 9th.
        var calendar = new GroupCalendar(D("2027-01-01"), [new RulesVersion(D("2027-01-01"), Rules(Frequency.Weekly)), new RulesVersion(D("2027-01-10"), Rules(Frequency.Monthly))]);
        Assert.Equal(D("2027-01-09"), calendar.Get(1).EndsOn);
        Assert.Equal(D("2027-01-10"), calendar.Get(2).StartsOn);
        Assert.Equal(D("2027-02-10"), calendar.Get(3).StartsOn);
        AssertContiguousAndRoundTrips(calendar, D("2027-01-01"), D("2028-06-30"));
    }

    /// BUG (see the report): a rules version that keeps the monthly frequency (only the amount
    /// changes) and takes effect on a period boundary that was clamped to a short month's end
    /// restarts the monthly run from that clamped day, so the group's contribution day drifts
    /// from the 31st to the 28th for good. The class documents that only a version that changes
    /// the frequency starts a new run of periods.
    [Fact]
    public void An_amount_change_on_a_clamped_month_end_boundary_keeps_the_group_on_the_31st()
    {
        var before = Rules(Frequency.Monthly, amount: 150_000);
        var after = Rules(Frequency.Monthly, amount: 200_000);
        // Period 1 of a group that started 31 Jan 2027 starts 28 Feb: the change applies from there.
        var calendar = new GroupCalendar(D("2027-01-31"), [new RulesVersion(D("2027-01-31"), before), new RulesVersion(D("2027-02-28"), after)]);
        Assert.Same(after, calendar.Get(1).Rules);
        Assert.Equal(D("2027-02-28"), calendar.Get(1).StartsOn);
        Assert.Equal(D("2027-03-31"), calendar.Get(2).StartsOn); // actual: 2027-03-28
        Assert.Equal(D("2027-04-30"), calendar.Get(3).StartsOn); // actual: 2027-04-28
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void OpeningBetween_yields_each_period_exactly_once_across_consecutive_windows(Frequency frequency, int everyDays, string start)
    {
        var calendar = GroupCalendar.Simple(D(start), Rules(frequency, everyDays));
        AssertOpeningBetweenCoversEachPeriodOnce(calendar, new Random(Seed), D(start).AddDays(-40), D(start).AddYears(3));
    }

    [Fact]
    public void OpeningBetween_yields_each_period_exactly_once_across_rule_changes()
    {
        var calendar = new GroupCalendar(D("2027-01-01"),
        [
            new RulesVersion(D("2027-01-01"), Rules(Frequency.Days, 1)),
            new RulesVersion(D("2027-01-10"), Rules(Frequency.Weekly)),
            new RulesVersion(D("2027-02-05"), Rules(Frequency.Monthly)),
            new RulesVersion(D("2027-06-05"), Rules(Frequency.Days, 2)),
            new RulesVersion(D("2027-06-20"), Rules(Frequency.Semimonthly)),
        ]);
        for (var run = 0; run < 20; run++)
            AssertOpeningBetweenCoversEachPeriodOnce(calendar, new Random(Seed + run), D("2026-12-01"), D("2028-12-31"));
    }

    [Fact]
    public void OpeningBetween_a_single_day_is_the_period_due_three_days_later()
    {
        var calendar = GroupCalendar.Simple(D("2027-02-01"), Rules(Frequency.Monthly));
        Assert.Equal([0], calendar.OpeningBetween(D("2027-01-29"), D("2027-01-29")).Select(p => p.Number));
        Assert.Empty(calendar.OpeningBetween(D("2027-01-28"), D("2027-01-28")));
        Assert.Empty(calendar.OpeningBetween(D("2027-01-30"), D("2027-02-25")));
        Assert.Equal([1], calendar.OpeningBetween(D("2027-02-26"), D("2027-02-26")).Select(p => p.Number));
        Assert.Equal([0, 1, 2], calendar.OpeningBetween(D("2027-01-01"), D("2027-03-29")).Select(p => p.Number));
    }

    private static void AssertOpeningBetweenCoversEachPeriodOnce(GroupCalendar calendar, Random random, DateOnly from, DateOnly through)
    {
        var seen = new List<int>();
        for (var windowStart = from; windowStart <= through;)
        {
            var windowEnd = windowStart.AddDays(random.Next(0, 45));
            if (windowEnd > through) windowEnd = through;
            foreach (var period in calendar.OpeningBetween(windowStart, windowEnd))
            {
                Assert.InRange(period.OpensOn, windowStart, windowEnd);
                Assert.Equal(calendar.Get(period.Number), period);
                seen.Add(period.Number);
            }
            windowStart = windowEnd.AddDays(1);
        }
        var expected = Enumerable.Range(0, int.MaxValue).Select(calendar.Get).TakeWhile(p => p.OpensOn <= through)
            .Where(p => p.OpensOn >= from).Select(p => p.Number).ToList();
        Assert.NotEmpty(expected);
        Assert.Equal(expected, seen);
    }

    private static void AssertContiguousAndRoundTrips(GroupCalendar calendar, DateOnly from, DateOnly through)
    {
        var previous = calendar.PeriodOn(from)!;
        Assert.Equal(calendar.Get(previous.Number), previous);
        for (var date = from; date <= through; date = date.AddDays(1))
        {
            var period = calendar.PeriodOn(date)!;
            Assert.True(period.StartsOn <= date && date <= period.EndsOn, $"{date} not in {period}");
            Assert.Equal(period, calendar.Get(period.Number));
            if (period.Number != previous.Number)
            {
                Assert.Equal(previous.Number + 1, period.Number);
                Assert.Equal(previous.EndsOn.AddDays(1), period.StartsOn);
                previous = period;
            }
        }
    }
}
