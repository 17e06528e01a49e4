using Microsoft.Extensions.DependencyInjection;
using Pamoja.Web.Features.Schedules;
using Pamoja.Web.Jobs;
using Pamoja.Web.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Pamoja.Web.Tests.Features.Schedules;

/// domain.md § Schedules and the daily engines: the engines "may run on several app instances
/// at once: money moves exactly once regardless". Two identical sets of groups: one run by a
/// single instance, the other by three instances started at the same moment, directly and
/// through the job queue; what the engines made must be the same, line for line.
public sealed class EngineConcurrencyTests(ITestOutputHelper output)
{
    private static readonly DateOnly Through = new(2026, 8, 29);
    private const int Instances = 3;

    private readonly TestClock _clock = new(EngineScenario.CreatedAt);

    /// Instances that run jobs only when told to (DrainAsync): nothing else claims work.
    private Task<PamojaFactory> InstanceAsync(string? connectionString = null) =>
        ScheduleApp.CreateAsync(_clock, EngineScenario.Settings(("Jobs:Enabled", "false")), connectionString);

    private static async Task<T[]> AllAtOnceAsync<T>(IEnumerable<PamojaFactory> apps, Func<PamojaFactory, Task<T>> run)
    {
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tasks = apps.Select(app => Task.Run(async () =>
        {
            await go.Task;
            return await run(app);
        })).ToList();
        go.SetResult();
        return await Task.WhenAll(tasks);
    }

    private static void AssertNoErrors(IEnumerable<PamojaFactory> apps)
    {
        var i = 0;
        foreach (var app in apps)
        {
            var errors = app.Logs.Errors();
            Assert.True(errors.Length == 0, $"instance {i++} logged errors:\n{errors}");
        }
    }

    [Fact]
    public async Task Three_instances_running_the_same_groups_on_one_date_at_once_make_what_one_instance_makes()
    {
        var apps = new List<PamojaFactory>();
        try
        {
            for (var i = 0; i < Instances; i++) apps.Add(await InstanceAsync());
            var cs = TestDatabase.ConnectionString;
            var people = await EnginePeople.CreateAsync(apps[0]);
            var a = (await EngineScenario.CreateAsync(apps[0], _clock, people)).Select(g => g.GroupId).ToList();
            var b = (await EngineScenario.CreateAsync(apps[0], _clock, people)).Select(g => g.GroupId).ToList();

            var single = await apps[0].Services.GetRequiredService<DailyEngines>().RunAsync(Through, a, CancellationToken.None);
            Assert.True(single.Failed == 0, apps[0].Logs.Errors());
            Assert.Equal(EngineScenario.GroupCount, single.GroupsRun);

            var raced = await AllAtOnceAsync(apps, app => app.Services.GetRequiredService<DailyEngines>().RunAsync(Through, b, CancellationToken.None));
            foreach (var summary in raced) output.WriteLine(summary.ToString());
            Assert.All(raced, s => Assert.Equal(0, s.Failed));
            AssertNoErrors(apps);

            EngineFingerprint.AssertSame(await EngineFingerprint.TakeAsync(cs, a), await EngineFingerprint.TakeAsync(cs, b), "three instances vs one");
            await EngineFingerprint.AssertLedgersAsync(apps[0], cs, a, "one instance");
            await EngineFingerprint.AssertLedgersAsync(apps[0], cs, b, "three instances");

            // Each effect happened once, so the three summaries together count the effects the one made.
            Assert.Equal(
                (single.CyclesStarted, single.ObligationsOpened, single.FinesCharged, single.PayoutsReserved),
                (raced.Sum(s => s.CyclesStarted), raced.Sum(s => s.ObligationsOpened), raced.Sum(s => s.FinesCharged), raced.Sum(s => s.PayoutsReserved)));
            // (How the summaries count a run that found the work done: the next test.)
        }
        finally
        {
            foreach (var app in apps) await app.DisposeAsync();
        }
    }

