using Npgsql;
using NpgsqlTypes;

namespace Pamoja.Web.Jobs;

/// A job as the operator sees it (GET /api/v1/admin/jobs). The payload is left out: it is the
/// handler's business and may name members.
public sealed record JobView(Guid Id, string Kind, Guid? GroupId, string Status, int Attempts, int MaxAttempts,
    DateTimeOffset RunAfter, string? LastError, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// What FailAsync did with a failed attempt.
public enum JobFailure
{
    /// Queued again, to run after the backoff.
    Retrying,
    /// That was the last attempt: the job waits for an operator (RetryAsync).
    Dead,
    /// The lease had been lost (another worker owns the job now): nothing was written.
    LeaseLost,
}

/// The queue in the jobs table (Data/Migrations/0004_jobs.sql). Every transition out of
/// 'running' names the claim's lease token, so only the current holder of a job can finish,
/// fail or release it; a worker that stalled past its lease finds its writes affect nothing.
public sealed class JobQueue(NpgsqlDataSource db, TimeProvider clock)
{
    public const int DefaultMaxAttempts = 8;
    public const int MaxLastError = 2000;
    public static readonly IReadOnlyList<string> Statuses = ["queued", "running", "done", "dead"];

    // Backoff after a failed attempt: 5 s, 10 s, 20 s … doubling up to an hour.
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromHours(1);

    // One statement per chunk keeps each round trip's arrays at a size PostgreSQL plans quickly.
    private const int EnqueueChunk = 1000;

    private const string InsertColumns =
        "INSERT INTO jobs (id, kind, dedupe_key, group_id, payload, status, attempts, max_attempts, run_after, created_at, updated_at)";

    /// Adds a job to the caller's batch, in the caller's transaction, so the job exists exactly
    /// when the work that asked for it commits. A job with the same dedupe key, in any state
    /// (done and dead ones too), makes this a no-op: RecordsAffected is 0. now: the created_at
    /// to record (the caller's TimeProvider); runAfter when not given.
    public static NpgsqlBatchCommand EnqueueCommand(string kind, string dedupeKey, Guid? groupId, string payloadJson, DateTimeOffset runAfter,
        int maxAttempts = DefaultMaxAttempts, DateTimeOffset? now = null)
    {
        CheckKind(kind);
        CheckDedupeKey(dedupeKey);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxAttempts, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxAttempts, 100);
        var command = new NpgsqlBatchCommand(InsertColumns + """
             VALUES ($1, $2, $3, $4, $5, 'queued', 0, $6, $7, $8, $8)
            ON CONFLICT (dedupe_key) DO NOTHING
            """);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = Guid.CreateVersion7() });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = kind });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)dedupeKey ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = groupId is { } g ? g : DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid });
        command.Parameters.Add(new NpgsqlParameter { Value = Payload(payloadJson), NpgsqlDbType = NpgsqlDbType.Jsonb });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = maxAttempts });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = runAfter.ToUniversalTime() });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = (now ?? runAfter).ToUniversalTime() });
        return command;
    }

    /// Enqueues many jobs to run now, in one transaction and one statement per 1,000 jobs.
    /// Returns how many were new (the others' dedupe keys already existed, or repeated within
    /// the list).
    public async Task<int> EnqueueAsync(IReadOnlyList<(string Kind, string DedupeKey, Guid? GroupId, string PayloadJson)> jobs, CancellationToken ct)
    {
        if (jobs.Count == 0) return 0;
        foreach (var job in jobs)
        {
            CheckKind(job.Kind);
            CheckDedupeKey(job.DedupeKey);
        }
        var now = clock.GetUtcNow();
        var added = 0;
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        for (var start = 0; start < jobs.Count; start += EnqueueChunk)
        {
            var chunk = jobs.Skip(start).Take(EnqueueChunk).ToList();
            await using var cmd = new NpgsqlCommand(InsertColumns + """
                SELECT t.id, t.kind, t.dedupe_key, t.group_id, t.payload::jsonb, 'queued', 0, $6, $7, $7, $7
                  FROM unnest($1::uuid[], $2::text[], $3::text[], $4::uuid[], $5::text[]) AS t(id, kind, dedupe_key, group_id, payload)
                ON CONFLICT (dedupe_key) DO NOTHING
                """, connection, tx);
            cmd.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = chunk.Select(_ => Guid.CreateVersion7()).ToArray() });
            cmd.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = chunk.Select(j => j.Kind).ToArray() });
            cmd.Parameters.Add(new NpgsqlParameter<string?[]> { TypedValue = chunk.Select(j => (string?)j.DedupeKey).ToArray() });
            cmd.Parameters.Add(new NpgsqlParameter<Guid?[]> { TypedValue = chunk.Select(j => j.GroupId).ToArray() });
            cmd.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = chunk.Select(j => Payload(j.PayloadJson)).ToArray() });
            cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = DefaultMaxAttempts });
            cmd.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });
            added += await cmd.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
        return added;
    }

    /// Claims up to max jobs of these kinds: queued ones that are due, and running ones whose
    /// lease ran out (their worker died or stalled). Each claim counts an attempt and gets a new
    /// lease token. A running job whose lease ran out on its last attempt is not claimed but
    /// declared dead, so a job that kills its worker every time stops being retried.
    public async Task<IReadOnlyList<JobClaim>> ClaimAsync(IReadOnlyCollection<string> kinds, int max, TimeSpan lease, string worker, CancellationToken ct)
    {
        if (kinds.Count == 0 || max <= 0) return [];
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lease, TimeSpan.Zero);
        var now = clock.GetUtcNow();
        var kindArray = kinds.ToArray();

        await using var connection = await db.OpenConnectionAsync(ct);
        await using var batch = new NpgsqlBatch(connection);

        // The CTE picks and locks the rows once; SKIP LOCKED lets concurrent claimers take
        // other rows instead of queueing behind each other, so no two claims share a job.
        // Queued and expired jobs are picked separately so each pick can walk jobs_claim_idx in
        // run_after order and stop at the limit (one query with an OR sorted every queued job).
        var claim = new NpgsqlBatchCommand("""
            WITH queued AS (
                SELECT id, run_after FROM jobs
                 WHERE status = 'queued' AND run_after <= $1 AND kind = ANY($2)
                 ORDER BY run_after
                 LIMIT $3
                 FOR UPDATE SKIP LOCKED),
            expired AS (
                SELECT id, run_after FROM jobs
                 WHERE status = 'running' AND leased_until < $1 AND attempts < max_attempts AND kind = ANY($2)
                 ORDER BY run_after
                 LIMIT $3
                 FOR UPDATE SKIP LOCKED),
            next AS (
                SELECT id FROM (SELECT * FROM expired UNION ALL SELECT * FROM queued) c ORDER BY run_after LIMIT $3)
            UPDATE jobs j
               SET status = 'running', attempts = j.attempts + 1, lease_token = gen_random_uuid(),
                   leased_until = $4, locked_by = $5, updated_at = $1
              FROM next
             WHERE j.id = next.id
            RETURNING j.id, j.kind, j.group_id, j.payload::text, j.attempts, j.lease_token
            """);
        claim.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });
        claim.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = kindArray });
        claim.Parameters.Add(new NpgsqlParameter<int> { TypedValue = max });
        claim.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now + lease });
        claim.Parameters.Add(new NpgsqlParameter<string> { TypedValue = worker });
        batch.BatchCommands.Add(claim);

        // After the claim, in the same round trip; the claim never takes these rows.
        var giveUp = new NpgsqlBatchCommand("""
            UPDATE jobs
               SET status = 'dead', finished_at = $1, updated_at = $1, lease_token = NULL, leased_until = NULL,
                   last_error = left('Attempt ' || attempts || ' of ' || max_attempts || ' never finished: its lease ran out'
                                     || ' (the worker stopped or took too long).' || coalesce(' Before that: ' || last_error, ''), 2000)
             WHERE status = 'running' AND leased_until < $1 AND attempts >= max_attempts AND kind = ANY($2)
            """);
        giveUp.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });
        giveUp.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = kindArray });
        batch.BatchCommands.Add(giveUp);

        var claims = new List<JobClaim>();
        await using var reader = await batch.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            claims.Add(new JobClaim(reader.GetGuid(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetGuid(2),
                reader.GetString(3), reader.GetInt32(4), reader.GetGuid(5)));
        return claims;
    }

    /// The "done" mark, for the handler's own transaction next to its effect (put it first:
    /// it then also locks the row, so nobody can claim the job while the effect is written).
    /// RecordsAffected is 1 while the claim holds the job; 0 means the lease was lost (someone
    /// else owns the job now) or the job is already done, and the transaction must roll back.
    public NpgsqlBatchCommand CompleteCommand(JobClaim claim)
    {
        var command = new NpgsqlBatchCommand("""
            UPDATE jobs
               SET status = 'done', finished_at = $3, updated_at = $3, lease_token = NULL, leased_until = NULL
             WHERE id = $1 AND lease_token = $2 AND status = 'running'
            """);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = claim.Id });
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = claim.LeaseToken });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = clock.GetUtcNow() });
        return command;
    }

    /// The done mark on its own; false when the lease was lost or the job is already done.
    public async Task<bool> CompleteAsync(JobClaim claim, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var batch = new NpgsqlBatch(connection) { BatchCommands = { CompleteCommand(claim) } };
        return await batch.ExecuteNonQueryAsync(ct) == 1;
    }

    /// Done marks for several jobs in one statement, for work that is safe to repeat (an engine
    /// run whose own cursor makes a second run a no-op): returns how many were still held.
    public async Task<int> CompleteManyAsync(IReadOnlyList<JobClaim> claims, CancellationToken ct)
    {
        if (claims.Count == 0) return 0;
        await using var cmd = db.CreateCommand("""
            UPDATE jobs j
               SET status = 'done', finished_at = $3, updated_at = $3, lease_token = NULL, leased_until = NULL
              FROM unnest($1::uuid[], $2::uuid[]) AS c(id, token)
             WHERE j.id = c.id AND j.lease_token = c.token AND j.status = 'running'
            """);
        cmd.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = claims.Select(c => c.Id).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = claims.Select(c => c.LeaseToken).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = clock.GetUtcNow() });
        return await cmd.ExecuteNonQueryAsync(ct);
    }

    /// Records a failed attempt while the claim still holds the job: queued again after an
    /// exponential backoff, or dead after its last attempt.
    public Task<JobFailure> FailAsync(JobClaim claim, Exception error, CancellationToken ct) =>
        FailAsync(claim, Describe(error), Random.Shared.NextDouble(), ct);

    internal async Task<JobFailure> FailAsync(JobClaim claim, string error, double jitter, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var cmd = db.CreateCommand("""
            UPDATE jobs
               SET status = CASE WHEN attempts >= max_attempts THEN 'dead' ELSE 'queued' END,
                   run_after = CASE WHEN attempts >= max_attempts THEN run_after ELSE $4 END,
                   finished_at = CASE WHEN attempts >= max_attempts THEN $3 END,
                   last_error = left($5, 2000), lease_token = NULL, leased_until = NULL, updated_at = $3
             WHERE id = $1 AND lease_token = $2 AND status = 'running'
            RETURNING status
            """);
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = claim.Id });
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = claim.LeaseToken });
        cmd.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });
        cmd.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now + Backoff(claim.Attempt, jitter) });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Truncate(error, MaxLastError) });
        return await cmd.ExecuteScalarAsync(ct) switch
        {
            "dead" => JobFailure.Dead,
            "queued" => JobFailure.Retrying,
            _ => JobFailure.LeaseLost,
        };
    }

    /// Gives a claimed job back untouched (the worker is shutting down mid-run): queued again
    /// at once, and the attempt not counted, since the job itself did not fail.
    internal async Task<bool> ReleaseAsync(JobClaim claim, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var cmd = db.CreateCommand("""
            UPDATE jobs
               SET status = 'queued', attempts = greatest(attempts - 1, 0), run_after = $3,
                   lease_token = NULL, leased_until = NULL, updated_at = $3
             WHERE id = $1 AND lease_token = $2 AND status = 'running'
            """);
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = claim.Id });
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = claim.LeaseToken });
        cmd.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }

    /// The operator's retry of a dead job: queued to run now with a fresh set of attempts. The
    /// last error stays, to show what went wrong before. False when the job is not dead.
    public async Task<bool> RetryAsync(Guid jobId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var cmd = db.CreateCommand("""
            UPDATE jobs
               SET status = 'queued', attempts = 0, run_after = $2, finished_at = NULL,
                   lease_token = NULL, leased_until = NULL, locked_by = NULL, updated_at = $2
             WHERE id = $1 AND status = 'dead'
            """);
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = jobId });
        cmd.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }

    /// Jobs newest-changed first, of one status (queued, running, done, dead) or all.
    public async Task<IReadOnlyList<JobView>> ListAsync(string? status, int limit, CancellationToken ct)
    {
        if (status is not null && !Statuses.Contains(status))
            throw new ArgumentException($"Unknown job status '{status}'.", nameof(status));
        await using var cmd = db.CreateCommand(SelectView + """
             WHERE ($1::text IS NULL OR status = $1)
             ORDER BY updated_at DESC, id
             LIMIT $2
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)status ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = Math.Clamp(limit, 1, 1000) });
        return await ReadViewsAsync(cmd, ct);
    }

    /// One job, or null when there is none with that id.
    public async Task<JobView?> GetAsync(Guid jobId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(SelectView + " WHERE id = $1");
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = jobId });
        return (await ReadViewsAsync(cmd, ct)).SingleOrDefault();
    }

    private const string SelectView =
        "SELECT id, kind, group_id, status, attempts, max_attempts, run_after, last_error, created_at, updated_at FROM jobs";

    private static async Task<IReadOnlyList<JobView>> ReadViewsAsync(NpgsqlCommand cmd, CancellationToken ct)
    {
        var views = new List<JobView>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            views.Add(new JobView(reader.GetGuid(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetGuid(2), reader.GetString(3),
                reader.GetInt32(4), reader.GetInt32(5), reader.GetFieldValue<DateTimeOffset>(6), reader.IsDBNull(7) ? null : reader.GetString(7),
                reader.GetFieldValue<DateTimeOffset>(8), reader.GetFieldValue<DateTimeOffset>(9)));
        return views;
    }

    /// The wait before attempt+1 after attempt failed: 5 s·2^(attempt−1), at most an hour, less up
    /// to a quarter at random (jitter ∈ [0, 1)), so jobs that failed together do not all come
    /// back at the same instant. Each wait is longer than the one before until the cap.
    public static TimeSpan Backoff(int attempt, double jitter)
    {
        var nominal = FirstBackoff.TotalSeconds * Math.Pow(2, Math.Clamp(attempt, 1, 40) - 1);
        var capped = Math.Min(nominal, MaxBackoff.TotalSeconds);
        return TimeSpan.FromSeconds(capped * (1 - 0.25 * Math.Clamp(jitter, 0, 1)));
    }

    /// The exception's type and message (and its inner one's), as last_error stores it.
    internal static string Describe(Exception error)
    {
        var text = $"{error.GetType().Name}: {error.Message}";
        if (error.InnerException is { } inner)
            text += $" ---> {inner.GetType().Name}: {inner.Message}";
        return text;
    }

    /// At most max UTF-16 units, never half a surrogate pair, and no NUL (PostgreSQL refuses it in text).
    internal static string Truncate(string text, int max)
    {
        text = text.Replace("\0", "", StringComparison.Ordinal);
        if (text.Length <= max) return text;
        var cut = char.IsHighSurrogate(text[max - 1]) ? max - 1 : max;
        return text[..cut];
    }

    private static string Payload(string? json) => string.IsNullOrWhiteSpace(json) ? "{}" : json;

    private static void CheckKind(string kind)
    {
        if (string.IsNullOrWhiteSpace(kind) || kind.Length > 100)
            throw new ArgumentException("A job kind is 1–100 characters.", nameof(kind));
    }

    private static void CheckDedupeKey(string? dedupeKey)
    {
        if (dedupeKey is not null && (dedupeKey.Length == 0 || dedupeKey.Length > 400))
            throw new ArgumentException("A dedupe key is null or 1–400 characters.", nameof(dedupeKey));
    }
}
