using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using System.Runtime.InteropServices;
using Npgsql;
using Pamoja.Core.Engines;
using Pamoja.Web.Features.Schedules;

namespace Pamoja.Bench.Engines;

/// The daily engines over many groups on one heavy business day, against a ceiling measured
/// in the same run (the same rows written as batched raw SQL), and two engine instances against
/// one (issue 5; docs/performance.md § Daily engines). Each phase runs the day once on its own
/// identical copy of the seeded database. Exit code: 0 when it ran, whatever the ratios; 1 when
/// it could not run, a group failed, or what was written is wrong; 2 for a bad command line.
public static class EnginesBench
{
    private const double CeilingTarget = 0.7;
    private const double InstancesTarget = 0.9;
    // Enough runs of every path for .NET's tiered JIT to reach its optimised code before the
    // clock starts (the app runs for days; the first seconds after start-up are not its speed).
    private const int WarmupGroups = 250;
    private static bool _warnedCheckpoint;

    private sealed record PhaseRun(string Key, string Label, string Database, TimeSpan Elapsed, int GroupsRun, int Failed, string Note,
        TimeSpan ClientCpu, TimeSpan? ServerCpu, (double Busy, double IoWait)? Machine, EngineChecks.ServerCounters Counters, long Allocated, int Collections)
    {
        public double GroupsPerSecond(int groups) => groups / Elapsed.TotalSeconds;
    }

    public static async Task<int> MainAsync(string[] args, CancellationToken ct)
    {
        var (options, message) = EnginesOptions.Parse(args);
        if (options is null)
        {
            var help = args.Any(a => a is "-h" or "--help");
            (help ? Console.Out : Console.Error).WriteLine(message);
            return help ? 0 : 2;
        }
        await using var server = new BenchServer { Keep = options.Keep };
        return await RunAsync(options, server, ct);
    }