    /// The race above, made certain: a group that has never run has no cursor row to lock, so
    /// instances that start together all read "never run" and then queue on the group's ledger
    /// head. The test holds those heads until all three instances (each running the three
    /// groups at once) are waiting on them, then lets go: one instance does each group's work,
    /// the others must add nothing, and say so in their summaries.
    [Fact]
    public async Task Instances_that_queued_behind_one_another_on_a_group_add_nothing_and_report_nothing()
    {
        var apps = new List<PamojaFactory>();
        try
        {
            for (var i = 0; i < Instances; i++) apps.Add(await InstanceAsync());
            var cs = TestDatabase.ConnectionString;
            var people = await EnginePeople.CreateAsync(apps[0]);
            var a = (await EngineScenario.CreateAsync(apps[0], _clock, people)).Select(g => g.GroupId).ToList();
            var b = (await EngineScenario.CreateAsync(apps[0], _clock, people)).Select(g => g.GroupId).ToList();
            var single = await apps[0].Services.GetRequiredService<DailyEngines>().RunAsync(Through, a, CancellationToken.None);
            Assert.True(single.Failed == 0, apps[0].Logs.Errors());

            EngineRunSummary[] raced;
            await using (var db = new Npgsql.NpgsqlConnection(cs))
            {
                await db.OpenAsync();
                await using var tx = await db.BeginTransactionAsync();
                await using (var hold = new Npgsql.NpgsqlCommand("SELECT seq FROM ledger_heads WHERE group_id = ANY($1) FOR UPDATE", db, tx))
                {
                    hold.Parameters.AddWithValue(b.ToArray());
                    await hold.ExecuteNonQueryAsync();
                }
                var running = apps.Select(app => Task.Run(() => app.Services.GetRequiredService<DailyEngines>().RunAsync(Through, b, CancellationToken.None))).ToList();
                var waiting = 0L;
                var deadline = DateTime.UtcNow.AddSeconds(30);
                while (waiting < Instances * b.Count && DateTime.UtcNow < deadline && !running.Any(t => t.IsCompleted))
                {
                    await Task.Delay(20);
                    waiting = await LedgerData.CountAsync(cs, """
                        SELECT count(*) FROM pg_stat_activity
                         WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%FROM ledger_heads WHERE group_id = $1 FOR UPDATE%'
                        """);
                }
                output.WriteLine($"{waiting} engine transactions were waiting on the held ledger heads");
                await tx.CommitAsync();
                raced = await Task.WhenAll(running);
            }
            foreach (var summary in raced) output.WriteLine(summary.ToString());
            Assert.All(raced, s => Assert.Equal(0, s.Failed));
            AssertNoErrors(apps);

            EngineFingerprint.AssertSame(await EngineFingerprint.TakeAsync(cs, a), await EngineFingerprint.TakeAsync(cs, b), "three queued instances vs one");
            await EngineFingerprint.AssertLedgersAsync(apps[0], cs, b, "three queued instances");
            Assert.Equal(
                (single.CyclesStarted, single.ObligationsOpened, single.FinesCharged, single.PayoutsReserved),
                (raced.Sum(s => s.CyclesStarted), raced.Sum(s => s.ObligationsOpened), raced.Sum(s => s.FinesCharged), raced.Sum(s => s.PayoutsReserved)));

            // An instance that found the work done reports nothing (as a second run for the same
            // date does): the reminders it counted were never queued (their dedupe keys existed).
            var queued = await ReminderRowsAsync(cs, b);
            Assert.True((single.GroupsRun, single.Reminders) == (raced.Sum(s => s.GroupsRun), raced.Sum(s => s.Reminders)),
                $"one instance reported {single.GroupsRun} groups run and {single.Reminders} reminders; the three queued instances together " +
                $"{raced.Sum(s => s.GroupsRun)} groups run and {raced.Sum(s => s.Reminders)} reminders, for {queued} reminders queued\n{string.Join("\n", raced)}");
        }
        finally
        {
            foreach (var app in apps) await app.DisposeAsync();
        }
    }

