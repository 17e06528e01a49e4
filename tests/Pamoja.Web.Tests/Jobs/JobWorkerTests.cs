using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Pamoja.Web.Jobs;
using Pamoja.Web.Tests.Infrastructure;

namespace Pamoja.Web.Tests.Jobs;

/// A handler the test writes inline.
public sealed class TestHandler(string kind, Func<JobClaim, CancellationToken, Task> run) : IJobHandler
{
    public string Kind { get; } = kind;
    public ConcurrentQueue<JobClaim> Seen { get; } = new();

    public Task HandleAsync(JobClaim job, CancellationToken ct)
    {
        Seen.Enqueue(job);
        return run(job, ct);
    }
}

/// The worker on PostgreSQL with handlers the test controls: DrainAsync runs everything that is
/// claimable and counts it, several at once; a throwing handler fails only its own job; the
/// polling worker goes on after one; shutdown hands a running job back.
public sealed class JobWorkerTests(JobsDatabase database) : IClassFixture<JobsDatabase>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly TestClock _clock = new(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero));

    private JobWorker Worker(IEnumerable<IJobHandler> handlers, JobOptions? options = null, JobQueue? queue = null)
    {
        var services = new ServiceCollection();
        foreach (var handler in handlers)
            services.AddSingleton(handler);
        var provider = services.BuildServiceProvider();
        return new JobWorker(provider.GetRequiredService<IServiceScopeFactory>(), queue ?? new JobQueue(database.DataSource, _clock), _clock,
            Options.Create(options ?? new JobOptions { PollSeconds = 0.05 }), NullLogger<JobWorker>.Instance);
    }

    private static TestHandler Ok(string kind) => new(kind, (_, _) => Task.CompletedTask);
    private static TestHandler Throws(string kind) => new(kind, (job, _) => throw new InvalidOperationException($"handler broke on {job.Id}"));

    [Fact]
    public async Task DrainAsync_runs_every_claimable_job_of_the_kinds_once_and_counts_the_outcomes()
    {
        var queue = new JobQueue(database.DataSource, _clock);
        var ok = JobsDatabase.Kind("ok");
        var selfCompleting = JobsDatabase.Kind("self-completing");
        var flaky = JobsDatabase.Kind("flaky");
        var deadly = JobsDatabase.Kind("deadly");
        var notDrained = JobsDatabase.Kind("not-drained");
        var now = _clock.GetUtcNow();

        for (var i = 0; i < 20; i++) await database.EnqueueAsync(ok, now, payload: $$"""{"i": {{i}}}""");
        var future = await database.EnqueueAsync(ok, now.AddMinutes(1));
        for (var i = 0; i < 5; i++) await database.EnqueueAsync(selfCompleting, now);
        for (var i = 0; i < 3; i++) await database.EnqueueAsync(flaky, now);
        for (var i = 0; i < 2; i++) await database.EnqueueAsync(deadly, now, maxAttempts: 1);
        await database.EnqueueAsync(notDrained, now);

        var okHandler = Ok(ok);
        // Puts the done mark in its own transaction, as a real handler does; the worker's own
        // CompleteAsync afterwards is then a no-op.
        var selfHandler = new TestHandler(selfCompleting, async (job, ct) =>
        {
            await using var connection = await database.DataSource.OpenConnectionAsync(ct);
            await using var tx = await connection.BeginTransactionAsync(ct);
            await using var batch = new NpgsqlBatch(connection, tx) { BatchCommands = { queue.CompleteCommand(job) } };
            await batch.ExecuteNonQueryAsync(ct);
            Assert.Equal(1, batch.BatchCommands[0].RecordsAffected);
            await tx.CommitAsync(ct);
        });
        var notDrainedHandler = Ok(notDrained);
        var worker = Worker([okHandler, selfHandler, Throws(flaky), Throws(deadly), notDrainedHandler], queue: queue);

        var result = await worker.DrainAsync([ok, selfCompleting, flaky, deadly], default);

        Assert.Equal(new DrainResult(25, 3, 2), result);
        Assert.Equal(20, okHandler.Seen.Count);
        Assert.Equal(20, okHandler.Seen.Select(j => j.Id).Distinct().Count());
        Assert.Equal(Enumerable.Range(0, 20), okHandler.Seen.Select(j => System.Text.Json.JsonDocument.Parse(j.Payload).RootElement.GetProperty("i").GetInt32()).Order());
        Assert.All(await database.RowsAsync(ok), r => Assert.Equal(r.Id == future ? "queued" : "done", r.Status));
        Assert.All(await database.RowsAsync(selfCompleting), r => Assert.Equal("done", r.Status));
        Assert.All(await database.RowsAsync(flaky), r => Assert.Equal(("queued", 1), (r.Status, r.Attempts)));
        Assert.All(await database.RowsAsync(flaky), r => Assert.Equal($"InvalidOperationException: handler broke on {r.Id}", r.LastError));
        Assert.All(await database.RowsAsync(deadly), r => Assert.Equal(("dead", 1), (r.Status, r.Attempts)));
        Assert.Empty(notDrainedHandler.Seen);
        Assert.All(await database.RowsAsync(notDrained), r => Assert.Equal(("queued", 0), (r.Status, r.Attempts)));

        // Nothing left that is claimable now; the future job and the backed-off ones wait.
        Assert.Equal(new DrainResult(0, 0, 0), await worker.DrainAsync([ok, selfCompleting, flaky, deadly], default));

        _clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(new DrainResult(1, 3, 0), await worker.DrainAsync([ok, flaky], default));
    }

    [Fact]
    public async Task DrainAsync_runs_up_to_the_configured_number_of_jobs_at_once()
    {
        var kind = JobsDatabase.Kind("parallel");
        for (var i = 0; i < 12; i++) await database.EnqueueAsync(kind, _clock.GetUtcNow());

        var running = 0;
        var most = 0;
        var fourAtOnce = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handler = new TestHandler(kind, async (_, ct) =>
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref most, now);
            if (now >= 4) fourAtOnce.TrySetResult();
            try
            {
                // Each job waits until four run together: one at a time, the first would time
                // out, and then the rest fail at once.
                await fourAtOnce.Task.WaitAsync(TimeSpan.FromSeconds(15), ct);
            }
            catch (TimeoutException)
            {
                fourAtOnce.TrySetException(new InvalidOperationException($"Never four jobs at once; at most {Volatile.Read(ref most)}."));
                throw;
            }
            finally
            {
                Interlocked.Decrement(ref running);
            }
        });

        var result = await Worker([handler], new JobOptions { Concurrency = 4 }).DrainAsync([kind], default);

        Assert.Equal(new DrainResult(12, 0, 0), result);
        Assert.Equal(4, most);
    }

    [Fact]
    public async Task DrainAsync_refuses_kinds_without_a_handler_and_two_handlers_for_one_kind()
    {
        var kind = JobsDatabase.Kind("known");
        var unknown = JobsDatabase.Kind("unknown");
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Worker([Ok(kind)]).DrainAsync([kind, unknown], default));
        Assert.Contains(unknown, error.Message, StringComparison.Ordinal);

        var twice = await Assert.ThrowsAsync<InvalidOperationException>(() => Worker([Ok(kind), Ok(kind)]).DrainAsync([kind], default));
        Assert.Contains("Two job handlers", twice.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_polling_worker_goes_on_after_a_handler_throws()
    {
        var ok = JobsDatabase.Kind("ok");
        var boom = JobsDatabase.Kind("boom");
        var now = _clock.GetUtcNow();
        var booms = new List<Guid>();
        for (var i = 0; i < 3; i++) booms.Add(await database.EnqueueAsync(boom, now));
        var oks = new List<Guid>();
        for (var i = 0; i < 5; i++) oks.Add(await database.EnqueueAsync(ok, now));

        var boomHandler = Throws(boom);
        var worker = Worker([Ok(ok), boomHandler]);
        await worker.StartAsync(default);
        try
        {
            await WaitForAsync(async () => (await database.RowsAsync(ok)).All(r => r.Status == "done"), "the first jobs to be done");
            await WaitForAsync(async () => (await database.RowsAsync(boom)).All(r => r.Attempts == 1 && r.Status == "queued"), "the failing jobs to be failed");

            // Still running after the failures: new work is picked up at the next poll.
            var later = await database.EnqueueAsync(ok, now);
            await WaitForAsync(async () => (await database.RowAsync(later)).Status == "done", "a job enqueued after the failures to be done");
        }
        finally
        {
            await worker.StopAsync(default);
        }
        Assert.Equal(3, boomHandler.Seen.Count); // each failed once; their backoff has not passed on the test clock
        Assert.All(await database.RowsAsync(boom), r => Assert.StartsWith("InvalidOperationException: handler broke on", r.LastError, StringComparison.Ordinal));
        Assert.Equal(worker.WorkerId, (await database.RowAsync(oks[0])).LockedBy);
        Assert.Matches($"^{System.Text.RegularExpressions.Regex.Escape(Environment.MachineName)}:{Environment.ProcessId}:[0-9a-f]{{6}}$", worker.WorkerId);
    }

    [Fact]
    public async Task Stopping_the_worker_mid_job_hands_the_job_back_without_counting_the_attempt()
    {
        var kind = JobsDatabase.Kind("slow");
        var id = await database.EnqueueAsync(kind, _clock.GetUtcNow());
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handler = new TestHandler(kind, async (_, ct) =>
        {
            started.TrySetResult();
            await Task.Delay(Timeout.Infinite, ct);
        });
        var worker = Worker([handler]);
        await worker.StartAsync(default);
        await started.Task.WaitAsync(Patience);
        Assert.Equal("running", (await database.RowAsync(id)).Status);

        await worker.StopAsync(default);

        var row = await database.RowAsync(id);
        Assert.Equal(("queued", 0, (Guid?)null, _clock.GetUtcNow()), (row.Status, row.Attempts, row.LeaseToken, row.RunAfter));
    }

    [Fact]
    public async Task A_disabled_worker_does_not_poll_but_DrainAsync_still_runs_jobs()
    {
        var kind = JobsDatabase.Kind("disabled");
        var id = await database.EnqueueAsync(kind, _clock.GetUtcNow());
        var worker = Worker([Ok(kind)], new JobOptions { Enabled = false, PollSeconds = 0.05 });
        await worker.StartAsync(default);
        await worker.ExecuteTask!.WaitAsync(Patience); // an enabled worker's loop would never end here
        Assert.Equal("queued", (await database.RowAsync(id)).Status);

        Assert.Equal(new DrainResult(1, 0, 0), await worker.DrainAsync([kind], default));
        Assert.Equal("done", (await database.RowAsync(id)).Status);
        await worker.StopAsync(default);
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Waited {Patience.TotalSeconds} s for {what}.");
            await Task.Delay(50);
        }
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while (value > (seen = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, seen) != seen) { }
    }
}
