namespace Pamoja.Web.Tests.Infrastructure;

/// An app on a fake clock for schedule and engine tests, which move the clock by months:
/// bearer tokens live long enough for that (a token's lifetime is tested with the accounts).
public static class ScheduleApp
{
    public static Task<PamojaFactory> CreateAsync(TestClock clock, IDictionary<string, string?>? settings = null, string? connectionString = null)
    {
        var all = new Dictionary<string, string?> { ["Accounts:BearerTokenLifetime"] = "3650.00:00:00" };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) all[key] = value;
        return PamojaFactory.CreateAsync(clock, all, connectionString);
    }
}