    [Fact]
    public async Task Three_instances_draining_the_engine_jobs_at_once_make_what_one_instance_makes()
    {
        // The drain claims every engine job in its database: this test has one of its own.
        var cs = TestDatabase.CreateDatabase("pamoja_engines");
        var apps = new List<PamojaFactory>();
        try
        {
            apps.Add(await InstanceAsync(cs)); // migrates the new database
            for (var i = 1; i < Instances; i++) apps.Add(await InstanceAsync(cs));
            var people = await EnginePeople.CreateAsync(apps[0]);
            var a = (await EngineScenario.CreateAsync(apps[0], _clock, people)).Select(g => g.GroupId).ToList();
            var b = (await EngineScenario.CreateAsync(apps[0], _clock, people)).Select(g => g.GroupId).ToList();

            // Set A: its jobs, drained by one instance.
            Assert.Equal(a.Count, await apps[0].Services.GetRequiredService<DailyEngines>().EnqueueAsync(Through, a, CancellationToken.None));
            var alone = await apps[0].Services.GetRequiredService<JobWorker>().DrainAsync([DailyEngines.JobKind], CancellationToken.None);
            Assert.Equal(new DrainResult(a.Count, 0, 0), alone);

            // Set B: its jobs (queued twice: the second enqueue is a no-op), drained by three at once.
            Assert.Equal(b.Count, await apps[1].Services.GetRequiredService<DailyEngines>().EnqueueAsync(Through, b, CancellationToken.None));
            Assert.Equal(0, await apps[2].Services.GetRequiredService<DailyEngines>().EnqueueAsync(Through, b, CancellationToken.None));
            var drained = await AllAtOnceAsync(apps, app => app.Services.GetRequiredService<JobWorker>().DrainAsync([DailyEngines.JobKind], CancellationToken.None));
            output.WriteLine(string.Join("; ", drained.Select(d => d.ToString())));
            Assert.Equal(b.Count, drained.Sum(d => d.Succeeded));
            Assert.Equal(0, drained.Sum(d => d.Failed + d.Dead));
            AssertNoErrors(apps);

            // Every job ran once: done on its first attempt.
            var jobs = await LedgerData.RowsAsync(cs, "SELECT group_id, status, attempts FROM jobs WHERE kind = $1", DailyEngines.JobKind);
            Assert.Equal(a.Count + b.Count, jobs.Count);
            Assert.All(jobs, j => Assert.Equal(("done", 1), ((string)j[1]!, (int)j[2]!)));

            EngineFingerprint.AssertSame(await EngineFingerprint.TakeAsync(cs, a), await EngineFingerprint.TakeAsync(cs, b), "jobs drained by three instances vs one");
            await EngineFingerprint.AssertLedgersAsync(apps[0], cs, a, "one instance");
            await EngineFingerprint.AssertLedgersAsync(apps[0], cs, b, "three instances");

            // Draining again, anywhere, finds nothing.
            var again = await AllAtOnceAsync(apps, app => app.Services.GetRequiredService<JobWorker>().DrainAsync([DailyEngines.JobKind], CancellationToken.None));
            Assert.All(again, d => Assert.Equal(0, d.Total));
            EngineFingerprint.AssertSame(await EngineFingerprint.TakeAsync(cs, a), await EngineFingerprint.TakeAsync(cs, b), "after draining again");
        }
        finally
        {
            foreach (var app in apps) await app.DisposeAsync();
            TestDatabase.Drop(cs);
        }
    }

    private static async Task<long> ReminderRowsAsync(string cs, IEnumerable<Guid> groups)
    {
        var total = 0L;
        foreach (var g in groups)
            total += await LedgerData.CountAsync(cs, "SELECT count(*) FROM notification_outbox WHERE dedupe_key LIKE 'reminder:' || $1::text || ':%'", g);
        return total;
    }
}
