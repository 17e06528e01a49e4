namespace Pamoja.Web.Features.Groups;

/// A group's business date: "today" where the group lives, not on the server.
public static class GroupClock
{
    public static DateOnly Today(this TimeProvider clock, string timeZone) => DateIn(clock.GetUtcNow(), timeZone);

    /// The date an instant falls on in a group's time zone (UTC for an unknown zone).
    public static DateOnly DateIn(DateTimeOffset instant, string timeZone)
    {
        var zone = TimeZoneInfo.TryFindSystemTimeZoneById(timeZone, out var z) ? z : TimeZoneInfo.Utc;
        return DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, zone).DateTime);
    }
}