    private static async Task<int> RunAsync(EnginesOptions o, BenchServer server, CancellationToken ct)
    {
        var scenario = new EngineScenario(o);
        var day = scenario.Day;
        var total = Stopwatch.StartNew();
        Console.WriteLine("Pamoja benchmark: the daily engines (DailyEngines → RunGroupEngines) against the same rows written as batched raw SQL (the ceiling)");
        Console.WriteLine($"  date       {DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC");
        var serverUrl = new NpgsqlConnectionStringBuilder(BenchDatabase.ServerConnectionString);
        Console.WriteLine($"  machine    {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}, {(GCSettings.IsServerGC ? "server" : "workstation")} GC");

        // The template: migrated, seeded, vacuumed and analysed once.
        var seedClock = Stopwatch.StartNew();
        var template = await server.CreateMigratedAsync("template", ct);
        IReadOnlyList<SeedGroup> groups;
        IReadOnlyList<TableFingerprint> baseline;
        await using (var db = server.DataSource(template, "pamoja-bench-seed"))
        {
            var (pgVersion, syncCommit, fsync, sharedBuffers) = await BenchMain.MachineFactsAsync(db, ct);
            Console.WriteLine($"  postgres   {pgVersion} at {serverUrl.Host}:{serverUrl.Port}, synchronous_commit={syncCommit}, fsync={fsync}, shared_buffers={sharedBuffers}");
            Console.WriteLine($"  before     {await BenchMain.IdleCheckAsync(ct)}");
            groups = await scenario.SeedAsync(db, 1, o.Groups, ct);
            if (o.TemplateSql is { } sql)
            {
                await using (var what = db.CreateCommand(sql)) await what.ExecuteNonQueryAsync(ct);
                await using (var analyze = db.CreateCommand("ANALYZE")) await analyze.ExecuteNonQueryAsync(ct);
                Console.WriteLine($"  WHAT-IF    ran on the template before copying (not the app's schema): {sql}");
            }
            baseline = await EngineChecks.FingerprintAsync(db, ct);
        }
        var seeded = seedClock.Elapsed;

        // One identical copy per phase. Order: the ceiling and the engines alternate in pairs,
        // C R R C C R R C … (two instances after the first two engine runs): each side is the
        // mean of its runs, placed symmetrically, so a machine that drifts faster or slower
        // during the run (this one's speed varies by a third from run to run) moves both sides
        // alike, and more rounds average out a busy neighbour's bursts. Then the informational paths.
        var phases = new List<string>();
        for (var round = 1; round <= o.Rounds; round++)
        {
            var (first, second) = round % 2 == 1 ? ($"ceiling{round}", $"real{round}") : ($"real{round}", $"ceiling{round}");
            phases.AddRange([first, second]);
            if (round == 2 && o.Instances) phases.Insert(phases.IndexOf("real2"), "two");
        }
        if (o.Worker) phases.Add("worker");
        if (o.Direct) phases.Add("direct");
        var copies = new Dictionary<string, string>();
        var cloneClock = Stopwatch.StartNew();
        foreach (var phase in phases)
            copies[phase] = await server.CloneAsync(template, phase, ct);
        var cloned = cloneClock.Elapsed;
        await server.DropAsync(template);

        // The ceiling's rows, worked out before the clock starts.
        var planClock = Stopwatch.StartNew();
        var now = DateTimeOffset.UtcNow;
        var plans = groups.Select(g => EngineCeiling.Plan(scenario, g, now)).ToList();
        var planned = planClock.Elapsed;

        var obligations = plans.Sum(p => p.Obligations.Count);
        var fines = plans.Sum(p => p.Fines.Count);
        var payouts = plans.Sum(p => p.Payouts.Count);
        var postings = fines + payouts;
        var lines = plans.Sum(p => p.Entries.Sum(e => e.Entry.Lines.Count));
        var reminders = plans.Sum(p => p.Reminders.Count);
        Console.WriteLine($"  database   {server.Prefix}_* : a template migrated by MigrationRunner and seeded, then one copy per phase " +
                          $"(CREATE DATABASE … TEMPLATE); {(o.Keep ? "kept" : "dropped")} at the end");
        Console.WriteLine($"  groups     {N(o.Groups)} rotating groups × {o.Members} members in each copy: weekly, KES 1,000.00 each, gross pot of KES {N(scenario.Pot / 100)}, " +
                          $"fixed order, flat fine KES 50.00 after {EngineScenario.GraceDays} grace days, payout when all is collected");
        Console.WriteLine($"  seeded     {Seconds(seeded)} (periods 1–{o.History + 1} open, {o.History} paid out, contributions recorded, cursors at {day.AddDays(-1):yyyy-MM-dd}); " +
                          $"{phases.Count} copies in {Seconds(cloned)}; the ceiling's rows planned in {Seconds(planned)}");
        Console.WriteLine($"  day        {day:yyyy-MM-dd ddd}: period {o.History + 1}'s due date + {EngineScenario.GraceDays + 1} (its fine day) = the day period {o.History + 2}'s obligations open");
        foreach (var kind in plans.GroupBy(p => (p.Obligations.Count, p.Fines.Count, p.Payouts.Count, DueSoon: p.Reminders.Count - p.OverdueReminders, p.OverdueReminders))
                     .OrderByDescending(k => k.Count()))
        {
            var (opened, fined, paid, dueSoon, overdue) = kind.Key;
            Console.WriteLine($"    {N(kind.Count()),7} groups: {opened} obligations opened (period {o.History + 2}), " +
                              (fined > 0 ? $"{fined} late fines (a posting each), " : "") +
                              (paid > 0 ? $"{paid} payout reserved (a posting), " : "no payout (not all collected), ") +
                              $"{dueSoon} \"due soon\"{(overdue > 0 ? $" + {overdue} \"overdue\"" : "")} reminders, the cursor");
        }
        Console.WriteLine($"    in all: {N(postings)} postings ({N(payouts)} payouts, {N(fines)} fines; {N(lines)} lines), {N(obligations)} obligations, " +
                          $"{N(reminders)} reminders, {N(o.Groups)} cursors");
        Console.WriteLine($"  method     Jobs:Concurrency {o.Concurrency} for one instance, {o.SlotsPerInstance} for each of two, {o.Concurrency} ceiling writers; each phase runs " +
                          "the day once on its own copy, after a CHECKPOINT, timed from the first call to the last commit; a warm-up on a small database first");
        Console.WriteLine();

