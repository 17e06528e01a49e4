using Pamoja.Core.Schedules;

namespace Pamoja.Core.Tests.Schedules;

public sealed class PeriodCalendarTests
{
    private static DateOnly D(string iso) => DateOnly.ParseExact(iso, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    [Theory]
    [InlineData(Frequency.Weekly, 0, 7, "2027-01-01", "2027-01-08", "2027-01-15", "2027-03-26")]
    [InlineData(Frequency.Biweekly, 0, 14, "2027-01-01", "2027-01-15", "2027-01-29", "2027-06-18")]
    [InlineData(Frequency.Semimonthly, 0, 15, "2027-01-01", "2027-01-16", "2027-01-31", "2027-06-30")]
    [InlineData(Frequency.Days, 10, 10, "2027-01-01", "2027-01-11", "2027-01-21", "2027-05-01")]
    [InlineData(Frequency.Days, 1, 1, "2027-12-31", "2028-01-01", "2028-01-02", "2028-01-12")]
    [InlineData(Frequency.Days, 366, 366, "2027-01-01", "2028-01-02", "2029-01-02", "2039-01-10")]
    public void Fixed_length_periods_start_every_N_days_from_the_start_date(
        Frequency frequency, int everyDays, int length, string start, string first, string second, string twelfth)
    {
        var calendar = new PeriodCalendar(D(start), frequency, everyDays);
        Assert.Equal(length, calendar.LengthInDays);
        Assert.Equal(D(start), calendar.StartOf(0));
        Assert.Equal(D(first), calendar.StartOf(1));
        Assert.Equal(D(second), calendar.StartOf(2));
        Assert.Equal(D(twelfth), calendar.StartOf(12));
    }

    [Theory]
    // A start on the 31st: clamped to the month's end, and back to the 31st when the month has one.
    [InlineData("2027-01-31", 1, "2027-02-28")]
    [InlineData("2027-01-31", 2, "2027-03-31")]
    [InlineData("2027-01-31", 3, "2027-04-30")]
    [InlineData("2027-01-31", 4, "2027-05-31")]
    [InlineData("2027-01-31", 11, "2027-12-31")]
    [InlineData("2027-01-31", 12, "2028-01-31")]
    [InlineData("2027-01-31", 13, "2028-02-29")] // 2028 is a leap year
    [InlineData("2028-01-31", 1, "2028-02-29")]
    [InlineData("2028-01-31", 2, "2028-03-31")]
    // A start on 29 February: the 29th where it exists, 28 February in common years.
    [InlineData("2028-02-29", 1, "2028-03-29")]
    [InlineData("2028-02-29", 11, "2029-01-29")]
    [InlineData("2028-02-29", 12, "2029-02-28")]
    [InlineData("2028-02-29", 13, "2029-03-29")]
    [InlineData("2028-02-29", 48, "2032-02-29")]
    // A start on the 30th: only February clamps.
    [InlineData("2027-01-30", 1, "2027-02-28")]
    [InlineData("2027-01-30", 2, "2027-03-30")]
    [InlineData("2027-01-15", 1, "2027-02-15")]
    [InlineData("2027-11-15", 2, "2028-01-15")]
    public void Monthly_periods_keep_the_start_day_clamped_to_the_month_end(string start, int period, string expected)
    {
        var calendar = new PeriodCalendar(D(start), Frequency.Monthly);
        Assert.Equal(D(start), calendar.StartOf(0));
        Assert.Equal(D(expected), calendar.StartOf(period));
    }

    [Fact]
    public void Monthly_periods_never_drift_after_a_short_month()
    {
        // Counted from the start every time: 31 Jan → 28 Feb → 31 Mar, never 28 Mar.
        var calendar = new PeriodCalendar(D("2027-01-31"), Frequency.Monthly);
        var starts = Enumerable.Range(0, 13).Select(calendar.StartOf).ToList();
        Assert.Equal(
            ["2027-01-31", "2027-02-28", "2027-03-31", "2027-04-30", "2027-05-31", "2027-06-30", "2027-07-31",
             "2027-08-31", "2027-09-30", "2027-10-31", "2027-11-30", "2027-12-31", "2028-01-31"],
            starts.Select(d => d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void A_negative_period_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new PeriodCalendar(D("2027-01-01"), Frequency.Weekly).StartOf(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PeriodCalendar(D("2027-01-01"), Frequency.Monthly).StartOf(-1));
    }

    [Fact]
    public void Every_N_days_needs_N_and_monthly_has_no_fixed_length()
    {
        Assert.Throws<InvalidOperationException>(() => new PeriodCalendar(D("2027-01-01"), Frequency.Days).LengthInDays);
        Assert.Throws<InvalidOperationException>(() => new PeriodCalendar(D("2027-01-01"), Frequency.Days, 0).StartOf(1));
        Assert.Throws<InvalidOperationException>(() => new PeriodCalendar(D("2027-01-01"), Frequency.Monthly).LengthInDays);
    }

    [Theory]
    [InlineData(Frequency.Weekly, 0, "2026-12-31", -1)]
    [InlineData(Frequency.Weekly, 0, "2000-01-01", -1)]
    [InlineData(Frequency.Weekly, 0, "2027-01-01", 0)]
    [InlineData(Frequency.Weekly, 0, "2027-01-07", 0)]
    [InlineData(Frequency.Weekly, 0, "2027-01-08", 1)]
    [InlineData(Frequency.Weekly, 0, "2027-01-14", 1)]
    [InlineData(Frequency.Weekly, 0, "2027-01-15", 2)]
    [InlineData(Frequency.Biweekly, 0, "2027-01-14", 0)]
    [InlineData(Frequency.Biweekly, 0, "2027-01-15", 1)]
    [InlineData(Frequency.Semimonthly, 0, "2027-01-15", 0)]
    [InlineData(Frequency.Semimonthly, 0, "2027-01-16", 1)]
    [InlineData(Frequency.Semimonthly, 0, "2027-01-30", 1)]
    [InlineData(Frequency.Semimonthly, 0, "2027-01-31", 2)]
    [InlineData(Frequency.Days, 10, "2027-01-10", 0)]
    [InlineData(Frequency.Days, 10, "2027-01-11", 1)]
    [InlineData(Frequency.Days, 1, "2027-01-01", 0)]
    [InlineData(Frequency.Days, 1, "2027-01-02", 1)]
    [InlineData(Frequency.Days, 1, "2028-01-01", 365)]
    public void PeriodOn_fixed_lengths_before_at_inside_and_on_boundaries(Frequency frequency, int everyDays, string date, int expected) =>
        Assert.Equal(expected, new PeriodCalendar(D("2027-01-01"), frequency, everyDays).PeriodOn(D(date)));

    [Theory]
    [InlineData("2027-01-31", "2027-01-30", -1)]
    [InlineData("2027-01-31", "2027-01-31", 0)]
    [InlineData("2027-01-31", "2027-02-27", 0)]
    [InlineData("2027-01-31", "2027-02-28", 1)]
    [InlineData("2027-01-31", "2027-03-01", 1)]
    [InlineData("2027-01-31", "2027-03-30", 1)]
    [InlineData("2027-01-31", "2027-03-31", 2)]
    [InlineData("2027-01-31", "2027-04-29", 2)]
    [InlineData("2027-01-31", "2027-04-30", 3)]
    [InlineData("2027-01-31", "2028-02-28", 12)]
    [InlineData("2027-01-31", "2028-02-29", 13)]
    [InlineData("2027-01-15", "2027-02-14", 0)]
    [InlineData("2027-01-15", "2027-02-15", 1)]
    [InlineData("2027-01-15", "2028-01-14", 11)]
    [InlineData("2027-01-15", "2028-01-15", 12)]
    [InlineData("2028-02-29", "2028-03-28", 0)]
    [InlineData("2028-02-29", "2028-03-29", 1)]
    [InlineData("2028-02-29", "2029-02-27", 11)]
    [InlineData("2028-02-29", "2029-02-28", 12)]
    [InlineData("2028-02-29", "2029-03-28", 12)]
    [InlineData("2028-02-29", "2029-03-29", 13)]
    public void PeriodOn_monthly_follows_the_clamped_starts(string start, string date, int expected) =>
        Assert.Equal(expected, new PeriodCalendar(D(start), Frequency.Monthly).PeriodOn(D(date)));

    [Theory]
    [InlineData(Frequency.Monthly, 0, "2027-01-31")]
    [InlineData(Frequency.Monthly, 0, "2028-02-29")]
    [InlineData(Frequency.Weekly, 0, "2027-01-01")]
    [InlineData(Frequency.Semimonthly, 0, "2027-01-01")]
    [InlineData(Frequency.Days, 9, "2027-01-01")]
    public void Every_day_belongs_to_the_period_whose_start_is_the_last_on_or_before_it(Frequency frequency, int everyDays, string start)
    {
        var calendar = new PeriodCalendar(D(start), frequency, everyDays);
        for (var date = D(start); date < D(start).AddYears(3); date = date.AddDays(1))
        {
            var period = calendar.PeriodOn(date);
            Assert.True(calendar.StartOf(period) <= date, $"{date}: period {period} starts {calendar.StartOf(period)}");
            Assert.True(calendar.StartOf(period + 1) > date, $"{date}: period {period + 1} starts {calendar.StartOf(period + 1)}");
        }
    }

    [Theory]
    [InlineData(Frequency.Monthly, 0, "2027-01-31", "2026-06-01", "2027-01-31")] // before the start: the start
    [InlineData(Frequency.Monthly, 0, "2027-01-31", "2027-01-30", "2027-01-31")]
    [InlineData(Frequency.Monthly, 0, "2027-01-31", "2027-01-31", "2027-02-28")] // on a start: the next one, strictly after
    [InlineData(Frequency.Monthly, 0, "2027-01-31", "2027-02-10", "2027-02-28")]
    [InlineData(Frequency.Monthly, 0, "2027-01-31", "2027-02-28", "2027-03-31")]
    [InlineData(Frequency.Monthly, 0, "2027-01-31", "2027-03-01", "2027-03-31")]
    [InlineData(Frequency.Monthly, 0, "2028-01-31", "2028-02-28", "2028-02-29")]
    [InlineData(Frequency.Monthly, 0, "2028-02-29", "2028-03-01", "2028-03-29")]
    [InlineData(Frequency.Monthly, 0, "2028-02-29", "2029-02-28", "2029-03-29")]
    [InlineData(Frequency.Weekly, 0, "2027-01-01", "2027-01-01", "2027-01-08")]
    [InlineData(Frequency.Weekly, 0, "2027-01-01", "2027-01-07", "2027-01-08")]
    [InlineData(Frequency.Weekly, 0, "2027-01-01", "2027-01-08", "2027-01-15")]
    [InlineData(Frequency.Biweekly, 0, "2027-01-01", "2027-01-20", "2027-01-29")]
    [InlineData(Frequency.Semimonthly, 0, "2027-01-01", "2027-01-16", "2027-01-31")]
    [InlineData(Frequency.Days, 10, "2027-01-01", "2027-01-11", "2027-01-21")]
    [InlineData(Frequency.Days, 10, "2027-01-01", "2026-12-31", "2027-01-01")]
    public void NextStartAfter_is_the_first_start_strictly_after_the_date(Frequency frequency, int everyDays, string start, string date, string expected) =>
        Assert.Equal(D(expected), new PeriodCalendar(D(start), frequency, everyDays).NextStartAfter(D(date)));
}
