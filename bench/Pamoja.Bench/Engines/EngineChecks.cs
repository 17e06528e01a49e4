using Npgsql;
using Pamoja.Core.Ledger;
using Pamoja.Web.Features.Ledger;
using Pamoja.Web.Features.Schedules;

namespace Pamoja.Bench.Engines;

/// A table's row count and an order-independent hash of the columns that do not depend on
/// who wrote the rows or when (ids, timestamps and entry hashes are left out: the engine and
/// the ceiling make their own). Every copy starts identical, so after the day every phase's
/// tables must agree with the ceiling's exactly.
public sealed record TableFingerprint(string Table, long Rows, decimal Hash);

public sealed record LedgerShape(long BrokenLinks, long BadHeads, long UnbalancedEntries, long WrongBalances)
{
    public bool Valid => BrokenLinks == 0 && BadHeads == 0 && UnbalancedEntries == 0 && WrongBalances == 0;
}

public sealed record JobsState(long Jobs, long Done, int MaxAttempts, IReadOnlyList<(string Worker, long Jobs)> ByWorker);

public static class EngineChecks
{
    public static readonly string[] Tables =
        ["obligations", "late_fines", "payouts", "journal_entries", "journal_lines", "ledger_balances", "ledger_heads", "notification_outbox", "engine_cursors"];

