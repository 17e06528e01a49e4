using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace Pamoja.Web.Jobs;

/// Jobs:* settings.
public sealed class JobOptions
{
    /// Off in processes that must not run jobs (some tests); DrainAsync works either way.
    public bool Enabled { get; set; } = true;

    /// How long the worker waits when it found nothing to do. Fractions are allowed.
    public double PollSeconds { get; set; } = 5;

    /// How long a claim holds a job. A handler still running then is cancelled, and another
    /// worker may claim the job; so it must comfortably exceed the slowest handler.
    public int LeaseSeconds { get; set; } = 300;

    /// Jobs run at once by one worker (and by one DrainAsync).
    public int Concurrency { get; set; } = 4;

    public TimeSpan PollInterval => TimeSpan.FromSeconds(Math.Clamp(PollSeconds, 0.05, 3600));
    public TimeSpan Lease => TimeSpan.FromSeconds(Math.Clamp(LeaseSeconds, 5, 24 * 3600));
    public int Slots => Math.Clamp(Concurrency, 1, 64);
}

/// What one DrainAsync did. Failed: attempts that failed and are queued to retry after their
/// backoff; Dead: attempts that failed for the last time.
public sealed record DrainResult(int Succeeded, int Failed, int Dead)
{
    public int Total => Succeeded + Failed + Dead;
}

