using System.Globalization;
using System.Runtime;
using System.Runtime.InteropServices;
using Npgsql;
using Pamoja.Web.Features.Ledger;

namespace Pamoja.Bench;

/// Contributions recorded per second through the real use case against the ceiling measured
/// in the same run on the same database (issue 4 § Benchmark; docs/performance.md).
/// Exit code: 0 when it ran, whatever the ratio; 1 when it could not run, a write failed, or the
/// ledger it wrote does not verify (a fast benchmark that corrupts the chain is worthless);
/// 2 for a bad command line.
public static class BenchMain
{
    private const double Target = 0.5;

    public static async Task<int> Main(string[] args)
    {
        if (args is ["engines", ..])
            return await RunEnginesAsync(args[1..]);
        var (options, message) = BenchOptions.Parse(args);
        if (options is null)
        {
            var help = args.Any(a => a is "-h" or "--help");
            (help ? Console.Out : Console.Error).WriteLine(message);
            return help ? 0 : 2;
        }
        using var cts = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };
        try
        {
            return await RunAsync(options, cts.Token);
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            Console.Error.WriteLine("Interrupted.");
            return 1;
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or Pamoja.Web.Data.MigrationFailedException)
        {
            Console.Error.WriteLine($"The benchmark could not run: {ex.Message}");
            return 1;
        }
    }

    /// `Pamoja.Bench engines …`: the daily engines benchmark (Engines/EnginesBench.cs).
    private static async Task<int> RunEnginesAsync(string[] args)
    {
        using var cts = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };
        try
        {
            return await Engines.EnginesBench.MainAsync(args, cts.Token);
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            Console.Error.WriteLine("Interrupted.");
            return 1;
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or Pamoja.Web.Data.MigrationFailedException)
        {
            Console.Error.WriteLine($"The benchmark could not run: {ex.GetType().Name}: {ex.Message}");
            return 1;
        }
    }

    private static async Task<int> RunAsync(BenchOptions o, CancellationToken ct)
    {
        var measured = TimeSpan.FromSeconds(o.Seconds);
        var warmup = TimeSpan.FromSeconds(o.WarmupSeconds);
        Console.WriteLine("Pamoja benchmark: RecordContribution (the real use case) against a raw-SQL balanced posting (the ceiling)");
        Console.WriteLine($"  date       {DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC");

        await using var db = await BenchDatabase.CreateAsync(ct);
        db.Keep = o.Keep;
        var server = new NpgsqlConnectionStringBuilder(BenchDatabase.ServerConnectionString);
        var (pgVersion, syncCommit, fsync, sharedBuffers) = await MachineFactsAsync(db.DataSource, ct);
        Console.WriteLine($"  machine    {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}, {(GCSettings.IsServerGC ? "server" : "workstation")} GC");
        Console.WriteLine($"  postgres   {pgVersion} at {server.Host}:{server.Port}, synchronous_commit={syncCommit}, fsync={fsync}, shared_buffers={sharedBuffers}");
        Console.WriteLine($"  before     {await IdleCheckAsync(ct)}");
        Console.WriteLine($"  database   {db.Name} (migrated by MigrationRunner; {(o.Keep ? "kept" : "dropped")} at the end)");

        var seeded = System.Diagnostics.Stopwatch.StartNew();
        var realGroups = await db.SeedGroupsAsync(o.Groups, o.Members, ct);
        var ceilingGroups = await db.SeedGroupsAsync(o.Groups, o.Members, ct);
        var hotReal = await db.SeedGroupsAsync(1, o.Members, ct);
        var hotCeiling = await db.SeedGroupsAsync(1, o.Members, ct);
        Console.WriteLine($"  data       {N(o.Groups)} groups × {o.Members} members for each workload (separate sets, same tables), seeded in {seeded.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s");
        Console.WriteLine($"  method     {o.Writers} writers on random (group, member) pairs; {o.WarmupSeconds} s warm-up each; then {o.Rounds} rounds of {o.Seconds} s, alternating ceiling, real; median of the rounds");
        Console.WriteLine();

        var real = new RealContributions(db.DataSource, realGroups);
        var ceiling = new CeilingPostings(db.DataSource, ceilingGroups);
        Console.WriteLine("Warm-up");
        Line("warm-up", await Phase.RunAsync(ceiling, o.Writers, warmup, 1, ct), "postings/s");
        Line("warm-up", await Phase.RunAsync(real, o.Writers, warmup, 2, ct), "contributions/s");

        Console.WriteLine("Measured");
        var ceilingRounds = new List<PhaseResult>();
        var realRounds = new List<PhaseResult>();
        for (var round = 1; round <= o.Rounds; round++)
        {
            ceilingRounds.Add(Line($"round {round}", await Phase.RunAsync(ceiling, o.Writers, measured, 10 + round, ct), "postings/s"));
            realRounds.Add(Line($"round {round}", await Phase.RunAsync(real, o.Writers, measured, 20 + round, ct), "contributions/s"));
        }

        PhaseResult? hotCeilingResult = null, hotRealResult = null;
        var realHot = new RealContributions(db.DataSource, hotReal);
        if (o.Hot)
        {
            Console.WriteLine($"Hot group (for information: all {o.Writers} writers on ONE group)");
            hotCeilingResult = Line("hot", await Phase.RunAsync(new CeilingPostings(db.DataSource, hotCeiling), o.Writers, measured, 31, ct), "postings/s");
            hotRealResult = Line("hot", await Phase.RunAsync(realHot, o.Writers, measured, 32, ct), "contributions/s");
        }
        Console.WriteLine();

        var healthy = await CheckLedgerAsync(db, realGroups.Concat(hotReal).ToList(), real.Succeeded + realHot.Succeeded, hotReal[0].Id, ct);
        var failures = ceilingRounds.Concat(realRounds).Sum(r => r.Failed) + (hotCeilingResult?.Failed ?? 0) + (hotRealResult?.Failed ?? 0);
        if (failures > 0)
            Console.WriteLine($"  WRITES FAILED: {N(failures)} operations did not succeed (see the messages above)");
        Console.WriteLine();

        var ceilingRate = Median(ceilingRounds.Select(r => r.PerSecond));
        var realRate = Median(realRounds.Select(r => r.PerSecond));
        var ratio = realRate / ceilingRate;
        var ceilingLatency = Merge(ceilingRounds);
        var realLatency = Merge(realRounds);
        Console.WriteLine($"Result (median of {o.Rounds} rounds, {o.Writers} writers, {N(o.Groups)} groups)");
        Console.WriteLine($"  ceiling  raw SQL posting      {N(ceilingRate),8} postings/s       p50 {Ms(ceilingLatency, 0.50)}  p99 {Ms(ceilingLatency, 0.99)}");
        Console.WriteLine($"  real     RecordContribution   {N(realRate),8} contributions/s  p50 {Ms(realLatency, 0.50)}  p99 {Ms(realLatency, 0.99)}");
        Console.WriteLine($"  ratio    real / ceiling       {Ratio(ratio)}");
        if (hotRealResult is not null && hotCeilingResult is not null)
            Console.WriteLine($"  hot      one group            {N(hotRealResult.PerSecond)} contributions/s vs {N(hotCeilingResult.PerSecond)} postings/s " +
                              $"(ratio {Ratio(hotRealResult.PerSecond / hotCeilingResult.PerSecond)}, for information)");
        Console.WriteLine($"  load     {LoadAverage()} after the run (this benchmark's own load included)");
        Console.WriteLine();
        var pass = ratio >= Target;
        Console.WriteLine($"ratio {Ratio(ratio)} {(pass ? "≥" : "<")} {Target.ToString("0.0", CultureInfo.InvariantCulture)} target: {(pass ? "PASS" : "FAIL")}" +
                          (healthy && failures == 0 ? "" : "  (but the run is not valid: see above)"));
        return healthy && failures == 0 ? 0 : 1;
    }

    private static PhaseResult Line(string label, PhaseResult r, string unit)
    {
        Console.WriteLine($"  {label,-8} {r.Workload,-8} {N(r.PerSecond),8} {unit,-16} p50 {r.P50Ms.ToString("0.00", CultureInfo.InvariantCulture),6} ms  p99 {r.P99Ms.ToString("0.00", CultureInfo.InvariantCulture),6} ms  " +
                          $"({N(r.Succeeded)} in {r.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s{(r.Failed > 0 ? $", {N(r.Failed)} FAILED" : "")}" +
                          (r.Cpu is { } cpu ? $"; CPU {cpu.Busy.ToString("P0", CultureInfo.InvariantCulture)} busy, iowait {cpu.IoWait.ToString("P0", CultureInfo.InvariantCulture)})" : ")"));
        return r;
    }

    /// The chain of a sample of the real groups (and the hot group) with the app's own
    /// verification, and the row counts against the calls that returned 201.
    private static async Task<bool> CheckLedgerAsync(BenchDatabase db, IReadOnlyList<BenchGroup> groups, int succeeded, Guid hotGroup, CancellationToken ct)
    {
        Console.WriteLine("Checking what the real use case wrote");
        var ids = groups.Select(g => g.Id).ToArray();
        var sample = new List<Guid>();
        await using (var cmd = db.DataSource.CreateCommand("SELECT group_id FROM ledger_heads WHERE group_id = ANY($1) AND group_id <> $2 AND seq > 0 ORDER BY random() LIMIT 100"))
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = ids });
            cmd.Parameters.Add(new NpgsqlParameter { Value = hotGroup });
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) sample.Add(reader.GetGuid(0));
        }
        sample.Add(hotGroup);
        var verify = new VerifyLedger(db.DataSource);
        long entries = 0;
        var invalid = 0;
        foreach (var id in sample)
        {
            var result = await verify.VerifyAsync(id, ct);
            entries += result.Entries;
            if (result.Valid) continue;
            if (++invalid <= 3)
                Console.WriteLine($"  INVALID group {id}: entry {result.FirstInvalid?.EntryId} seq {result.FirstInvalid?.Seq}: {result.FirstInvalid?.Reason}");
        }
        Console.WriteLine(invalid == 0
            ? $"  VerifyLedger: {sample.Count} groups ({sample.Count - 1} sampled + the hot group), {N(entries)} entries: all valid"
            : $"  VerifyLedger: {invalid} of {sample.Count} groups INVALID");

        var contributions = await db.ScalarAsync<long>("SELECT count(*) FROM contributions WHERE group_id = ANY($1)", ids);
        var journal = await db.ScalarAsync<long>("SELECT count(*) FROM journal_entries WHERE group_id = ANY($1)", ids);
        var heads = await db.ScalarAsync<decimal>("SELECT coalesce(sum(seq), 0) FROM ledger_heads WHERE group_id = ANY($1)", ids);
        var keys = await db.ScalarAsync<long>("SELECT count(*) FROM idempotency_keys");
        var counted = contributions == succeeded && journal == succeeded && heads == succeeded && keys == succeeded;
        Console.WriteLine($"  rows: {N(succeeded)} calls answered 201; contributions {N(contributions)}, journal entries {N(journal)}, " +
                          $"sum of head seqs {N((double)heads)}, idempotency keys {N(keys)}: {(counted ? "all equal" : "MISMATCH")}");
        return invalid == 0 && counted;
    }

    internal static async Task<(string Version, string SyncCommit, string Fsync, string SharedBuffers)> MachineFactsAsync(NpgsqlDataSource db, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("SELECT current_setting('server_version'), current_setting('synchronous_commit'), current_setting('fsync'), current_setting('shared_buffers')");
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return (reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3));
    }

    /// How busy the machine is before the benchmark starts (Linux: CPU time used by everything
    /// over one idle second, and the load average): other work makes both figures noisy, and
    /// the reader should see it. The ratio, measured in alternating rounds, is steadier.
    internal static async Task<string> IdleCheckAsync(CancellationToken ct)
    {
        var before = MachineCpu.Read();
        await Task.Delay(TimeSpan.FromSeconds(1), ct);
        var usage = MachineCpu.Between(before, MachineCpu.Read());
        if (usage is null) return LoadAverage();
        return $"{LoadAverage()}; CPU {usage.Value.Busy.ToString("P0", CultureInfo.InvariantCulture)} busy over an idle second" +
               (usage.Value.Busy > 0.25 ? "  NOTE: other work is running on this machine; both figures will be noisy" : "");
    }

    internal static string LoadAverage()
    {
        try
        {
            var parts = File.ReadAllText("/proc/loadavg").Split(' ');
            return $"load average {parts[0]} {parts[1]} {parts[2]}";
        }
        catch (IOException)
        {
            return "load average unknown";
        }
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    private static long[] Merge(IEnumerable<PhaseResult> rounds)
    {
        var all = rounds.SelectMany(r => r.LatencyTicks).ToArray();
        Array.Sort(all);
        return all;
    }

    private static string Ms(long[] sortedTicks, double p) =>
        PhaseResult.Percentile(sortedTicks, p).ToString("0.00", CultureInfo.InvariantCulture).PadLeft(6) + " ms";

    /// Two decimals, truncated rather than rounded, so that 0.497 reads 0.49 and never seems to
    /// meet a 0.5 target it missed.
    internal static string Ratio(double ratio) =>
        (Math.Floor(ratio * 100) / 100).ToString("0.00", CultureInfo.InvariantCulture);

    private static string N(double value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
