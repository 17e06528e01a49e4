using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using NpgsqlTypes;
using Pamoja.Web.Data;

namespace Pamoja.Bench;

/// A group made for the benchmark: its treasurer (the caller, with a user account) is member 0.
public sealed record BenchGroup(Guid Id, Guid OfficialUserId, Guid OfficialMemberId, Guid[] Members);

/// The benchmark's own database on the server in PAMOJA_DATABASE_URL: created, migrated with
/// the app's MigrationRunner, seeded with plain SQL, and dropped at the end.
public sealed class BenchDatabase : IAsyncDisposable
{
    private const string DefaultServer = "postgres://pamoja:pamoja@localhost:5432/pamoja?sslmode=disable";

    private readonly string _serverConnectionString;
    private int _nextGroup;

    public string Name { get; }
    public NpgsqlDataSource DataSource { get; }
    public bool Keep { get; set; }

    private BenchDatabase(string serverConnectionString, string name)
    {
        _serverConnectionString = serverConnectionString;
        Name = name;
        // One pooled data source for both workloads, built by the app's own DataModule so the
        // ceiling and the real use case run with exactly the app's connection settings.
        var connectionString = new NpgsqlConnectionStringBuilder(serverConnectionString) { Database = name };
        DataSource = DataModule.CreateDataSource(connectionString.ConnectionString, "pamoja-bench");
    }

    public static string ServerConnectionString =>
        DatabaseUrl.ToConnectionString(Environment.GetEnvironmentVariable("PAMOJA_DATABASE_URL") is { Length: > 0 } url ? url : DefaultServer);

    public static async Task<BenchDatabase> CreateAsync(CancellationToken ct)
    {
        var server = ServerConnectionString;
        var name = $"pamoja_bench_{DateTime.UtcNow.ToString("yyyyMMdd_HHmmss", CultureInfo.InvariantCulture)}_{Guid.NewGuid().ToString("N")[..6]}";
        await using (var admin = await OpenAdminAsync(server, ct))
        {
            await using var cmd = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", admin);
            await cmd.ExecuteNonQueryAsync(ct);
        }
        var db = new BenchDatabase(server, name);
        try
        {
            await new MigrationRunner(db.DataSource, NullLogger<MigrationRunner>.Instance).ApplyAsync(Migration.Embedded(), ct);
            return db;
        }
        catch
        {
            await db.DisposeAsync();
            throw;
        }
    }