    public static async Task<IReadOnlyList<TableFingerprint>> FingerprintAsync(NpgsqlDataSource db, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            SELECT 'obligations', count(*), coalesce(sum(hashtextextended(concat_ws('|', group_id, member_id, period, amount, due_on), 0)::numeric), 0) FROM obligations
            UNION ALL
            SELECT 'late_fines', count(*), coalesce(sum(hashtextextended(concat_ws('|', group_id, member_id, period, amount), 0)::numeric), 0) FROM late_fines
            UNION ALL
            SELECT 'payouts', count(*), coalesce(sum(hashtextextended(concat_ws('|', group_id, period, cycle, member_id, amount, discount, currency, status), 0)::numeric), 0) FROM payouts
            UNION ALL
            SELECT 'journal_entries', count(*), coalesce(sum(hashtextextended(concat_ws('|', group_id, seq, kind, effective_on, memo, created_by), 0)::numeric), 0) FROM journal_entries
            UNION ALL
            SELECT 'journal_lines', count(*), coalesce(sum(hashtextextended(concat_ws('|', e.group_id, e.seq, l.line_no, l.account, l.member_id, l.amount, l.currency), 0)::numeric), 0)
              FROM journal_lines l JOIN journal_entries e ON e.id = l.entry_id
            UNION ALL
            SELECT 'ledger_balances', count(*), coalesce(sum(hashtextextended(concat_ws('|', group_id, account, member_id, currency, balance), 0)::numeric), 0) FROM ledger_balances
            UNION ALL
            SELECT 'ledger_heads', count(*), coalesce(sum(hashtextextended(concat_ws('|', group_id, seq), 0)::numeric), 0) FROM ledger_heads
            UNION ALL
            SELECT 'notification_outbox', count(*), coalesce(sum(hashtextextended(concat_ws('|', channel, recipient, template, params::text, status, dedupe_key), 0)::numeric), 0) FROM notification_outbox
            UNION ALL
            SELECT 'engine_cursors', count(*), coalesce(sum(hashtextextended(concat_ws('|', group_id, done_through, obligations_from), 0)::numeric), 0) FROM engine_cursors
            """);
        cmd.CommandTimeout = 600;
        var result = new List<TableFingerprint>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            result.Add(new TableFingerprint(reader.GetString(0), reader.GetInt64(1), reader.GetDecimal(2)));
        return result;
    }

    /// The chain and the balances of every group, set-based: sequence 1, 2, 3 … without gaps,
    /// each prev_hash the previous entry's hash, the head on the last entry, every entry
    /// balanced, every cached balance the sum of its lines. (The hashes themselves are
    /// recomputed by VerifyLedger on a sample: that needs the canonical form, in C#.)
    public static async Task<LedgerShape> LedgerShapeAsync(NpgsqlDataSource db, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            WITH e AS (
                SELECT group_id, seq, prev_hash, lag(hash) OVER w AS prev, row_number() OVER w AS rn
                  FROM journal_entries WINDOW w AS (PARTITION BY group_id ORDER BY seq))
            SELECT
              (SELECT count(*) FROM e WHERE seq <> rn OR prev_hash <> coalesce(prev, $1)),
              (SELECT count(*) FROM ledger_heads h
                 LEFT JOIN (SELECT DISTINCT ON (group_id) group_id, seq, hash FROM journal_entries ORDER BY group_id, seq DESC) l USING (group_id)
                WHERE h.seq <> coalesce(l.seq, 0) OR h.hash <> coalesce(l.hash, $1)),
              (SELECT count(*) FROM (SELECT entry_id FROM journal_lines GROUP BY entry_id HAVING sum(amount) <> 0 OR count(*) < 2) x),
              (SELECT count(*) FROM (SELECT group_id, account, sum(amount) AS s FROM journal_lines GROUP BY group_id, account) l
                 FULL JOIN ledger_balances b USING (group_id, account)
                WHERE coalesce(l.s, 0) <> coalesce(b.balance, 0))
            """);
        cmd.CommandTimeout = 600;
        cmd.Parameters.AddWithValue(EntryHash.Genesis);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return new LedgerShape(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3));
    }

    /// The app's own VerifyLedger (hash chain recomputed) on the given groups: the number invalid.
    public static async Task<(int Groups, long Entries, int Invalid, string? First)> VerifySampleAsync(NpgsqlDataSource db, IEnumerable<Guid> groups,
        CancellationToken ct)
    {
        var verify = new VerifyLedger(db);
        int count = 0, invalid = 0;
        long entries = 0;
        string? first = null;
        foreach (var id in groups)
        {
            var result = await verify.VerifyAsync(id, ct);
            count++;
            entries += result.Entries;
            if (result.Valid) continue;
            invalid++;
            first ??= $"group {id}: entry {result.FirstInvalid?.EntryId} seq {result.FirstInvalid?.Seq}: {result.FirstInvalid?.Reason}";
        }
        return (count, entries, invalid, first);
    }

    public static async Task<(long AtDay, long Total)> CursorsAsync(NpgsqlDataSource db, DateOnly day, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("SELECT count(*) FILTER (WHERE done_through = $1), count(*) FROM engine_cursors");
        cmd.Parameters.AddWithValue(day);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    /// The day's engine jobs (the seeded earlier days' are left out), by the worker that ran them.
    public static async Task<JobsState> JobsAsync(NpgsqlDataSource db, DateOnly day, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            SELECT coalesce(locked_by, '-'), count(*), count(*) FILTER (WHERE status = 'done'), max(attempts)
              FROM jobs WHERE kind = $1 AND payload ->> 'through' = $2 GROUP BY 1 ORDER BY 1
            """);
        cmd.Parameters.AddWithValue(DailyEngines.JobKind);
        cmd.Parameters.AddWithValue(day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        var byWorker = new List<(string, long)>();
        long jobs = 0, done = 0;
        var maxAttempts = 0;
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            byWorker.Add((reader.GetString(0), reader.GetInt64(1)));
            jobs += reader.GetInt64(1);
            done += reader.GetInt64(2);
            maxAttempts = Math.Max(maxAttempts, reader.GetInt32(3));
        }
        return new JobsState(jobs, done, maxAttempts, byWorker);
    }

    /// Counters of the database (pg_stat_database) and the server's checkpoints, to put beside a
    /// phase: transactions, rows read and written, and whether a checkpoint ran meanwhile.
    public sealed record ServerCounters(long Commits, long Rollbacks, long Returned, long Fetched, long Inserted, long Updated, long Checkpoints)
    {
        public ServerCounters Minus(ServerCounters b) => new(Commits - b.Commits, Rollbacks - b.Rollbacks, Returned - b.Returned, Fetched - b.Fetched,
            Inserted - b.Inserted, Updated - b.Updated, Checkpoints - b.Checkpoints);
    }

    public static async Task VacuumAsync(BenchServer server, string database, CancellationToken ct)
    {
        var cs = new NpgsqlConnectionStringBuilder(server.ConnectionString(database)) { Pooling = false }.ConnectionString;
        await using var connection = new NpgsqlConnection(cs);
        await connection.OpenAsync(ct);
        await using var cmd = new NpgsqlCommand("VACUUM (ANALYZE)", connection) { CommandTimeout = 600 };
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public static async Task<ServerCounters> CountersAsync(BenchServer server, string database, CancellationToken ct)
    {
        var cs = new NpgsqlConnectionStringBuilder(server.ConnectionString(database)) { Pooling = false }.ConnectionString;
        await using var connection = new NpgsqlConnection(cs);
        await connection.OpenAsync(ct);
        await using var cmd = new NpgsqlCommand("""
            SELECT xact_commit, xact_rollback, tup_returned, tup_fetched, tup_inserted, tup_updated,
                   (SELECT checkpoints_timed + checkpoints_req FROM pg_stat_bgwriter)
              FROM pg_stat_database WHERE datname = current_database()
            """, connection);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return new ServerCounters(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4),
            reader.GetInt64(5), reader.GetInt64(6));
    }
}

/// CPU time used so far by the PostgreSQL backends connected to one database (Linux: their
/// /proc/<pid>/stat, found by the database name in their process title; null elsewhere).
/// Unlike wall-clock time it does not depend on what else the machine is doing, so it shows
/// where a phase's work went even on a busy machine. Read it before the phase's connections
/// close: a backend's time leaves with it.
public static class BackendCpu
{
    private static readonly double TicksPerSecond = 100; // USER_HZ on Linux

    public static TimeSpan? Read(string database)
    {
        if (!OperatingSystem.IsLinux()) return null;
        var needle = " " + database + " ";
        double ticks = 0;
        try
        {
            foreach (var dir in Directory.EnumerateDirectories("/proc"))
            {
                if (!int.TryParse(Path.GetFileName(dir), out _)) continue;
                try
                {
                    var title = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                    if (!title.StartsWith("postgres: ", StringComparison.Ordinal) || !title.Contains(needle, StringComparison.Ordinal) ||
                        title.Contains("autovacuum", StringComparison.Ordinal)) continue;
                    var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                    var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                    // After "pid (comm) ": state is field 3, utime 14 and stime 15 (1-based in proc(5)).
                    ticks += double.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture) +
                             double.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
                {
                    // The process ended meanwhile, or is not ours to read.
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        return TimeSpan.FromSeconds(ticks / TicksPerSecond);
    }
}
