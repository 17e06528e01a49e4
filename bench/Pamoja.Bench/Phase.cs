using System.Collections.Concurrent;
using System.Diagnostics;

namespace Pamoja.Bench;

/// What one timed run of a workload did.
public sealed record PhaseResult(string Workload, int Succeeded, int Failed, TimeSpan Elapsed, long[] LatencyTicks, (double Busy, double IoWait)? Cpu)
{
    public double PerSecond => Succeeded / Elapsed.TotalSeconds;

    public double P50Ms => Percentile(LatencyTicks, 0.50);
    public double P99Ms => Percentile(LatencyTicks, 0.99);

    /// Nearest-rank percentile of sorted Stopwatch ticks, in milliseconds.
    public static double Percentile(long[] sortedTicks, double p)
    {
        if (sortedTicks.Length == 0) return double.NaN;
        var rank = (int)Math.Ceiling(p * sortedTicks.Length) - 1;
        return sortedTicks[Math.Clamp(rank, 0, sortedTicks.Length - 1)] * 1000.0 / Stopwatch.Frequency;
    }
}

/// Runs `writers` concurrent loops of a workload for a fixed time. Each writer starts a new
/// operation only while the time is not up; the rate is successful operations over the time
/// until the last writer finished its last operation.
public static class Phase
{
    private static readonly ConcurrentDictionary<string, int> ErrorsShown = new();

    public static async Task<PhaseResult> RunAsync(IWorkload workload, int writers, TimeSpan duration, int seed, CancellationToken ct)
    {
        var cpu = MachineCpu.Read();
        var start = Stopwatch.GetTimestamp();
        var deadline = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var tasks = Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            var random = new Random(seed * 1000 + w);
            var latencies = new List<long>(16_384);
            var failed = 0;
            while (!ct.IsCancellationRequested && Stopwatch.GetTimestamp() < deadline)
            {
                var t0 = Stopwatch.GetTimestamp();
                bool ok;
                try
                {
                    ok = await workload.RunOnceAsync(random, ct);
                }
                catch (Exception ex) when (!ct.IsCancellationRequested)
                {
                    ok = false;
                    var key = ex.GetType().Name + ": " + ex.Message;
                    if (ErrorsShown.TryAdd(key, 0) && ErrorsShown.Count <= 5)
                        Console.Error.WriteLine($"    {workload.Name}: {key}");
                }
                if (ok) latencies.Add(Stopwatch.GetTimestamp() - t0);
                else failed++;
            }
            return (latencies, failed);
        }, CancellationToken.None)).ToArray();
        var results = await Task.WhenAll(tasks);
        var elapsed = Stopwatch.GetElapsedTime(start);
        var usage = MachineCpu.Between(cpu, MachineCpu.Read());
        var all = results.SelectMany(r => r.latencies).ToArray();
        Array.Sort(all);
        return new PhaseResult(workload.Name, all.Length, results.Sum(r => r.failed), elapsed, all, usage);
    }
}

/// The whole machine's CPU use from /proc/stat (Linux; null elsewhere): how busy all cores were
/// and how much of the time went waiting for the disk. Busy near 100 % with little iowait means
/// the figures measure CPU per posting (client and server share the cores), not the disk.
public static class MachineCpu
{
    public readonly record struct Sample(long Busy, long IoWait, long Total);

    public static Sample? Read()
    {
        try
        {
            // cpu  user nice system idle iowait irq softirq steal …
            var f = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8)
                .Select(v => long.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            return new Sample(f[0] + f[1] + f[2] + f[5] + f[6] + f[7], f[4], f.Sum());
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    public static (double Busy, double IoWait)? Between(Sample? before, Sample? after)
    {
        if (before is not { } b || after is not { } a || a.Total <= b.Total) return null;
        double total = a.Total - b.Total;
        return ((a.Busy - b.Busy) / total, (a.IoWait - b.IoWait) / total);
    }
}
