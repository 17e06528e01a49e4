using System.Diagnostics;
using System.Globalization;
using Pamoja.Web.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Pamoja.Web.Tests.Features.Schedules;

/// domain.md § Schedules and the daily engines: the engines "may crash halfway: money moves
/// exactly once regardless". The real command (`Pamoja.Web.dll engine --date … --group …`) is
/// killed with SIGKILL at seeded random moments, again and again, on its way through the
/// months; after a last uninterrupted run the groups hold exactly what one clean run made of
/// an identical set, and every journal verifies.
public sealed class EngineCrashTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly TestClock _clock = new(EngineScenario.CreatedAt);
    private PamojaFactory _app = null!;

    public async Task InitializeAsync() => _app = await ScheduleApp.CreateAsync(_clock, EngineScenario.Settings());
    public async Task DisposeAsync() => await _app.DisposeAsync();

    private static readonly DateOnly Final = new(2026, 8, 29);

    /// Where the killed runs were heading, moving forward. Reminders are planned for a run's last
    /// day only (due soon on the opening day, or on any day before the due date for obligations
    /// the run opened late; due today; overdue), so a run that happens to finish before its kill
    /// must end on a day that is none of these for any period, or the killed set would rightly
    /// hold reminders the clean run never sent: the 20th of a month is such a day (periods open on
    /// the 26th–29th, are due on the 1st and overdue by the 7th). The last target is the final date
    /// itself, the day September's obligations open with "due soon" reminders.
    private static readonly DateOnly[] Targets =
        [new(2026, 3, 20), new(2026, 4, 20), new(2026, 5, 20), new(2026, 6, 20), new(2026, 7, 20), Final];

    private const int Kills = 8;

    [Fact]
    public async Task Killing_the_engine_at_random_points_and_restarting_ends_exactly_where_one_clean_run_ends()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("PAMOJA_ENGINE_CRASH_SEED"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var s)
            ? s : Random.Shared.Next();
        output.WriteLine($"seed {seed} (PAMOJA_ENGINE_CRASH_SEED={seed} repeats this run's kill times)");
        var random = new Random(seed);
        var cs = TestDatabase.ConnectionString;

        var people = await EnginePeople.CreateAsync(_app);
        var a = (await EngineScenario.CreateAsync(_app, _clock, people)).Select(g => g.GroupId).ToList();
        var b = (await EngineScenario.CreateAsync(_app, _clock, people)).Select(g => g.GroupId).ToList();
        var before = await EngineFingerprint.TakeAsync(cs, b);
        EngineFingerprint.AssertSame(await EngineFingerprint.TakeAsync(cs, a), before, "the two sets before any engine run");

        // Set A: one clean run to the final date. Its duration bounds the kill delays.
        var clean = await EngineProcess.RunAsync(cs, EngineProcess.Args(Final, a));
        Assert.True(clean.ExitCode == 0, $"clean run: exit {clean.ExitCode}\n{clean.Stdout}\n{clean.Stderr}");
        output.WriteLine($"clean run: {clean.Took.TotalMilliseconds:0} ms: {clean.Stdout.Trim()}");
        var expected = await EngineFingerprint.TakeAsync(cs, a);
        Assert.NotEqual(before, expected); // the engines did something
        Assert.Contains(" fine ", expected, StringComparison.Ordinal);
        Assert.Contains(" payout ", expected, StringComparison.Ordinal);
        Assert.Contains(" reminder ", expected, StringComparison.Ordinal);

        // Set B: killed runs, their connections named so the test can see them in the database.
        // Even kills are blind: a delay anywhere in the length of a clean run (start-up is most
        // of it). Odd kills watch the database and strike while the process is inside an engine
        // transaction (reading a group under its locks, planning, or writing), and a few random
        // milliseconds later, so that work really is cut off, before or between the groups' commits.
        var appName = $"engine-crash-{Guid.NewGuid():N}"[..30];
        var child = new Npgsql.NpgsqlConnectionStringBuilder(cs) { ApplicationName = appName }.ConnectionString;
        var window = clean.Took;
        int interrupted = 0, inTransaction = 0, partial = 0, finished = 0;
        var log = new List<string>();
        // Up to three extra kills, striking at once, if no watched kill caught a transaction (a
        // run may finish in the moment between seeing its transaction and the kill).
        for (var kill = 0; kill < Kills || (inTransaction == 0 && kill < Kills + 3); kill++)
        {
            var extra = kill >= Kills;
            var target = extra ? Final : Targets[kill * Targets.Length / Kills];
            var watched = extra || kill % 2 == 1;
            // Watched kills alternate between striking at once (0–10 ms: surely inside the
            // transaction that was seen) and a little later (0–300 ms: between the groups' commits).
            var delay = TimeSpan.FromMilliseconds(!watched ? window.TotalMilliseconds * random.NextDouble()
                : extra || kill % 4 == 1 ? random.Next(0, 10) : random.Next(0, 300));
            var cursorsBefore = await EngineFingerprint.CursorsAsync(cs, b);

            var clock = Stopwatch.StartNew();
            using var process = Process.Start(EngineProcess.StartInfo(child, EngineProcess.Args(target, b)))!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            var seen = watched && await EngineTransactionSeenAsync(cs, appName, process, window * 3);
            await Task.Delay(delay);
            var at = clock.Elapsed;
            if (!process.HasExited)
            {
                try { process.Kill(entireProcessTree: true); }
                catch (InvalidOperationException) { /* it exited just now */ }
            }
            using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
                await process.WaitForExitAsync(timeout.Token);
            var code = process.ExitCode;
            var cursorsAfter = await EngineFingerprint.CursorsAsync(cs, b);
            string outcome;
            if (code == 0)
            {
                finished++;
                outcome = "finished before the kill";
            }
            else if (code != 137 && EngineProcess.TurnedAway(await stderr))
            {
                outcome = $"exit {code}: the database server had no connection slot left (53300), not counted";
            }
            else
            {
                // 137 = 128 + SIGKILL. Anything else is the engine failing on its own.
                Assert.True(code == 137, $"kill {kill} (seed {seed}): exit {code}\n{await stdout}\n{await stderr}");
                interrupted++;
                if (seen) inTransaction++;
                if (cursorsAfter != cursorsBefore) partial++;
                outcome = (seen ? "killed inside an engine transaction, " : "killed, ") +
                          (cursorsAfter != cursorsBefore ? "after some groups had committed" : "before any group committed");
            }
            log.Add($"kill {kill}: target {target:yyyy-MM-dd}, {(watched ? $"watched (+{delay.TotalMilliseconds:0} ms)" : "blind")}, at {at.TotalMilliseconds:0} ms: " +
                    $"{outcome}; cursors {cursorsBefore} -> {cursorsAfter}");
            _ = await stdout;
            _ = await stderr;

            // Whatever a kill leaves is consistent: every journal verifies after every kill.
            await EngineFingerprint.AssertLedgersAsync(_app, cs, b, $"after kill {kill} (seed {seed})");
        }
        var report = $"seed {seed}: {interrupted} runs killed ({inTransaction} inside an engine transaction, {partial} after some groups had committed), " +
                     $"{finished} finished before their kill\n{string.Join("\n", log)}";
        output.WriteLine(report);

        var last = await EngineProcess.RunAsync(cs, EngineProcess.Args(Final, b));
        Assert.True(last.ExitCode == 0, $"final run (seed {seed}): exit {last.ExitCode}\n{last.Stdout}\n{last.Stderr}");
        output.WriteLine($"final run: {last.Stdout.Trim()}");

        // Not vacuous: kills really stopped running engine processes, some in the middle of their work.
        Assert.True(interrupted >= 1, "no kill interrupted a run. " + report);
        Assert.True(inTransaction >= 1, "no kill landed inside an engine transaction. " + report);

        EngineFingerprint.AssertSame(expected, await EngineFingerprint.TakeAsync(cs, b), $"killed-and-restarted vs clean ({report})");
        await EngineFingerprint.AssertLedgersAsync(_app, cs, a, "clean set");
        await EngineFingerprint.AssertLedgersAsync(_app, cs, b, "killed set");
    }

    /// Waits (at most the limit, or until the process exits) until a connection of the process
    /// is inside a transaction that touches the engines' tables. True when one was seen.
    internal static async Task<bool> EngineTransactionSeenAsync(string cs, string appName, Process process, TimeSpan limit)
    {
        await using var db = new Npgsql.NpgsqlConnection(cs);
        await db.OpenAsync();
        await using var cmd = new Npgsql.NpgsqlCommand("""
            SELECT count(*) FROM pg_stat_activity
             WHERE application_name = $1 AND xact_start IS NOT NULL
               AND (query LIKE '%engine_cursors%' OR query LIKE '%ledger_heads%' OR query LIKE '%obligations%' OR query LIKE '%journal_%')
            """, db);
        cmd.Parameters.AddWithValue(appName);
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < limit && !process.HasExited)
        {
            if ((long)(await cmd.ExecuteScalarAsync())! > 0) return true;
            await Task.Delay(2);
        }
        return false;
    }
}