    /// A connection for CREATE and DROP DATABASE: to the URL's database, or to "postgres" when
    /// that one does not exist (the benchmark needs the server, not the app's database).
    private static async Task<NpgsqlConnection> OpenAdminAsync(string server, CancellationToken ct)
    {
        var admin = new NpgsqlConnection(server);
        try
        {
            await admin.OpenAsync(ct);
            return admin;
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.InvalidCatalogName)
        {
            await admin.DisposeAsync();
            admin = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(server) { Database = "postgres" }.ConnectionString);
            await admin.OpenAsync(ct);
            return admin;
        }
    }

    /// Inserts `count` groups of `members` active members each (member 0 is the treasurer and
    /// has a user account) in four set-based statements.
    public async Task<IReadOnlyList<BenchGroup>> SeedGroupsAsync(int count, int members, CancellationToken ct)
    {
        var groups = new List<BenchGroup>(count);
        var memberIds = new List<Guid>(count * members);
        var memberGroups = new List<Guid>(count * members);
        var memberUsers = new List<Guid?>(count * members);
        var memberPhones = new List<string>(count * members);
        var memberNumbers = new List<int>(count * members);
        var memberRoles = new List<string>(count * members);
        for (var g = 0; g < count; g++)
        {
            var number = ++_nextGroup;
            var ids = Enumerable.Range(0, members).Select(_ => Guid.CreateVersion7()).ToArray();
            var group = new BenchGroup(Guid.CreateVersion7(), Guid.CreateVersion7(), ids[0], ids);
            groups.Add(group);
            for (var m = 0; m < members; m++)
            {
                memberIds.Add(ids[m]);
                memberGroups.Add(group.Id);
                memberUsers.Add(m == 0 ? group.OfficialUserId : null);
                memberPhones.Add(Phone(number, m));
                memberNumbers.Add(m + 1);
                memberRoles.Add(m == 0 ? "treasurer" : "member");
            }
        }

        var groupIds = groups.Select(g => g.Id).ToArray();
        var userIds = groups.Select(g => g.OfficialUserId).ToArray();
        var groupNumbers = Enumerable.Range(_nextGroup - count + 1, count).ToArray();
        var userPhones = groupNumbers.Select(n => Phone(n, 0)).ToArray();

        await using var connection = await DataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using var batch = new NpgsqlBatch(connection, tx);
        batch.BatchCommands.Add(Command("""
            INSERT INTO users (id, user_name, normalized_user_name, full_name, created_at)
            SELECT id, phone, phone, 'Bench treasurer ' || n, now() FROM unnest($1::uuid[], $2::text[], $3::int[]) AS u(id, phone, n)
            """, userIds, userPhones, groupNumbers));
        batch.BatchCommands.Add(Command("""
            INSERT INTO groups (id, name, kind, currency, time_zone, starts_on, max_members, invite_code, created_by, created_at, updated_at)
            SELECT id, 'Bench group ' || n, 'asca', 'KES', 'Africa/Nairobi', DATE '2025-01-01', 500, 'BENCH' || n, created_by, now(), now()
              FROM unnest($1::uuid[], $2::int[], $3::uuid[]) AS g(id, n, created_by)
            """, groupIds, groupNumbers, userIds));
        batch.BatchCommands.Add(Command("""
            INSERT INTO group_rules (group_id, version, effective_from, contribution_amount, frequency, created_by, created_at)
            SELECT id, 1, DATE '2025-01-01', 100000, 'monthly', created_by, now() FROM unnest($1::uuid[], $2::uuid[]) AS g(id, created_by)
            """, groupIds, userIds));
        batch.BatchCommands.Add(Command("""
            INSERT INTO group_members (id, group_id, user_id, phone, full_name, role, status, joined_on, created_at, updated_at)
            SELECT id, group_id, user_id, phone, 'Bench member ' || n, role, 'active', DATE '2025-01-01', now(), now()
              FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::int[], $6::text[]) AS m(id, group_id, user_id, phone, n, role)
            """, memberIds.ToArray(), memberGroups.ToArray(), memberUsers.ToArray(), memberPhones.ToArray(), memberNumbers.ToArray(), memberRoles.ToArray()));
        await batch.ExecuteNonQueryAsync(ct);
        await tx.CommitAsync(ct);

        await using (var analyze = DataSource.CreateCommand("ANALYZE"))
            await analyze.ExecuteNonQueryAsync(ct);
        return groups;
    }

    /// "+25470" + group number (5 digits) + member number (3 digits): E.164, unique everywhere.
    private static string Phone(int group, int member) =>
        string.Create(CultureInfo.InvariantCulture, $"+25470{group:D5}{member:D3}");

    private static NpgsqlBatchCommand Command(string sql, params object[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in values)
            command.Parameters.Add(value is Guid?[] nullable
                ? new NpgsqlParameter { Value = nullable, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid }
                : new NpgsqlParameter { Value = value });
        return command;
    }

    public async Task<T> ScalarAsync<T>(string sql, params object[] values)
    {
        await using var cmd = DataSource.CreateCommand(sql);
        foreach (var value in values)
            cmd.Parameters.Add(new NpgsqlParameter { Value = value });
        return (T)(await cmd.ExecuteScalarAsync())!;
    }

    public async ValueTask DisposeAsync()
    {
        await DataSource.DisposeAsync();
        if (Keep)
            return;
        NpgsqlConnection.ClearAllPools();
        // A plain DROP first: PostgreSQL stops autovacuum workers in the database by itself (after
        // a write-heavy run there usually is one), while WITH (FORCE) would need the right to
        // signal them. FORCE only if some other session is still connected.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var admin = await OpenAdminAsync(_serverConnectionString, CancellationToken.None);
                await using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Name}\"{(attempt >= 3 ? " WITH (FORCE)" : "")}", admin);
                await cmd.ExecuteNonQueryAsync();
                return;
            }
            catch (NpgsqlException) when (attempt < 4)
            {
                await Task.Delay(TimeSpan.FromSeconds(1));
            }
            catch (NpgsqlException ex)
            {
                // Never hide the run's own outcome behind a failed clean-up; say what is left behind.
                Console.Error.WriteLine($"warning: could not drop the benchmark database {Name} ({ex.Message}); drop it with: DROP DATABASE \"{Name}\" WITH (FORCE)");
                return;
            }
        }
    }
}
