using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Pamoja.Web.Data;

namespace Pamoja.Bench.Engines;

/// The engines benchmark's databases on the server in PAMOJA_DATABASE_URL: a template migrated
/// by the app's MigrationRunner and seeded once, then one identical copy per measured phase
/// (CREATE DATABASE … TEMPLATE), because a business day can be run only once and every phase
/// must start from the same state. Separate databases, not separate group sets in one: the
/// engines' run enqueues every group of its database. All dropped at the end unless kept.
public sealed class BenchServer : IAsyncDisposable
{
    private readonly string _server = BenchDatabase.ServerConnectionString;
    private readonly List<string> _created = [];

    public string Prefix { get; } =
        $"pamoja_bench_{DateTime.UtcNow.ToString("yyyyMMdd_HHmmss", CultureInfo.InvariantCulture)}_{Guid.NewGuid().ToString("N")[..4]}";
    public bool Keep { get; set; }
    public IReadOnlyList<string> Created => _created;

    public string ConnectionString(string database) =>
        new NpgsqlConnectionStringBuilder(_server) { Database = database }.ConnectionString;

    /// A pooled data source built by the app's own DataModule: the app's connection settings.
    public NpgsqlDataSource DataSource(string database, string name) =>
        DataModule.CreateDataSource(ConnectionString(database), name);

    public async Task<string> CreateMigratedAsync(string suffix, CancellationToken ct)
    {
        var name = $"{Prefix}_{suffix}";
        await ExecuteAdminAsync($"CREATE DATABASE \"{name}\"", ct);
        _created.Add(name);
        await using var db = DataSource(name, "pamoja-bench-migrate");
        await new MigrationRunner(db, NullLogger<MigrationRunner>.Instance).ApplyAsync(Migration.Embedded(), ct);
        return name;
    }

    /// A copy of the template (nobody may be connected to it). FILE_COPY (PostgreSQL 15+) copies
    /// the files after a checkpoint instead of writing every page to the WAL, so the copies do
    /// not leave checkpoints pending for the measured phases.
    public async Task<string> CloneAsync(string template, string suffix, CancellationToken ct)
    {
        var name = $"{Prefix}_{suffix}";
        var strategy = await ServerVersionAsync(ct) >= 150000 ? " STRATEGY FILE_COPY" : "";
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await ExecuteAdminAsync($"CREATE DATABASE \"{name}\" TEMPLATE \"{template}\"{strategy}", ct);
                break;
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.ObjectInUse && attempt < 5)
            {
                // An autovacuum worker or a closing connection still on the template.
                await Task.Delay(TimeSpan.FromSeconds(1), ct);
            }
        }
        _created.Add(name);
        return name;
    }

    /// A CHECKPOINT, so that the next phase does not pay for the previous one's dirty pages (nor
    /// start just before a timed checkpoint). False when the role may not (PostgreSQL 15's
    /// pg_checkpoint role, which ./pamoja grants).
    public async Task<bool> CheckpointAsync(CancellationToken ct)
    {
        try
        {
            await ExecuteAdminAsync("CHECKPOINT", ct);
            return true;
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.InsufficientPrivilege)
        {
            return false;
        }
    }

    private async Task<int> ServerVersionAsync(CancellationToken ct)
    {
        await using var admin = await OpenAdminAsync(ct);
        await using var cmd = new NpgsqlCommand("SELECT current_setting('server_version_num')::int", admin);
        return (int)(await cmd.ExecuteScalarAsync(ct))!;
    }

    private async Task ExecuteAdminAsync(string sql, CancellationToken ct)
    {
        await using var admin = await OpenAdminAsync(ct);
        await using var cmd = new NpgsqlCommand(sql, admin) { CommandTimeout = 600 };
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// The URL's database, or "postgres" when that one does not exist.
    private async Task<NpgsqlConnection> OpenAdminAsync(CancellationToken ct)
    {
        var admin = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(_server) { Pooling = false }.ConnectionString);
        try
        {
            await admin.OpenAsync(ct);
            return admin;
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.InvalidCatalogName)
        {
            await admin.DisposeAsync();
            admin = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(_server) { Database = "postgres", Pooling = false }.ConnectionString);
            await admin.OpenAsync(ct);
            return admin;
        }
    }

    public async Task DropAsync(string name)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await ExecuteAdminAsync($"DROP DATABASE IF EXISTS \"{name}\"{(attempt >= 3 ? " WITH (FORCE)" : "")}", CancellationToken.None);
                _created.Remove(name);
                return;
            }
            catch (NpgsqlException) when (attempt < 4)
            {
                await Task.Delay(TimeSpan.FromSeconds(1));
            }
            catch (NpgsqlException ex)
            {
                Console.Error.WriteLine($"warning: could not drop the benchmark database {name} ({ex.Message}); drop it with: DROP DATABASE \"{name}\" WITH (FORCE)");
                return;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Keep) return;
        NpgsqlConnection.ClearAllPools();
        foreach (var name in _created.ToList())
            await DropAsync(name);
    }
}
