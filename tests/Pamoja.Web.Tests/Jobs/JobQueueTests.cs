using Npgsql;
using Pamoja.Web.Jobs;
using Pamoja.Web.Tests.Infrastructure;

namespace Pamoja.Web.Tests.Jobs;

/// The queue's rules on PostgreSQL, with time moved by hand: dedupe keys, disjoint claims,
/// leases that pass to another worker and leave the first one unable to finish, backoff that
/// ends in dead, and the operator's retry.
public sealed class JobQueueTests(JobsDatabase database) : IClassFixture<JobsDatabase>
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);
    private readonly TestClock _clock = new(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero));

    private JobQueue Queue() => new(database.DataSource, _clock);

    [Fact]
    public async Task Enqueue_skips_dedupe_keys_that_exist_in_any_state_or_repeat_within_the_list()
    {
        var queue = Queue();
        var kind = JobsDatabase.Kind("dedupe");
        var group = Guid.NewGuid();

        var added = await queue.EnqueueAsync([
            (kind, "a", group, """{"n": 1}"""),
            (kind, "b", null, ""),
            (kind, "a", null, """{"n": 2}"""), // the same key again in the same list
        ], default);
        Assert.Equal(2, added);

        // Again, with one new key: only that one is added.
        Assert.Equal(1, await queue.EnqueueAsync([(kind, "a", null, "{}"), (kind, "b", null, "{}"), (kind, "c", null, "{}")], default));

        var rows = await database.RowsAsync(kind);
        Assert.Equal(["a", "b", "c"], rows.Select(r => r.DedupeKey));
        Assert.All(rows, r => Assert.Equal("queued", r.Status));
        Assert.All(rows, r => Assert.Equal(0, r.Attempts));
        Assert.All(rows, r => Assert.Equal(_clock.GetUtcNow(), r.RunAfter));
        Assert.Equal(group, rows[0].GroupId);
        Assert.Equal("""{"n": 1}""", rows[0].Payload); // the first one's payload stays
        Assert.Equal("{}", rows[1].Payload);            // an empty payload is an empty object

        // A done job's key still counts: re-running an engine for the same date adds nothing.
        var claim = Assert.Single(await queue.ClaimAsync([kind], 1, Lease, "w", default));
        Assert.True(await queue.CompleteAsync(claim, default));
        Assert.Equal(0, await queue.EnqueueAsync([(kind, "a", null, "{}"), (kind, "b", null, "{}"), (kind, "c", null, "{}")], default));
        Assert.Equal(3, await database.CountAsync("SELECT count(*) FROM jobs WHERE kind = $1", kind));
    }

    [Fact]
    public async Task Enqueue_takes_thousands_of_jobs_in_one_call_and_again_adds_none()
    {
        var queue = Queue();
        var kind = JobsDatabase.Kind("bulk");
        var jobs = Enumerable.Range(0, 2_345).Select(i => (kind, $"{kind}:{i}", (Guid?)null, $$"""{"i": {{i}}}""")).ToList();
        Assert.Equal(2_345, await queue.EnqueueAsync(jobs, default));
        Assert.Equal(0, await queue.EnqueueAsync(jobs, default));
        Assert.Equal(2_345, await database.CountAsync("SELECT count(DISTINCT payload->>'i') FROM jobs WHERE kind = $1", kind));
    }

    [Fact]
    public async Task EnqueueCommand_joins_the_callers_transaction_and_dedupes_there()
    {
        var queue = Queue();
        var kind = JobsDatabase.Kind("in-tx");
        var now = _clock.GetUtcNow();
        var later = now.AddHours(2);

        await using (var connection = await database.DataSource.OpenConnectionAsync())
        {
            await using var tx = await connection.BeginTransactionAsync();
            await using var batch = new NpgsqlBatch(connection, tx)
            {
                BatchCommands =
                {
                    JobQueue.EnqueueCommand(kind, "k1", null, "{}", now),
                    JobQueue.EnqueueCommand(kind, "k1", null, "{}", now),
                },
            };
            await batch.ExecuteNonQueryAsync();
            Assert.Equal(1, batch.BatchCommands[0].RecordsAffected);
            Assert.Equal(0, batch.BatchCommands[1].RecordsAffected);
            await tx.RollbackAsync();
        }
        Assert.Empty(await database.RowsAsync(kind)); // rolled back with the caller's work

        await using (var connection = await database.DataSource.OpenConnectionAsync())
        {
            await using var tx = await connection.BeginTransactionAsync();
            await using var batch = new NpgsqlBatch(connection, tx) { BatchCommands = { JobQueue.EnqueueCommand(kind, "k1", null, "{}", later, maxAttempts: 3, now: now) } };
            Assert.Equal(1, await batch.ExecuteNonQueryAsync());
            await tx.CommitAsync();
        }
        var row = Assert.Single(await database.RowsAsync(kind));
        Assert.Equal((later, 3, "queued"), (row.RunAfter, row.MaxAttempts, row.Status));

        // Not due before run_after.
        Assert.Empty(await queue.ClaimAsync([kind], 10, Lease, "w", default));
        _clock.Advance(TimeSpan.FromHours(2));
        Assert.Single(await queue.ClaimAsync([kind], 10, Lease, "w", default));
    }

    [Fact]
    public async Task Claims_carry_the_job_and_take_only_the_kinds_asked_for_up_to_max()
    {
        var queue = Queue();
        var kind = JobsDatabase.Kind("claim");
        var other = JobsDatabase.Kind("other");
        var group = Guid.NewGuid();
        var id = await database.EnqueueAsync(kind, _clock.GetUtcNow(), groupId: group, payload: """{"date": "2026-03-01"}""");
        await database.EnqueueAsync(kind, _clock.GetUtcNow());
        await database.EnqueueAsync(kind, _clock.GetUtcNow());
        var otherId = await database.EnqueueAsync(other, _clock.GetUtcNow());

        var first = await queue.ClaimAsync([kind], 2, Lease, "worker-1", default);
        Assert.Equal(2, first.Count);
        Assert.All(first, c => Assert.Equal(kind, c.Kind));
        var second = Assert.Single(await queue.ClaimAsync([kind], 2, Lease, "worker-1", default));
        Assert.Empty(await queue.ClaimAsync([kind], 2, Lease, "worker-1", default));

        var claim = first.Concat([second]).Single(c => c.Id == id);
        Assert.Equal(group, claim.GroupId);
        Assert.Equal("2026-03-01", System.Text.Json.JsonDocument.Parse(claim.Payload).RootElement.GetProperty("date").GetString());
        Assert.Equal(1, claim.Attempt);
        var row = await database.RowAsync(id);
        Assert.Equal(("running", 1, claim.LeaseToken, _clock.GetUtcNow() + Lease, "worker-1"),
            (row.Status, row.Attempts, row.LeaseToken!.Value, row.LeasedUntil!.Value, row.LockedBy!));
        Assert.Equal(3, first.Concat([second]).Select(c => c.LeaseToken).Distinct().Count());

        Assert.Equal("queued", (await database.RowAsync(otherId)).Status);
    }

    [Fact]
    public async Task Concurrent_claimers_get_disjoint_jobs_and_together_all_of_them()
    {
        var kind = JobsDatabase.Kind("race");
        var jobs = Enumerable.Range(0, 300).Select(i => (kind, $"{kind}:{i}", (Guid?)null, "{}")).ToList();
        Assert.Equal(300, await Queue().EnqueueAsync(jobs, default));

        // Eight workers, each with its own queue instance and connections, claiming at once.
        using var start = new ManualResetEventSlim();
        var workers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            var queue = Queue();
            var mine = new List<JobClaim>();
            start.Wait();
            while (true)
            {
                var claims = await queue.ClaimAsync([kind], 7, Lease, $"worker-{w}", default);
                if (claims.Count == 0) return mine;
                mine.AddRange(claims);
            }
        })).ToList();
        start.Set();
        var results = await Task.WhenAll(workers);

        var all = results.SelectMany(r => r).ToList();
        Assert.Equal(300, all.Count);
        Assert.Equal(300, all.Select(c => c.Id).Distinct().Count());
        Assert.All(all, c => Assert.Equal(1, c.Attempt));
        // Every row is held by the worker that got it, with that worker's token.
        var rows = (await database.RowsAsync(kind)).ToDictionary(r => r.Id);
        foreach (var (claims, w) in results.Select((r, i) => (r, i)))
            foreach (var c in claims)
                Assert.Equal(($"worker-{w}", c.LeaseToken, 1), (rows[c.Id].LockedBy!, rows[c.Id].LeaseToken!.Value, rows[c.Id].Attempts));
    }

    [Fact]
    public async Task An_expired_lease_passes_to_another_worker_and_the_first_can_no_longer_finish()
    {
        var queue = Queue();
        var kind = JobsDatabase.Kind("lease");
        var id = await database.EnqueueAsync(kind, _clock.GetUtcNow());

        var a = Assert.Single(await queue.ClaimAsync([kind], 1, Lease, "worker-a", default));

        // While the lease lasts, nobody else gets the job.
        _clock.Advance(Lease - TimeSpan.FromSeconds(1));
        Assert.Empty(await queue.ClaimAsync([kind], 1, Lease, "worker-b", default));
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Empty(await queue.ClaimAsync([kind], 1, Lease, "worker-b", default)); // ends at leased_until, not before

        // Worker A stalls past its lease; B takes the job over.
        _clock.Advance(TimeSpan.FromSeconds(1));
        var b = Assert.Single(await queue.ClaimAsync([kind], 1, Lease, "worker-b", default));
        Assert.Equal(id, b.Id);
        Assert.Equal(2, b.Attempt);
        Assert.NotEqual(a.LeaseToken, b.LeaseToken);

        // A wakes up and tries to commit its effect with the done mark: 0 rows, so it rolls back.
        Assert.Equal(0, await HandleInTransactionAsync(queue, a, "worker-a"));
        Assert.False(await queue.CompleteAsync(a, default));
        Assert.Equal(JobFailure.LeaseLost, await queue.FailAsync(a, new InvalidOperationException("late"), default));
        var row = await database.RowAsync(id);
        Assert.Equal(("running", 2, b.LeaseToken, "worker-b", (string?)null), (row.Status, row.Attempts, row.LeaseToken!.Value, row.LockedBy!, row.LastError));

        // B's effect and done mark commit together.
        Assert.Equal(1, await HandleInTransactionAsync(queue, b, "worker-b"));
        row = await database.RowAsync(id);
        Assert.Equal(("done", (Guid?)null, (DateTimeOffset?)_clock.GetUtcNow()), (row.Status, row.LeaseToken, row.FinishedAt));
        Assert.Equal(["worker-b"], await EffectsAsync(id));

        // Done is final: not claimable, not completable again.
        _clock.Advance(TimeSpan.FromDays(1));
        Assert.Empty(await queue.ClaimAsync([kind], 1, Lease, "worker-c", default));
        Assert.False(await queue.CompleteAsync(b, default));
        Assert.Equal(0, await HandleInTransactionAsync(queue, b, "worker-b"));
        Assert.Equal(["worker-b"], await EffectsAsync(id));
    }

    [Fact]
    public async Task A_job_whose_lease_runs_out_on_its_last_attempt_is_declared_dead_not_claimed()
    {
        var queue = Queue();
        var kind = JobsDatabase.Kind("crashing");
        var id = await database.EnqueueAsync(kind, _clock.GetUtcNow(), maxAttempts: 2);

        Assert.Single(await queue.ClaimAsync([kind], 1, Lease, "w1", default));
        _clock.Advance(Lease + TimeSpan.FromSeconds(1));
        Assert.Equal(2, Assert.Single(await queue.ClaimAsync([kind], 1, Lease, "w2", default)).Attempt);
        _clock.Advance(Lease + TimeSpan.FromSeconds(1));
        Assert.Empty(await queue.ClaimAsync([kind], 1, Lease, "w3", default));

        var row = await database.RowAsync(id);
        Assert.Equal(("dead", 2, (Guid?)null), (row.Status, row.Attempts, row.LeaseToken));
        Assert.Equal(_clock.GetUtcNow(), row.FinishedAt);
        Assert.Contains("lease ran out", row.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Failures_back_off_longer_each_time_and_the_last_one_makes_the_job_dead()
    {
        var queue = Queue();
        var kind = JobsDatabase.Kind("failing");
        var id = await database.EnqueueAsync(kind, _clock.GetUtcNow(), maxAttempts: 5);

        var waits = new List<TimeSpan>();
        for (var attempt = 1; attempt <= 4; attempt++)
        {
            var claim = Assert.Single(await queue.ClaimAsync([kind], 1, Lease, "w", default));
            Assert.Equal(attempt, claim.Attempt);
            Assert.Equal(JobFailure.Retrying, await queue.FailAsync(claim, new InvalidOperationException($"provider said no ({attempt})"), default));

            var row = await database.RowAsync(id);
            Assert.Equal(("queued", attempt, (Guid?)null, (DateTimeOffset?)null), (row.Status, row.Attempts, row.LeaseToken, row.FinishedAt));
            Assert.Equal($"InvalidOperationException: provider said no ({attempt})", row.LastError);
            var wait = row.RunAfter - _clock.GetUtcNow();
            var nominal = TimeSpan.FromSeconds(5 * Math.Pow(2, attempt - 1));
            Assert.InRange(wait, nominal * 0.75, nominal);
            waits.Add(wait);

            // Not before the backoff is over; at its end, yes.
            Assert.Empty(await queue.ClaimAsync([kind], 1, Lease, "w", default));
            _clock.Advance(wait - TimeSpan.FromMilliseconds(1));
            Assert.Empty(await queue.ClaimAsync([kind], 1, Lease, "w", default));
            _clock.Advance(TimeSpan.FromMilliseconds(1));
        }
        Assert.Equal(waits.Order(), waits);
        Assert.Equal(waits.Count, waits.Distinct().Count());

        var last = Assert.Single(await queue.ClaimAsync([kind], 1, Lease, "w", default));
        Assert.Equal(5, last.Attempt);
        Assert.Equal(JobFailure.Dead, await queue.FailAsync(last, new TimeoutException("still no"), default));
        var dead = await database.RowAsync(id);
        Assert.Equal(("dead", 5, "TimeoutException: still no", (DateTimeOffset?)_clock.GetUtcNow()), (dead.Status, dead.Attempts, dead.LastError, dead.FinishedAt));

        _clock.Advance(TimeSpan.FromDays(30));
        Assert.Empty(await queue.ClaimAsync([kind], 1, Lease, "w", default));
        Assert.Equal(JobFailure.LeaseLost, await queue.FailAsync(last, new TimeoutException("again"), default));
        Assert.Equal("dead", (await database.RowAsync(id)).Status);
    }

    [Theory]
    [InlineData(1, 0.0, 5)]
    [InlineData(2, 0.0, 10)]
    [InlineData(3, 0.0, 20)]
    [InlineData(3, 0.999, 15.005)]
    [InlineData(10, 0.0, 2560)]
    [InlineData(11, 0.0, 3600)]   // capped at an hour
    [InlineData(50, 0.0, 3600)]
    [InlineData(50, 1.0, 2700)]   // jitter takes off at most a quarter
    public void Backoff_doubles_from_five_seconds_up_to_an_hour_less_up_to_a_quarter_of_jitter(int attempt, double jitter, double seconds) =>
        Assert.Equal(seconds, JobQueue.Backoff(attempt, jitter).TotalSeconds, 3);

    [Fact]
    public async Task Long_errors_are_cut_to_2000_characters_and_NULs_removed()
    {
        var queue = Queue();
        var kind = JobsDatabase.Kind("long-error");
        var id = await database.EnqueueAsync(kind, _clock.GetUtcNow());
        var claim = Assert.Single(await queue.ClaimAsync([kind], 1, Lease, "w", default));
        await queue.FailAsync(claim, new InvalidOperationException("bad\0byte " + new string('x', 5000), new IOException("disk")), default);
        var error = (await database.RowAsync(id)).LastError!;
        Assert.Equal(2000, error.Length);
        Assert.StartsWith("InvalidOperationException: badbyte xxx", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_operator_retries_a_dead_job_with_fresh_attempts_and_only_a_dead_one()
    {
        var queue = Queue();
        var kind = JobsDatabase.Kind("retry");
        var id = await database.EnqueueAsync(kind, _clock.GetUtcNow(), maxAttempts: 1);

        Assert.False(await queue.RetryAsync(id, default)); // queued, not dead
        var claim = Assert.Single(await queue.ClaimAsync([kind], 1, Lease, "w", default));
        Assert.False(await queue.RetryAsync(id, default)); // running, not dead
        Assert.Equal(JobFailure.Dead, await queue.FailAsync(claim, new InvalidOperationException("boom"), default));
        Assert.False(await queue.RetryAsync(Guid.NewGuid(), default));

        var listed = await queue.ListAsync("dead", 1000, default);
        Assert.Contains(listed, j => j.Id == id && j.Kind == kind && j.Attempts == 1 && j.MaxAttempts == 1 && j.LastError == "InvalidOperationException: boom");
        Assert.DoesNotContain(await queue.ListAsync("queued", 1000, default), j => j.Id == id);

        _clock.Advance(TimeSpan.FromHours(3));
        Assert.True(await queue.RetryAsync(id, default));
        Assert.False(await queue.RetryAsync(id, default)); // queued again: a second retry is refused
        var row = await database.RowAsync(id);
        Assert.Equal(("queued", 0, _clock.GetUtcNow(), (DateTimeOffset?)null), (row.Status, row.Attempts, row.RunAfter, row.FinishedAt));
        Assert.Equal("InvalidOperationException: boom", row.LastError); // what went wrong before stays visible

        var again = Assert.Single(await queue.ClaimAsync([kind], 1, Lease, "w", default));
        Assert.Equal(1, again.Attempt);
        Assert.True(await queue.CompleteAsync(again, default));
        Assert.Equal("done", (await database.RowAsync(id)).Status);
        Assert.Contains(await queue.ListAsync("done", 1000, default), j => j.Id == id);
        Assert.Contains(await queue.ListAsync(null, 1000, default), j => j.Id == id);
    }

    /// A handler's transaction: the done mark first, then the effect; rolled back unless the
    /// mark took. Returns the mark's RecordsAffected.
    private async Task<int> HandleInTransactionAsync(JobQueue queue, JobClaim claim, string worker)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        var effect = new NpgsqlBatchCommand("INSERT INTO job_effects (job_id, worker) VALUES ($1, $2)");
        effect.Parameters.Add(new NpgsqlParameter { Value = claim.Id });
        effect.Parameters.Add(new NpgsqlParameter { Value = worker });
        await using var batch = new NpgsqlBatch(connection, tx) { BatchCommands = { queue.CompleteCommand(claim), effect } };
        await batch.ExecuteNonQueryAsync();
        var marked = batch.BatchCommands[0].RecordsAffected;
        if (marked == 1) await tx.CommitAsync();
        else await tx.RollbackAsync();
        return marked;
    }

    private async Task<List<string>> EffectsAsync(Guid id)
    {
        await using var cmd = database.DataSource.CreateCommand("SELECT worker FROM job_effects WHERE job_id = $1");
        cmd.Parameters.Add(new NpgsqlParameter { Value = id });
        await using var reader = await cmd.ExecuteReaderAsync();
        var workers = new List<string>();
        while (await reader.ReadAsync()) workers.Add(reader.GetString(0));
        return workers;
    }
}