/// Runs the registered IJobHandlers' jobs: polls the queue, claims work for their kinds, runs
/// each job in its own DI scope (several at once), and records the outcome. Any number of app
/// instances can run one: claims never overlap, and a job whose worker died is taken over when
/// its lease ends.
public sealed class JobWorker(
    IServiceScopeFactory scopes, JobQueue queue, TimeProvider clock, IOptions<JobOptions> options, ILogger<JobWorker> logger) : BackgroundService
{
    private IReadOnlySet<string>? _kinds;

    /// Who holds a lease, for the operator: machine, process and a random suffix (two workers in
    /// one process, or a process id reused after a restart, stay apart).
    public string WorkerId { get; } =
        $"{Environment.MachineName}:{Environment.ProcessId}:{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3))}";

    /// The kinds that have a handler, read once from DI.
    public IReadOnlySet<string> Kinds => _kinds ??= LoadKinds();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        if (!o.Enabled)
        {
            logger.LogInformation("The job worker is disabled (Jobs:Enabled=false)");
            return;
        }
        await Task.Yield(); // let the host finish starting before the first claim
        if (Kinds.Count == 0)
        {
            logger.LogInformation("No job handlers are registered; the job worker has nothing to do");
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunClaimableAsync(Kinds, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The database is away, most likely; the next poll tries again.
                logger.LogError(ex, "Claiming jobs failed; will retry");
            }
            try { await Task.Delay(o.PollInterval, clock, stoppingToken); }
            catch (OperationCanceledException) { return; }
        }
    }

    /// Claims and runs every job of these kinds that is claimable now, until none is left, up to
    /// Jobs:Concurrency at once; jobs that fail are queued for later (not run again here). For
    /// the engines' synchronous admin run. Every kind needs a registered handler.
    public Task<DrainResult> DrainAsync(IReadOnlyCollection<string> kinds, CancellationToken ct)
    {
        var missing = kinds.Where(k => !Kinds.Contains(k)).ToList();
        if (missing.Count > 0)
            throw new InvalidOperationException($"No job handler is registered for {string.Join(", ", missing)}.");
        return RunClaimableAsync(kinds.Distinct().ToList(), ct);
    }

    private async Task<DrainResult> RunClaimableAsync(IReadOnlyCollection<string> kinds, CancellationToken ct)
    {
        var o = options.Value;
        // One claim for a job per slot first: an idle poll is a single query.
        var first = await queue.ClaimAsync(kinds, o.Slots, o.Lease, WorkerId, ct);
        if (first.Count == 0)
            return new DrainResult(0, 0, 0);

        int succeeded = 0, failed = 0, dead = 0;
        // Then each slot claims one job at a time, so a job's lease starts when the job does,
        // and a slow job holds up only its own slot.
        async Task Slot(JobClaim? next)
        {
            while (true)
            {
                if (ct.IsCancellationRequested)
                {
                    if (next is not null) await ReleaseAsync(next); // claimed but never started
                    ct.ThrowIfCancellationRequested();
                }
                if (next is null)
                {
                    var claims = await queue.ClaimAsync(kinds, 1, o.Lease, WorkerId, ct);
                    if (claims.Count == 0) return;
                    next = claims[0];
                }
                switch (await RunAsync(next, o.Lease, ct))
                {
                    case Outcome.Succeeded: Interlocked.Increment(ref succeeded); break;
                    case Outcome.Failed: Interlocked.Increment(ref failed); break;
                    case Outcome.Dead: Interlocked.Increment(ref dead); break;
                }
                next = null;
            }
        }
        await Task.WhenAll(Enumerable.Range(0, o.Slots).Select(i => Slot(i < first.Count ? first[i] : null)));
        ct.ThrowIfCancellationRequested();
        return new DrainResult(succeeded, failed, dead);
    }

    private enum Outcome { Succeeded, Failed, Dead, Abandoned }

    /// One job: never an exception except at shutdown (then the job is handed back).
    private async Task<Outcome> RunAsync(JobClaim job, TimeSpan lease, CancellationToken ct)
    {
        // The handler stops when the lease ends: after that the job may be someone else's.
        using var leaseEnds = new CancellationTokenSource(lease, clock);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct, leaseEnds.Token);
        Exception? error;
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var handler = scope.ServiceProvider.GetServices<IJobHandler>().FirstOrDefault(h => h.Kind == job.Kind)
                ?? throw new InvalidOperationException($"No job handler is registered for {job.Kind}.");
            await handler.HandleAsync(job, limit.Token);
            error = null;
        }
        catch (Exception) when (ct.IsCancellationRequested)
        {
            // Shutting down (whatever the handler threw on the way out): not the job's fault.
            await ReleaseAsync(job);
            throw;
        }
        catch (OperationCanceledException ex) when (leaseEnds.IsCancellationRequested)
        {
            error = new TimeoutException($"The job did not finish within its lease of {lease.TotalSeconds:0} s.", ex);
        }
        catch (Exception ex)
        {
            error = ex;
        }

        if (error is null)
        {
            // A no-op when the handler put the done mark in its own transaction.
            if (!await queue.CompleteAsync(job, CancellationToken.None))
                logger.LogDebug("Job {JobId} ({Kind}) was already marked done, or its lease had been lost", job.Id, job.Kind);
            return Outcome.Succeeded;
        }

        var result = await queue.FailAsync(job, error, CancellationToken.None);
        switch (result)
        {
            case JobFailure.Dead:
                logger.LogError(error, "Job {JobId} ({Kind}) failed on its last attempt ({Attempt}); it is dead until an operator retries it",
                    job.Id, job.Kind, job.Attempt);
                return Outcome.Dead;
            case JobFailure.Retrying:
                logger.LogWarning(error, "Job {JobId} ({Kind}) failed on attempt {Attempt}; it will be retried", job.Id, job.Kind, job.Attempt);
                return Outcome.Failed;
            default:
                logger.LogWarning(error, "Job {JobId} ({Kind}) failed after its lease was lost; the failure is left to the new claim", job.Id, job.Kind);
                return Outcome.Abandoned;
        }
    }

    /// Hands a job back at shutdown, so another worker runs it now rather than after the lease.
    private async Task ReleaseAsync(JobClaim job)
    {
        try { await queue.ReleaseAsync(job, CancellationToken.None); }
        catch (Exception ex) { logger.LogWarning(ex, "Could not hand job {JobId} back; its lease will", job.Id); }
    }

    private IReadOnlySet<string> LoadKinds()
    {
        using var scope = scopes.CreateScope();
        var kinds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var handler in scope.ServiceProvider.GetServices<IJobHandler>())
            if (!kinds.Add(handler.Kind))
                throw new InvalidOperationException($"Two job handlers are registered for {handler.Kind}.");
        return kinds;
    }
}
