using System.Collections.Concurrent;

namespace Pamoja.Web.Features.Groups;

/// A group's business date: "today" where the group lives, not on the server.
public static class GroupClock
{
    // TimeZoneInfo looks zones up under one process-wide lock; the engines ask for every group
    // on every run, so the handful of zones in use are kept here (unknown ids are not).
    private static readonly ConcurrentDictionary<string, TimeZoneInfo> Zones = new(StringComparer.Ordinal);

    public static DateOnly Today(this TimeProvider clock, string timeZone) => DateIn(clock.GetUtcNow(), timeZone);

    /// The date an instant falls on in a group's time zone (UTC for an unknown zone).
    public static DateOnly DateIn(DateTimeOffset instant, string timeZone) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, Zone(timeZone)).DateTime);

    /// The zone with this IANA id; UTC for an unknown one.
    public static TimeZoneInfo Zone(string timeZone)
    {
        if (Zones.TryGetValue(timeZone, out var zone)) return zone;
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(timeZone, out var found)) return TimeZoneInfo.Utc;
        return Zones.GetOrAdd(timeZone, found);
    }
}