        await WarmUpAsync(server, scenario, o, ct);

        Console.WriteLine("Measured");
        Console.WriteLine($"  {"phase",-8} {"what runs",-52} {"time",8} {"groups/s",9} {"postings/s",11}  {"xacts/grp",9} {"rows w/grp",10}  machine CPU busy, iowait; CPU ms/group: app + PostgreSQL; the app's allocations and gen0 GCs");
        var runs = new Dictionary<string, PhaseRun>();
        foreach (var phase in phases)
        {
            var db = copies[phase];
            runs[phase] = phase switch
            {
                _ when IsCeiling(phase) => await MeasureCeilingAsync(server, phase, db, plans, day, now, o.Concurrency, ct),
                _ when IsReal(phase) => await MeasureEnginesAsync(server, phase, db, day, o.Concurrency, 1, ct),
                "two" => await MeasureEnginesAsync(server, phase, db, day, o.SlotsPerInstance, 2, ct),
                "worker" => await MeasureWorkerAsync(server, db, day, o.Concurrency, ct),
                "direct" => await MeasureDirectAsync(server, db, day, groups.Select(g => g.Id).ToList(), o.Concurrency, ct),
                _ => throw new InvalidOperationException(phase),
            };
            Print(runs[phase], o.Groups, postings);
        }
        Console.WriteLine();

        var healthy = await CheckAsync(server, copies, runs, baseline, plans, groups, day, o, ct);
        Console.WriteLine();

