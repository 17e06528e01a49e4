namespace Pamoja.Web.Features.Groups;

/// A group's business date: "today" where the group lives, not on the server.
public static class GroupClock
{
    public static DateOnly Today(this TimeProvider clock, string timeZone)
    {
        var zone = TimeZoneInfo.TryFindSystemTimeZoneById(timeZone, out var z) ? z : TimeZoneInfo.Utc;
        return DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(clock.GetUtcNow(), zone).DateTime);
    }
}
