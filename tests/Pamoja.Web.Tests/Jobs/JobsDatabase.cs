using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Pamoja.Web.Data;
using Pamoja.Web.Jobs;
using Pamoja.Web.Tests.Infrastructure;

namespace Pamoja.Web.Tests.Jobs;

/// A migrated database for the job runner alone: no app runs on it, so no worker but the
/// test's own ever claims the jobs put there. Each test still uses kinds of its own.
public sealed class JobsDatabase : IAsyncLifetime
{
    public string ConnectionString { get; } = TestDatabase.CreateDatabase("pamoja_jobs");
    public NpgsqlDataSource DataSource { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        // Few connections: the server is shared with every other test class running meanwhile.
        DataSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(ConnectionString) { MaxPoolSize = 12 }.ConnectionString);
        await new MigrationRunner(DataSource, NullLogger<MigrationRunner>.Instance).ApplyAsync(Migration.Embedded());
        // Stands for a handler's effect, written in the same transaction as the done mark.
        await ExecAsync("CREATE TABLE job_effects (job_id uuid NOT NULL, worker text NOT NULL)");
    }

    public async Task DisposeAsync()
    {
        await DataSource.DisposeAsync();
        TestDatabase.Drop(ConnectionString);
    }

    public async Task<int> ExecAsync(string sql, params object?[] args)
    {
        await using var cmd = DataSource.CreateCommand(sql);
        foreach (var arg in args) cmd.Parameters.Add(new NpgsqlParameter { Value = arg ?? DBNull.Value });
        return await cmd.ExecuteNonQueryAsync();
    }

    public async Task<long> CountAsync(string sql, params object?[] args)
    {
        await using var cmd = DataSource.CreateCommand(sql);
        foreach (var arg in args) cmd.Parameters.Add(new NpgsqlParameter { Value = arg ?? DBNull.Value });
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public sealed record Row(Guid Id, string Kind, string? DedupeKey, Guid? GroupId, string Payload, string Status, int Attempts, int MaxAttempts,
        DateTimeOffset RunAfter, Guid? LeaseToken, DateTimeOffset? LeasedUntil, string? LockedBy, string? LastError, DateTimeOffset? FinishedAt);

    public async Task<IReadOnlyList<Row>> RowsAsync(string kind)
    {
        await using var cmd = DataSource.CreateCommand("""
            SELECT id, kind, dedupe_key, group_id, payload::text, status, attempts, max_attempts, run_after,
                   lease_token, leased_until, locked_by, last_error, finished_at
              FROM jobs WHERE kind = $1 ORDER BY dedupe_key, id
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = kind });
        await using var r = await cmd.ExecuteReaderAsync();
        var rows = new List<Row>();
        while (await r.ReadAsync())
            rows.Add(new Row(r.GetGuid(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), r.IsDBNull(3) ? null : r.GetGuid(3),
                r.GetString(4), r.GetString(5), r.GetInt32(6), r.GetInt32(7), r.GetFieldValue<DateTimeOffset>(8),
                r.IsDBNull(9) ? null : r.GetGuid(9), r.IsDBNull(10) ? null : r.GetFieldValue<DateTimeOffset>(10),
                r.IsDBNull(11) ? null : r.GetString(11), r.IsDBNull(12) ? null : r.GetString(12),
                r.IsDBNull(13) ? null : r.GetFieldValue<DateTimeOffset>(13)));
        return rows;
    }

    public async Task<Row> RowAsync(Guid id)
    {
        var kind = (string)(await ScalarAsync("SELECT kind FROM jobs WHERE id = $1", id))!;
        return (await RowsAsync(kind)).Single(r => r.Id == id);
    }

    public async Task<object?> ScalarAsync(string sql, params object?[] args)
    {
        await using var cmd = DataSource.CreateCommand(sql);
        foreach (var arg in args) cmd.Parameters.Add(new NpgsqlParameter { Value = arg ?? DBNull.Value });
        return await cmd.ExecuteScalarAsync();
    }

    /// Enqueues one job through EnqueueCommand (the engines' way), committed at once; returns its id.
    public async Task<Guid> EnqueueAsync(string kind, DateTimeOffset now, int maxAttempts = 8, Guid? groupId = null, string payload = "{}")
    {
        var key = $"{kind}:{Guid.NewGuid():N}";
        await using var connection = await DataSource.OpenConnectionAsync();
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands = { JobQueue.EnqueueCommand(kind, key, groupId, payload, now, maxAttempts, now) },
        };
        Assert.Equal(1, await batch.ExecuteNonQueryAsync());
        return (Guid)(await ScalarAsync("SELECT id FROM jobs WHERE dedupe_key = $1", key))!;
    }

    public static string Kind(string what) => $"test.{what}.{Guid.NewGuid():N}";
}