        // Each side is the mean throughput of its runs; each round's own ratio is shown too.
        var ceilings = runs.Values.Where(r => IsCeiling(r.Key)).ToList();
        var reals = runs.Values.Where(r => IsReal(r.Key)).ToList();
        var ceilingRate = ceilings.Average(r => r.GroupsPerSecond(o.Groups));
        var single = reals.Average(r => r.GroupsPerSecond(o.Groups));
        var ratio = single / ceilingRate;
        var rounds = Enumerable.Range(1, o.Rounds)
            .Select(k => runs[$"real{k}"].GroupsPerSecond(o.Groups) / runs[$"ceiling{k}"].GroupsPerSecond(o.Groups)).ToList();
        var median = Median(rounds);
        var ceilingCpu = (Client: ceilings.Aggregate(TimeSpan.Zero, (t, r) => t + r.ClientCpu), Server: ceilings.Aggregate((TimeSpan?)TimeSpan.Zero, (t, r) => t + r.ServerCpu));
        var realCpu = (Client: reals.Aggregate(TimeSpan.Zero, (t, r) => t + r.ClientCpu), Server: reals.Aggregate((TimeSpan?)TimeSpan.Zero, (t, r) => t + r.ServerCpu));
        Console.WriteLine($"Result ({N(o.Groups)} groups × {o.Members} members, one day: {N(postings)} postings, {N(obligations)} obligations, {N(reminders)} reminders)" +
                          (o.TemplateSql is null ? "" : "  WHAT-IF: with --template-sql, not the app's schema"));
        Console.WriteLine($"  ceiling  raw SQL, same rows, {o.Concurrency} writers (mean of {o.Rounds}) {N(ceilingRate),15} groups/s  {N(ceilingRate * postings / o.Groups),6} postings/s" +
                          $"   ({string.Join(", ", ceilings.Select(r => N(r.GroupsPerSecond(o.Groups))))})");
        Console.WriteLine($"  real     DailyEngines.RunAsync, jobs (mean of {o.Rounds}) {N(single),15} groups/s  {N(single * postings / o.Groups),6} postings/s" +
                          $"   ({string.Join(", ", reals.Select(r => N(r.GroupsPerSecond(o.Groups))))})");
        Console.WriteLine($"  ratio    real / ceiling                        {BenchMain.Ratio(ratio)}   target ≥ {CeilingTarget.ToString("0.0", CultureInfo.InvariantCulture)}: {(ratio >= CeilingTarget ? "PASS" : "FAIL")}" +
                          $"   (round by round {string.Join(", ", rounds.Select(BenchMain.Ratio))}; median {BenchMain.Ratio(median)})");
        Console.WriteLine($"  CPU      per group, app + PostgreSQL: ceiling {Ms(ceilingCpu.Client, o.Rounds * o.Groups)} + {Cpu(ceilingCpu.Server, o.Rounds * o.Groups)} ms, " +
                          $"real {Ms(realCpu.Client, o.Rounds * o.Groups)} + {Cpu(realCpu.Server, o.Rounds * o.Groups)} ms (steadier than the time on a busy machine)");
        if (runs.TryGetValue("two", out var two))
        {
            // Against the two single-instance runs either side of it.
            var around = (runs["real1"].GroupsPerSecond(o.Groups) + runs["real2"].GroupsPerSecond(o.Groups)) / 2;
            var instances = two.GroupsPerSecond(o.Groups) / around;
            Console.WriteLine($"  2 inst   two instances, {o.SlotsPerInstance} slots each           {Seconds(two.Elapsed),8}  {N(two.GroupsPerSecond(o.Groups)),6} groups/s   ({two.Note})");
            Console.WriteLine($"  ratio    2 instances / 1 instance              {BenchMain.Ratio(instances)}   target ≥ {InstancesTarget.ToString("0.0", CultureInfo.InvariantCulture)}: {(instances >= InstancesTarget ? "PASS" : "FAIL")}");
        }
        if (runs.TryGetValue("worker", out var worker))
            Console.WriteLine($"  worker   JobWorker.DrainAsync, for information {Seconds(worker.Elapsed),8}  {N(worker.GroupsPerSecond(o.Groups)),6} groups/s   (ratio to the ceiling {BenchMain.Ratio(worker.GroupsPerSecond(o.Groups) / ceilingRate)})");
        if (runs.TryGetValue("direct", out var direct))
            Console.WriteLine($"  direct   no jobs, for information             {Seconds(direct.Elapsed),8}  {N(direct.GroupsPerSecond(o.Groups)),6} groups/s   (ratio to the ceiling {BenchMain.Ratio(direct.GroupsPerSecond(o.Groups) / ceilingRate)})");
        Console.WriteLine($"  load     {BenchMain.LoadAverage()} after the run (its own load included); whole run {Seconds(total.Elapsed)}");
        Console.WriteLine();
        Console.WriteLine(healthy ? "Checks passed." : "The run is NOT valid: see the checks above.");
        return healthy ? 0 : 1;
    }

    /// Not measured: JIT, and each path once, on a small database of its own.
    private static async Task WarmUpAsync(BenchServer server, EngineScenario scenario, EnginesOptions o, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var name = await server.CreateMigratedAsync("warmup", ct);
        IReadOnlyList<SeedGroup> groups;
        await using (var db = server.DataSource(name, "pamoja-bench-warmup"))
        {
            groups = await scenario.SeedAsync(db, 1, 4 * WarmupGroups, ct);
            var now = DateTimeOffset.UtcNow;
            await EngineCeiling.RunAsync(db, groups.Take(WarmupGroups).Select(g => EngineCeiling.Plan(scenario, g, now)).ToList(), scenario.Day, now,
                o.Concurrency, ct);
        }
        await using (var instance = new EngineInstance(server, name, "pamoja-bench-warmup", o.Concurrency))
        {
            await instance.Engines.RunAsync(scenario.Day, groups.Skip(WarmupGroups).Take(WarmupGroups).Select(g => g.Id).ToList(), ct);
            await instance.Engines.EnqueueAsync(scenario.Day, groups.Skip(2 * WarmupGroups).Take(WarmupGroups).Select(g => g.Id).ToList(), ct);
            await instance.Worker.DrainAsync([DailyEngines.JobKind], ct);
            await instance.Engines.RunAsync(scenario.Day, null, ct); // the last quarter, and no-ops for the others
        }
        await server.DropAsync(name);
        Console.WriteLine($"Warm-up: {4 * WarmupGroups} groups on a database of their own (every path once), {Seconds(clock.Elapsed)}, not measured");
    }

    private static Task<PhaseRun> MeasureCeilingAsync(BenchServer server, string key, string database, IReadOnlyList<CeilingGroup> plans, DateOnly day,
        DateTimeOffset now, int writers, CancellationToken ct)
    {
        var db = server.DataSource(database, "pamoja-bench-ceiling");
        return MeasureAsync(server, key, $"raw SQL: 1 tx and 1 batch per group, {writers} writers", database, [db], async () =>
        {
            await EngineCeiling.RunAsync(db, plans, day, now, writers, ct);
            return (plans.Count, 0, "");
        });
    }

    private static Task<PhaseRun> MeasureEnginesAsync(BenchServer server, string key, string database, DateOnly day, int concurrency, int count,
        CancellationToken ct)
    {
        var instances = Enumerable.Range(0, count).Select(i => new EngineInstance(server, database, $"pamoja-bench-{key}-{i + 1}", concurrency)).ToList();
        var label = count == 1
            ? "DailyEngines.RunAsync(day, null): enqueue, claim 8/slot"
            : $"{count} instances × {concurrency} slots, DailyEngines.RunAsync";
        return MeasureAsync(server, key, label, database, instances.ToArray<IAsyncDisposable>(), async () =>
        {
            var summaries = await Task.WhenAll(instances.Select(i => i.Engines.RunAsync(day, null, ct)));
            var note = count == 1
                ? $"{summaries[0].GroupsQueued} queued"
                : string.Join(", ", summaries.Select((s, i) => $"instance {i + 1}: {N(s.GroupsQueued)} queued, {N(s.GroupsRun)} run"));
            return (summaries.Sum(s => s.GroupsRun), summaries.Sum(s => s.Failed), note);
        });
    }

    private static Task<PhaseRun> MeasureWorkerAsync(BenchServer server, string database, DateOnly day, int concurrency, CancellationToken ct)
    {
        var instance = new EngineInstance(server, database, "pamoja-bench-worker", concurrency);
        return MeasureAsync(server, "worker", "EnqueueAsync + JobWorker.DrainAsync: claim 1 per slot", database, [instance], async () =>
        {
            var queued = await instance.Engines.EnqueueAsync(day, null, ct);
            var drained = await instance.Worker.DrainAsync([DailyEngines.JobKind], ct);
            return (drained.Succeeded, drained.Failed + drained.Dead, $"{N(queued)} queued");
        });
    }

    private static Task<PhaseRun> MeasureDirectAsync(BenchServer server, string database, DateOnly day, IReadOnlyCollection<Guid> groups, int concurrency,
        CancellationToken ct)
    {
        var instance = new EngineInstance(server, database, "pamoja-bench-direct", concurrency);
        return MeasureAsync(server, "direct", "DailyEngines.RunAsync(day, groups): no jobs", database, [instance], async () =>
        {
            var summary = await instance.Engines.RunAsync(day, groups, ct);
            return (summary.GroupsRun, summary.Failed, "");
        });
    }

    private static async Task<PhaseRun> MeasureAsync(BenchServer server, string key, string label, string database, IAsyncDisposable[] resources,
        Func<Task<(int GroupsRun, int Failed, string Note)>> work)
    {
        if (!await server.CheckpointAsync(CancellationToken.None) && !_warnedCheckpoint)
        {
            _warnedCheckpoint = true;
            Console.WriteLine("  (no CHECKPOINT before the phases: the role lacks pg_checkpoint; ./pamoja grants it)");
        }
        var before = await EngineChecks.CountersAsync(server, database, CancellationToken.None);
        var machine = MachineCpu.Read();
        var cpu = ProcessCpu();
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var collections = GC.CollectionCount(0);
        var clock = Stopwatch.StartNew();
        (int GroupsRun, int Failed, string Note) result;
        try
        {
            result = await work();
        }
        finally
        {
            clock.Stop();
        }
        var elapsed = clock.Elapsed;
        var usage = MachineCpu.Between(machine, MachineCpu.Read());
        var client = ProcessCpu() - cpu;
        allocated = GC.GetTotalAllocatedBytes(precise: true) - allocated;
        collections = GC.CollectionCount(0) - collections;
        var backends = BackendCpu.Read(database);
        // Closing the connections makes their backends flush their statistics.
        foreach (var resource in resources) await resource.DisposeAsync();
        await Task.Delay(TimeSpan.FromSeconds(1));
        var after = await EngineChecks.CountersAsync(server, database, CancellationToken.None);
        // Vacuum what the phase wrote now, untimed, rather than let autovacuum do it during the next phase.
        await EngineChecks.VacuumAsync(server, database, CancellationToken.None);
        return new PhaseRun(key, label, database, elapsed, result.GroupsRun, result.Failed, result.Note, client, backends, usage, after.Minus(before),
            allocated, collections);
    }

    private static TimeSpan ProcessCpu()
    {
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime;
    }

    private static void Print(PhaseRun r, int groups, int postings)
    {
        var c = r.Counters;
        var cpu = r.Machine is { } m
            ? $"{m.Busy.ToString("P0", CultureInfo.InvariantCulture)}, {m.IoWait.ToString("P0", CultureInfo.InvariantCulture)}; "
            : "";
        Console.WriteLine($"  {r.Key,-8} {r.Label,-52} {Seconds(r.Elapsed),8} {N(groups / r.Elapsed.TotalSeconds),9} {N(postings / r.Elapsed.TotalSeconds),11}  " +
                          $"{(c.Commits / (double)groups).ToString("0.00", CultureInfo.InvariantCulture),9} {((c.Inserted + c.Updated) / (double)groups).ToString("0.0", CultureInfo.InvariantCulture),10}  " +
                          $"{cpu}{Ms(r.ClientCpu, groups)}{(r.ServerCpu is { } server ? $" + {Ms(server, groups)}" : "")}" +
                          // The runtime's count can step back under server GC (seen once: −46 KB/group): then "?".
                          $"; {(r.Allocated >= 0 ? N(r.Allocated / 1024.0 / groups) : "?")} KB allocated/group, {r.Collections} GCs" +
                          (c.Checkpoints > 0 ? $"  [{c.Checkpoints} checkpoint(s) meanwhile]" : "") +
                          (c.Rollbacks > 0 ? $"  [{N(c.Rollbacks)} rollbacks]" : "") +
                          (r.GroupsRun != groups ? $"  [{N(r.GroupsRun)} groups run]" : "") +
                          (r.Failed > 0 ? $"  [{N(r.Failed)} FAILED]" : ""));
    }

    private static async Task<bool> CheckAsync(BenchServer server, Dictionary<string, string> copies, Dictionary<string, PhaseRun> runs,
        IReadOnlyList<TableFingerprint> baseline, IReadOnlyList<CeilingGroup> plans, IReadOnlyList<SeedGroup> groups, DateOnly day,
        EnginesOptions o, CancellationToken ct)
    {
        var expected = new Dictionary<string, long>
        {
            ["obligations"] = plans.Sum(p => p.Obligations.Count),
            ["late_fines"] = plans.Sum(p => p.Fines.Count),
            ["payouts"] = plans.Sum(p => p.Payouts.Count),
            ["journal_entries"] = plans.Sum(p => p.Entries.Count),
            ["journal_lines"] = plans.Sum(p => p.Entries.Sum(e => e.Entry.Lines.Count)),
            ["notification_outbox"] = plans.Sum(p => p.Reminders.Count),
            ["engine_cursors"] = 0,
            ["ledger_heads"] = 0,
        };
        Console.WriteLine("Checks (every copy, after its day)");
        Console.WriteLine("  expected new rows: " + string.Join(", ", expected.Where(e => e.Value > 0).Select(e => $"{e.Key} {N(e.Value)}")) +
                          $"; every cursor at {day:yyyy-MM-dd}");
        var random = new Random(5);
        var sample = groups.Where(g => g.Late).Take(50).Concat(groups.Where(g => !g.Late).OrderBy(_ => random.Next()).Take(50)).Select(g => g.Id).ToList();
        var healthy = true;
        IReadOnlyList<TableFingerprint>? reference = null;
        foreach (var (phase, database) in copies)
        {
            await using var db = server.DataSource(database, "pamoja-bench-check");
            var problems = new List<string>();
            var run = runs[phase];
            if (run.GroupsRun != o.Groups) problems.Add($"{N(run.GroupsRun)} groups run, not {N(o.Groups)}");
            if (run.Failed > 0) problems.Add($"{N(run.Failed)} groups failed");

            var fingerprint = await EngineChecks.FingerprintAsync(db, ct);
            foreach (var table in fingerprint)
            {
                var before = baseline.Single(b => b.Table == table.Table).Rows;
                if (expected.TryGetValue(table.Table, out var added) && table.Rows != before + added)
                    problems.Add($"{table.Table}: {N(table.Rows - before)} new rows, expected {N(added)}");
            }
            string identical;
            if (reference is null)
            {
                reference = fingerprint;
                identical = "the reference for the others";
            }
            else
            {
                var differ = fingerprint.Where(f => !reference.Contains(f)).Select(f => f.Table).ToList();
                identical = differ.Count == 0 ? "rows identical to the ceiling's (9 tables)" : "DIFFERS from the ceiling in " + string.Join(", ", differ);
                if (differ.Count > 0) problems.Add("content differs from the ceiling's");
            }
            var (atDay, cursors) = await EngineChecks.CursorsAsync(db, day, ct);
            if (atDay != o.Groups || cursors != o.Groups) problems.Add($"{N(atDay)} of {N(cursors)} cursors at the day");
            var shape = await EngineChecks.LedgerShapeAsync(db, ct);
            if (!shape.Valid) problems.Add($"ledger: {shape}");
            var verified = await EngineChecks.VerifySampleAsync(db, sample, ct);
            if (verified.Invalid > 0) problems.Add($"VerifyLedger: {verified.Invalid} of {verified.Groups} invalid, first {verified.First}");
            var jobsNote = "";
            if (!IsCeiling(phase) && phase != "direct")
            {
                var jobs = await EngineChecks.JobsAsync(db, day, ct);
                if (jobs.Jobs != o.Groups || jobs.Done != o.Groups || jobs.MaxAttempts != 1)
                    problems.Add($"jobs: {N(jobs.Jobs)} jobs, {N(jobs.Done)} done, attempts up to {jobs.MaxAttempts}");
                jobsNote = $"; jobs: {N(jobs.Done)} of {N(jobs.Jobs)} done, each claimed once" +
                           (jobs.ByWorker.Count > 1 ? " (by worker: " + string.Join(", ", jobs.ByWorker.Select(w => N(w.Jobs))) + ")" : "");
            }
            healthy &= problems.Count == 0;
            Console.WriteLine($"  {phase,-8} {(problems.Count == 0 ? "OK" : "PROBLEMS: " + string.Join("; ", problems))}");
            Console.WriteLine($"           {identical}; {N(atDay)} cursors at the day; chains and balances of all {N(o.Groups)} groups consistent: {(shape.Valid ? "yes" : "NO")}; " +
                              $"VerifyLedger on {verified.Groups} groups ({N(verified.Entries)} entries): {(verified.Invalid == 0 ? "valid" : "INVALID")}{jobsNote}");
        }
        return healthy;
    }

    private static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToList();
        var middle = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    private static bool IsCeiling(string phase) => phase.StartsWith("ceiling", StringComparison.Ordinal);

    private static bool IsReal(string phase) => phase.StartsWith("real", StringComparison.Ordinal);

    private static string Cpu(TimeSpan? t, int groups) => t is { } value ? Ms(value, groups) : "?";

    private static string Ms(TimeSpan t, int groups) => (t.TotalMilliseconds / groups).ToString("0.00", CultureInfo.InvariantCulture);

    private static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s";

    private static string N(double value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
