using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Npgsql;
using Pamoja.Web.Features.Groups;
using Pamoja.Web.Jobs;

namespace Pamoja.Web.Features.Schedules;

public sealed class EngineOptions
{
    /// Enqueue each group's daily run on its own business date (off in tests: they run the engines by hand).
    public bool Enabled { get; set; } = true;

    /// How often the scheduler looks for groups whose day has begun.
    public double PollMinutes { get; set; } = 5;
}

/// GroupsQueued counts the jobs this run added (none when the date was queued before);
/// Unfinished, the date's jobs still not done when the run gave up waiting for them.
public sealed record EngineRunSummary(DateOnly BusinessDate, int GroupsQueued, int GroupsRun, int CyclesStarted, int ObligationsOpened,
    int Reminders, int FinesCharged, int PayoutsReserved, int Failed, int Unfinished = 0, int CollectionsRequested = 0);

/// The daily engines as jobs: one job per group and business date (its dedupe key makes a
/// second enqueue a no-op), claimed with SKIP LOCKED and a lease by any instance's worker.
public sealed class DailyEngines(NpgsqlDataSource db, JobQueue jobs, RunGroupEngines engines, IOptions<JobOptions> jobOptions, TimeProvider clock,
    ILogger<DailyEngines> logger)
{
    public const string JobKind = "engines.group";

    public static string DedupeKey(Guid groupId, DateOnly date) => $"engines:{groupId}:{date:yyyy-MM-dd}";

    public static string Payload(DateOnly date) => JsonSerializer.Serialize(new { through = date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) });

    /// Queues every group (or the given ones) for the date.
    public async Task<int> EnqueueAsync(DateOnly businessDate, IReadOnlyCollection<Guid>? groups, CancellationToken ct)
    {
        var ids = new List<Guid>();
        await using (var cmd = db.CreateCommand(groups is null ? "SELECT id FROM groups" : "SELECT id FROM groups WHERE id = ANY($1)"))
        {
            if (groups is not null) cmd.Parameters.AddWithValue(groups.ToArray());
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) ids.Add(reader.GetGuid(0));
        }
        return await EnqueueAsync(ids.Select(id => (id, businessDate)).ToList(), ct);
    }

    public Task<int> EnqueueAsync(IReadOnlyList<(Guid GroupId, DateOnly Date)> runs, CancellationToken ct) =>
        runs.Count == 0 ? Task.FromResult(0) :
        jobs.EnqueueAsync(runs.Select(r => (JobKind, DedupeKey(r.GroupId, r.Date), (Guid?)r.GroupId, Payload(r.Date))).ToList(), ct);

    /// Runs everything due up to the date now, on this instance (other instances' workers may
    /// take some of the jobs: that is fine, each group-date runs once). Running it again for the
    /// same date finds the jobs done and changes nothing.
    public async Task<EngineRunSummary> RunAsync(DateOnly businessDate, IReadOnlyCollection<Guid>? groups, CancellationToken ct)
    {
        if (groups is not null) return await RunGroupsAsync(businessDate, groups, ct);
        var queued = await EnqueueAsync(businessDate, groups, ct);
        var total = EngineRunResult.None;
        var failed = 0;
        var worker = $"engine-run:{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..6]}";
        var results = new ConcurrentBag<EngineRunResult>();
        // Jobs of this date that another worker holds are waited for; if that worker died, its
        // lease runs out and this run takes them over. Beyond that, give up and say so.
        var giveUpAt = clock.GetUtcNow() + jobOptions.Value.Lease + TimeSpan.FromSeconds(30);
        var unfinished = 0;
        // Each slot claims a few jobs at a time and runs them, so no slot waits for the slowest
        // job of a shared batch. When nothing is claimable but jobs of the date are still
        // unfinished (held by another worker, or waiting for a retry), look again shortly.
        var slots = Enumerable.Range(0, jobOptions.Value.Slots).Select(async _ =>
        {
            while (!ct.IsCancellationRequested)
            {
                var claims = await jobs.ClaimAsync([JobKind], 8, jobOptions.Value.Lease, worker, ct);
                if (claims.Count == 0)
                {
                    var left = await UnfinishedAsync(businessDate, worker, ct);
                    Volatile.Write(ref unfinished, left);
                    if (left == 0 || clock.GetUtcNow() >= giveUpAt) return;
                    await Task.Delay(TimeSpan.FromMilliseconds(200), clock, ct);
                    continue;
                }
                var succeeded = new List<JobClaim>(claims.Count);
                foreach (var job in claims)
                {
                    try
                    {
                        results.Add(await RunJobAsync(job, ct));
                        succeeded.Add(job);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        Interlocked.Increment(ref failed);
                        logger.LogError(ex, "Engine job {JobId} for group {GroupId} failed", job.Id, job.GroupId);
                        try
                        {
                            await jobs.FailAsync(job, ex, CancellationToken.None);
                        }
                        catch (Exception failEx) when (failEx is NpgsqlException or TimeoutException)
                        {
                            // The database is unreachable now: the job's lease runs out and it is retried then.
                            logger.LogError(failEx, "Could not record the failure of engine job {JobId}", job.Id);
                        }
                    }
                }
                // The groups' own cursors committed with their effects; the jobs are marked done
                // together afterwards (a crash in between only makes a later run find them done).
                await jobs.CompleteManyAsync(succeeded, ct);
            }
        }).ToList();
        await Task.WhenAll(slots);
        foreach (var result in results) total = total.Add(result);
        return new EngineRunSummary(businessDate, queued, total.Groups, total.CyclesStarted, total.ObligationsOpened, total.Reminders,
            total.FinesCharged, total.PayoutsReserved, failed, unfinished, total.CollectionsRequested);
    }

    /// The date's engine jobs that are neither done nor dead and that this run's own slots are
    /// not running: queued for later (after a failure) or running on another worker. A slot
    /// with nothing to claim stops when there are none (its sibling slots finish their own),
    /// instead of polling until the last group of the run is done.
    private async Task<int> UnfinishedAsync(DateOnly businessDate, string worker, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            SELECT count(*) FROM jobs
             WHERE kind = $1 AND dedupe_key LIKE $2
               AND (status = 'queued' OR (status = 'running' AND locked_by IS DISTINCT FROM $3))
            """);
        cmd.Parameters.AddWithValue(JobKind);
        cmd.Parameters.AddWithValue($"engines:%:{businessDate:yyyy-MM-dd}");
        cmd.Parameters.AddWithValue(worker);
        return (int)(long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    /// Named groups (an operator re-running a few, the tests) run here and now, without jobs:
    /// the group's cursor lock still makes each day's effects happen once.
    private async Task<EngineRunSummary> RunGroupsAsync(DateOnly businessDate, IReadOnlyCollection<Guid> groups, CancellationToken ct)
    {
        var results = new ConcurrentBag<EngineRunResult>();
        var failed = 0;
        await Parallel.ForEachAsync(groups.Distinct(), new ParallelOptions { MaxDegreeOfParallelism = jobOptions.Value.Slots, CancellationToken = ct }, async (groupId, token) =>
        {
            try
            {
                results.Add(await engines.RunAsync(groupId, businessDate, token));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Interlocked.Increment(ref failed);
                logger.LogError(ex, "Engines failed for group {GroupId} through {Date}", groupId, businessDate);
            }
        });
        var total = results.Aggregate(EngineRunResult.None, (a, b) => a.Add(b));
        return new EngineRunSummary(businessDate, groups.Count, total.Groups, total.CyclesStarted, total.ObligationsOpened, total.Reminders,
            total.FinesCharged, total.PayoutsReserved, failed, 0, total.CollectionsRequested);
    }

    /// One group's job. Its effects commit with the group's cursor (its real "done" mark), so
    /// running a job twice changes nothing; the job row is marked done by the caller: the job
    /// worker after the handler returns, an engine run in bulk after a few jobs.
    public async Task<EngineRunResult> RunJobAsync(JobClaim job, CancellationToken ct)
    {
        if (job.GroupId is not { } groupId || ParseThrough(job.Payload) is not { } through)
            throw new InvalidOperationException($"Engine job {job.Id} has no group or date.");
        return await engines.RunAsync(groupId, through, ct);
    }

    private static DateOnly? ParseThrough(string payload)
    {
        using var doc = JsonDocument.Parse(payload);
        return doc.RootElement.TryGetProperty("through", out var value) && value.ValueKind == JsonValueKind.String &&
               DateOnly.TryParseExact(value.GetString(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date : null;
    }

    /// Each group's business date today, by its own time zone.
    public async Task<IReadOnlyList<(Guid GroupId, DateOnly Date)>> TodaysRunsAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var runs = new List<(Guid, DateOnly)>();
        await using var cmd = db.CreateCommand("SELECT id, time_zone FROM groups");
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var zones = new Dictionary<string, DateOnly>();
        while (await reader.ReadAsync(ct))
        {
            var zone = reader.GetString(1);
            if (!zones.TryGetValue(zone, out var today))
                zones[zone] = today = GroupClock.DateIn(now, zone);
            runs.Add((reader.GetGuid(0), today));
        }
        return runs;
    }
}

/// The job worker's handler for engine jobs (the scheduled path).
public sealed class EngineJobHandler(DailyEngines engines) : IJobHandler
{
    public string Kind => DailyEngines.JobKind;

    public async Task HandleAsync(JobClaim job, CancellationToken ct) => await engines.RunJobAsync(job, ct);
}

/// Queues each group's run when its day begins (every few minutes, on every instance: the
/// dedupe key makes that harmless). The job worker then runs them.
public sealed class EngineScheduler(DailyEngines engines, IOptions<EngineOptions> options, TimeProvider clock, ILogger<EngineScheduler> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled) return;
        var interval = TimeSpan.FromMinutes(Math.Clamp(options.Value.PollMinutes, 0.1, 24 * 60));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var queued = await engines.EnqueueAsync(await engines.TodaysRunsAsync(stoppingToken), stoppingToken);
                if (queued > 0) logger.LogInformation("Queued the daily engines for {Groups} groups", queued);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "Could not queue the daily engines");
            }
            try { await Task.Delay(interval, clock, stoppingToken); }
            catch (OperationCanceledException) { return; }
        }
    }
}
