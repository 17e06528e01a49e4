using System.Globalization;
using Pamoja.Core.Groups;
using Pamoja.Core.Schedules;

namespace Pamoja.Core.Tests.Schedules;

/// A group's business date is the calendar date in the group's time zone. The web app computes
/// it as below; the same instant can fall in different periods for groups in different zones.
public sealed class BusinessDateTests
{
    /// The conversion the web app uses (its helper lives there; Core has no clock).
    private static DateOnly BusinessDate(DateTimeOffset instant, TimeZoneInfo zone) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, zone).DateTime);

    private static TimeZoneInfo Zone(string id) => TimeZoneInfo.FindSystemTimeZoneById(id);

    private static DateTimeOffset Utc(string iso) =>
        DateTimeOffset.ParseExact(iso, "yyyy-MM-dd'T'HH:mm'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    private static DateOnly D(string iso) => DateOnly.ParseExact(iso, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static GroupCalendar Monthly(string start) => GroupCalendar.Simple(D(start),
        new GroupRules(150_000, Frequency.Monthly, 0, 0, LateFine.None, RotationOrder.Fixed, PotRule.Net, 0, 0));

    [Theory]
    // Nairobi is UTC+3 all year, Lagos UTC+1 all year.
    [InlineData("Africa/Nairobi", "2027-01-31T20:59Z", "2027-01-31")]
    [InlineData("Africa/Nairobi", "2027-01-31T21:00Z", "2027-02-01")]
    [InlineData("Africa/Nairobi", "2027-01-31T21:30Z", "2027-02-01")]
    [InlineData("Africa/Lagos", "2027-01-31T21:30Z", "2027-01-31")]
    [InlineData("Africa/Lagos", "2027-01-31T22:59Z", "2027-01-31")]
    [InlineData("Africa/Lagos", "2027-01-31T23:00Z", "2027-02-01")]
    [InlineData("Africa/Lagos", "2027-07-31T23:00Z", "2027-08-01")] // no summer time
    [InlineData("Africa/Nairobi", "2027-07-31T21:00Z", "2027-08-01")]
    // London: GMT (UTC+0) in winter, BST (UTC+1) from 01:00Z on 28 Mar 2027 to 01:00Z on 31 Oct 2027.
    [InlineData("Europe/London", "2027-03-27T23:30Z", "2027-03-27")] // GMT: still the 27th
    [InlineData("Europe/London", "2027-03-28T00:59Z", "2027-03-28")] // 00:59 GMT
    [InlineData("Europe/London", "2027-03-28T01:00Z", "2027-03-28")] // 02:00 BST
    [InlineData("Europe/London", "2027-03-28T22:59Z", "2027-03-28")] // 23:59 BST
    [InlineData("Europe/London", "2027-03-28T23:00Z", "2027-03-29")] // midnight BST: a day an hour short
    [InlineData("Europe/London", "2027-06-30T23:30Z", "2027-07-01")]
    [InlineData("Europe/London", "2027-10-30T23:30Z", "2027-10-31")] // 00:30 BST
    [InlineData("Europe/London", "2027-10-31T00:59Z", "2027-10-31")] // 01:59 BST
    [InlineData("Europe/London", "2027-10-31T01:00Z", "2027-10-31")] // 01:00 GMT again: a day an hour long
    [InlineData("Europe/London", "2027-10-31T23:30Z", "2027-10-31")] // 23:30 GMT
    [InlineData("Europe/London", "2027-11-01T00:00Z", "2027-11-01")]
    public void The_business_date_is_the_date_in_the_group_zone(string zone, string instant, string expected) =>
        Assert.Equal(D(expected), BusinessDate(Utc(instant), Zone(zone)));

    [Fact]
    public void The_zones_have_the_expected_offsets()
    {
        Assert.Equal(TimeSpan.FromHours(3), Zone("Africa/Nairobi").GetUtcOffset(Utc("2027-01-31T21:30Z")));
        Assert.Equal(TimeSpan.FromHours(1), Zone("Africa/Lagos").GetUtcOffset(Utc("2027-01-31T21:30Z")));
        Assert.Equal(TimeSpan.Zero, Zone("Europe/London").GetUtcOffset(Utc("2027-03-28T00:59Z")));
        Assert.Equal(TimeSpan.FromHours(1), Zone("Europe/London").GetUtcOffset(Utc("2027-03-28T01:00Z")));
        Assert.Equal(TimeSpan.FromHours(1), Zone("Europe/London").GetUtcOffset(Utc("2027-10-31T00:59Z")));
        Assert.Equal(TimeSpan.Zero, Zone("Europe/London").GetUtcOffset(Utc("2027-10-31T01:00Z")));
    }

    [Fact]
    public void The_same_instant_is_in_the_next_monthly_period_in_Nairobi_but_not_yet_in_Lagos()
    {
        var instant = Utc("2027-01-31T21:30Z");
        var calendar = Monthly("2027-01-01"); // due on the 1st
        var nairobi = calendar.PeriodOn(BusinessDate(instant, Zone("Africa/Nairobi")))!;
        var lagos = calendar.PeriodOn(BusinessDate(instant, Zone("Africa/Lagos")))!;
        Assert.Equal(1, nairobi.Number);
        Assert.Equal(D("2027-02-01"), nairobi.DueOn);
        Assert.Equal(0, lagos.Number);
        Assert.Equal(D("2027-01-31"), lagos.EndsOn);
    }

    [Fact]
    public void A_London_group_due_on_the_29th_changes_period_at_midnight_BST_not_midnight_UTC()
    {
        var calendar = Monthly("2027-01-29");
        var london = Zone("Europe/London");
        // 28 Mar 23:30Z is 29 Mar 00:30 BST: already period 2 (due 29 Mar), though UTC says the 28th.
        Assert.Equal(2, calendar.PeriodOn(BusinessDate(Utc("2027-03-28T23:30Z"), london))!.Number);
        Assert.Equal(1, calendar.PeriodOn(DateOnly.FromDateTime(Utc("2027-03-28T23:30Z").UtcDateTime))!.Number);
        // In winter London is on UTC. February 2027 has no 29th, so period 1 starts on the 28th (clamped).
        Assert.Equal(1, calendar.PeriodOn(BusinessDate(Utc("2027-02-28T00:30Z"), london))!.Number);
        Assert.Equal(0, calendar.PeriodOn(BusinessDate(Utc("2027-02-27T23:30Z"), london))!.Number);
        // After the switch back, 30 Oct 23:30Z is 31 Oct 00:30 BST, and 31 Oct 23:30Z is still 31 Oct (GMT).
        Assert.Equal(D("2027-10-31"), BusinessDate(Utc("2027-10-30T23:30Z"), london));
        Assert.Equal(D("2027-10-31"), BusinessDate(Utc("2027-10-31T23:30Z"), london));
        Assert.Equal(9, calendar.PeriodOn(D("2027-10-31"))!.Number);
    }

    [Fact]
    public void Every_hour_of_a_year_maps_to_a_business_date_within_a_day_of_UTC_and_dates_never_go_back()
    {
        foreach (var id in new[] { "Africa/Nairobi", "Africa/Lagos", "Europe/London" })
        {
            var zone = Zone(id);
            var previous = DateOnly.MinValue;
            for (var instant = Utc("2027-01-01T00:00Z"); instant < Utc("2028-01-01T00:00Z"); instant = instant.AddMinutes(30))
            {
                var date = BusinessDate(instant, zone);
                var utc = DateOnly.FromDateTime(instant.UtcDateTime);
                Assert.InRange(date.DayNumber - utc.DayNumber, 0, 1);
                Assert.True(date >= previous, $"{id}: {instant:o} gives {date}, after {previous}");
                previous = date;
            }
        }
    }
}