/// The same command without --group, as cron runs it: every group, through the job queue (one
/// job per group and date). Killed while a job is inside its engine transaction, the job's
/// claim is left behind with its lease; running the command again for the date must still
/// finish the date (or at least not report success while groups are left undone).
public sealed class EngineCrashJobPathTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly TestClock _clock = new(EngineScenario.CreatedAt);
    private readonly string _cs = TestDatabase.CreateDatabase("pamoja_engine_crash");
    private PamojaFactory _app = null!;

    public async Task InitializeAsync() =>
        _app = await ScheduleApp.CreateAsync(_clock, EngineScenario.Settings(("Jobs:Enabled", "false")), _cs);

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        TestDatabase.Drop(_cs);
    }

    [Fact]
    public async Task Running_the_command_again_after_a_killed_run_of_every_group_finishes_the_date()
    {
        var people = await EnginePeople.CreateAsync(_app);
        var groups = (await EngineScenario.CreateAsync(_app, _clock, people)).Select(g => g.GroupId).ToList();
        var appName = $"engine-crash-{Guid.NewGuid():N}"[..30];
        var child = new Npgsql.NpgsqlConnectionStringBuilder(_cs) { ApplicationName = appName }.ConnectionString;

        // Kill runs inside an engine transaction until one really is cut off (a run may finish first).
        DateOnly? date = null;
        string cursorsAtKill = "";
        foreach (var candidate in new DateOnly[] { new(2026, 3, 20), new(2026, 4, 20), new(2026, 5, 20), new(2026, 6, 20) })
        {
            using var process = Process.Start(EngineProcess.StartInfo(child, "--date", candidate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)))!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            var seen = await EngineCrashTests.EngineTransactionSeenAsync(_cs, appName, process, TimeSpan.FromSeconds(30));
            if (!process.HasExited)
            {
                try { process.Kill(entireProcessTree: true); }
                catch (InvalidOperationException) { /* it exited just now */ }
            }
            using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
                await process.WaitForExitAsync(timeout.Token);
            _ = await stdout;
            var errors = await stderr;
            cursorsAtKill = await EngineFingerprint.CursorsAsync(_cs, groups);
            output.WriteLine($"run for {candidate:yyyy-MM-dd}: exit {process.ExitCode}, engine transaction seen: {seen}, cursors {cursorsAtKill}");
            if (process.ExitCode is not (0 or 137) && EngineProcess.TurnedAway(errors)) continue; // the server was full, not the engine's doing
            Assert.True(process.ExitCode is 0 or 137, $"exit {process.ExitCode}: {errors}");
            if (process.ExitCode == 137 && seen && cursorsAtKill.Split(',').Any(c => c != candidate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)))
            {
                date = candidate;
                break;
            }
        }
        Assert.True(date is not null, "no kill cut off an engine run");
        var day = date.Value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var jobs = await LedgerData.RowsAsync(_cs, "SELECT status, count(*) FROM jobs WHERE payload->>'through' = $1 GROUP BY status ORDER BY status", day);
        output.WriteLine($"jobs for {day} after the kill: {string.Join(", ", jobs.Select(r => $"{r[0]} {r[1]}"))}");
        await EngineFingerprint.AssertLedgersAsync(_app, _cs, groups, "after the kill");

        var rerun = await EngineProcess.RunAsync(_cs, "--date", day);
        output.WriteLine($"rerun: exit {rerun.ExitCode}: {rerun.Stdout.Trim()}");
        var cursors = await EngineFingerprint.CursorsAsync(_cs, groups);
        var after = await LedgerData.RowsAsync(_cs, "SELECT status, count(*) FROM jobs WHERE payload->>'through' = $1 GROUP BY status ORDER BY status", day);
        var state = $"cursors after the kill {cursorsAtKill}, after the rerun {cursors}; jobs after the rerun: {string.Join(", ", after.Select(r => $"{r[0]} {r[1]}"))}; " +
                    $"rerun exit {rerun.ExitCode}: {rerun.Stdout.Trim()} {rerun.Stderr.Trim()}";
        // Either the rerun finished the date, or it did not claim success.
        Assert.True(cursors == string.Join(",", groups.Select(_ => day)) || rerun.ExitCode != 0,
            $"the rerun for {day} exited 0 but left groups undone: {state}");
        Assert.True(cursors == string.Join(",", groups.Select(_ => day)), $"the rerun for {day} did not finish the date: {state}");
        await EngineFingerprint.AssertLedgersAsync(_app, _cs, groups, "after the rerun");
    }
}
