using Pamoja.Web.Data;
using Pamoja.Web.Features.Demo;

namespace Pamoja.Web;

/// The verbs the ./pamoja script (and operators) call on the built app.
public static class PamojaCli
{
    public static readonly string[] Verbs = ["serve", "migrate", "seed-demo", "verify", "engine"];

    public static (string Verb, string[] HostArgs) SplitVerb(string[] args) =>
        args.Length > 0 && !args[0].StartsWith('-') ? (args[0], args[1..]) : ("serve", args);

    public static async Task<int> RunAsync(WebApplication app, string verb, string[]? args = null)
    {
        try
        {
            switch (verb)
            {
                case "serve":
                    await app.RunAsync();
                    return 0;
                case "migrate":
                    var applied = await Migrate(app);
                    Console.WriteLine(applied.Count == 0 ? "Database is up to date." : $"Applied {applied.Count} migration(s): {string.Join(", ", applied)}");
                    return 0;
                case "seed-demo":
                    await Migrate(app);
                    await using (var scope = app.Services.CreateAsyncScope())
                    {
                        var lines = await scope.ServiceProvider.GetRequiredService<DemoSeed>().RunAsync();
                        if (lines.Count > 0)
                        {
                            Console.WriteLine($"Demo logins (password: {DemoSeed.DemoPassword}; chat PIN: {DemoSeed.DemoChatPin}):");
                            foreach (var line in lines) Console.WriteLine(line);
                        }
                        else
                        {
                            Console.WriteLine("The database already had accounts; no demo data added.");
                        }
                    }
                    return 0;
                case "verify":
                    return await Verify(app);
                case "engine":
                    return await Engine(app, args);
                default:
                    await Console.Error.WriteLineAsync($"Unknown command '{verb}'. Known: {string.Join(", ", Verbs)}.");
                    return 2;
            }
        }
        catch (Exception ex) when (Unwrap(ex) is MigrationFailedException failed)
        {
            // The app refuses to start on a broken schema, and says which file and why.
            await Console.Error.WriteLineAsync("Pamoja cannot start: " + failed.Message);
            return 1;
        }
    }

    /// Every group's chain and the conservation of money; non-zero exit naming the first bad
    /// entry of each bad group (./pamoja verify, and a cron job in production).
    private static async Task<int> Verify(WebApplication app)
    {
        await Migrate(app);
        await using var scope = app.Services.CreateAsyncScope();
        var results = await scope.ServiceProvider.GetRequiredService<Features.Ledger.VerifyLedger>().VerifyAllAsync(CancellationToken.None);
        var bad = 0;
        foreach (var (groupId, name, result) in results)
        {
            if (result.Valid) continue;
            bad++;
            var p = result.FirstInvalid!;
            await Console.Error.WriteLineAsync($"INVALID {groupId} ({name}): {(p.EntryId is null ? "" : $"entry {p.EntryId}" + (p.Seq is null ? "" : $" (seq {p.Seq})") + ": ")}{p.Reason}");
        }
        var entries = results.Sum(r => r.Result.Entries);
        Console.WriteLine(bad == 0
            ? $"All {results.Count} group ledgers verify: {entries} entries, every chain intact, every balance equal to its lines."
            : $"{bad} of {results.Count} group ledgers failed verification.");
        return bad == 0 ? 0 : 1;
    }

    /// `engine --date YYYY-MM-DD [--group <id>]…`: runs every engine step due up to the date, for
    /// every group or the ones named; running it again changes nothing.
    private static async Task<int> Engine(WebApplication app, string[]? args)
    {
        args ??= [];
        string? date = null;
        var groups = new List<Guid>();
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--date" && i + 1 < args.Length) date = args[++i];
            else if (args[i] == "--group" && i + 1 < args.Length && Guid.TryParse(args[i + 1], out var g)) { groups.Add(g); i++; }
            else
            {
                await Console.Error.WriteLineAsync("Usage: engine --date YYYY-MM-DD [--group <group id>]...");
                return 2;
            }
        }
        var clock = app.Services.GetRequiredService<TimeProvider>();
        if (Features.Schedules.SchedulesApi.ParseBusinessDate(date, clock, out var businessDate) is { } error)
        {
            await Console.Error.WriteLineAsync(error);
            return 2;
        }
        await Migrate(app);
        var summary = await app.Services.GetRequiredService<Features.Schedules.DailyEngines>()
            .RunAsync(businessDate, groups.Count == 0 ? null : groups, CancellationToken.None);
        Console.WriteLine($"Engines ran through {summary.BusinessDate:yyyy-MM-dd}: {summary.GroupsRun} group(s) run of {summary.GroupsQueued} queued; " +
                          $"{summary.CyclesStarted} cycle(s) started, {summary.ObligationsOpened} obligation(s) opened, {summary.FinesCharged} fine(s), " +
                          $"{summary.PayoutsReserved} payout(s) reserved, {summary.Reminders} reminder(s); {summary.Failed} failed" +
                          (summary.Unfinished > 0 ? $"; {summary.Unfinished} group(s) still unfinished (queued for a retry or held by another instance)." : "."));
        return summary.Failed == 0 && summary.Unfinished == 0 ? 0 : 1;
    }

    private static Task<IReadOnlyList<string>> Migrate(WebApplication app) =>
        app.Services.GetRequiredService<MigrationRunner>().ApplyAsync(Migration.Embedded());

    private static Exception Unwrap(Exception ex) =>
        ex is AggregateException { InnerExceptions.Count: 1 } agg ? Unwrap(agg.InnerExceptions[0]) : ex;
}
