using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace Pamoja.Web.Data;

public sealed record Migration(string Version, string Name, string Sql)
{
    public string Checksum { get; } = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Sql)));

    /// The numbered SQL files embedded from Data/Migrations ("0001_accounts.sql"), in order.
    public static IReadOnlyList<Migration> Embedded()
    {
        const string prefix = "Pamoja.Migrations.";
        var assembly = typeof(Migration).Assembly;
        return assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(prefix, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Select(n => FromResource(assembly, n, n[prefix.Length..]))
            .OrderBy(m => m.Version, StringComparer.Ordinal)
            .ToList();
    }

    private static Migration FromResource(Assembly assembly, string resource, string fileName)
    {
        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream);
        var version = fileName.Split('_', 2)[0];
        if (version.Length != 4 || !version.All(char.IsAsciiDigit))
            throw new InvalidOperationException($"Migration file {fileName} must start with a four-digit number.");
        return new Migration(version, fileName, reader.ReadToEnd());
    }
}

public sealed class MigrationFailedException(string message, Exception? inner = null) : Exception(message, inner);

/// Applies the numbered SQL migrations in order, each in its own transaction, recorded in
/// schema_migrations. A session-level advisory lock makes concurrent starts (several app
/// instances, or `./pamoja migrate` beside a running app) apply each file exactly once.
public sealed class MigrationRunner(NpgsqlDataSource dataSource, ILogger<MigrationRunner> logger)
{
    // Arbitrary but fixed: every Pamoja process contends for the same lock on the same database.
    private const long AdvisoryLockKey = 0x50414D4F4A41; // "PAMOJA"

    public async Task<IReadOnlyList<string>> ApplyAsync(IReadOnlyList<Migration> migrations, CancellationToken ct = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await Exec(connection, null, "SELECT pg_advisory_lock(@key)", ct, ("key", AdvisoryLockKey));
        try
        {
            await Exec(connection, null, """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version    text PRIMARY KEY,
                    name       text NOT NULL,
                    checksum   text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now())
                """, ct);

            var applied = new Dictionary<string, (string Name, string Checksum)>();
            await using (var cmd = new NpgsqlCommand("SELECT version, name, checksum FROM schema_migrations", connection))
            await using (var reader = await cmd.ExecuteReaderAsync(ct))
                while (await reader.ReadAsync(ct))
                    applied[reader.GetString(0)] = (reader.GetString(1), reader.GetString(2));

            var done = new List<string>();
            foreach (var migration in migrations)
            {
                if (applied.TryGetValue(migration.Version, out var existing))
                {
                    // A file that changed after it ran means this database and the code disagree
                    // about the schema; carrying on would hide that until something breaks later.
                    if (existing.Checksum != migration.Checksum)
                        throw new MigrationFailedException(
                            $"Migration {migration.Name} was changed after it was applied (as {existing.Name}). " +
                            "Add a new migration instead of editing an applied one.");
                    continue;
                }

                await using var tx = await connection.BeginTransactionAsync(ct);
                try
                {
                    await Exec(connection, tx, migration.Sql, ct);
                    await Exec(connection, tx,
                        "INSERT INTO schema_migrations (version, name, checksum) VALUES (@v, @n, @c)", ct,
                        ("v", migration.Version), ("n", migration.Name), ("c", migration.Checksum));
                    await tx.CommitAsync(ct);
                }
                catch (Exception ex) when (ex is PostgresException or NpgsqlException)
                {
                    await tx.RollbackAsync(CancellationToken.None);
                    throw new MigrationFailedException($"Migration {migration.Name} failed and was rolled back: {ex.Message}", ex);
                }
                logger.LogInformation("Applied migration {Migration}", migration.Name);
                done.Add(migration.Name);
            }
            return done;
        }
        finally
        {
            await Exec(connection, null, "SELECT pg_advisory_unlock(@key)", CancellationToken.None, ("key", AdvisoryLockKey));
        }
    }

    private static async Task Exec(NpgsqlConnection connection, NpgsqlTransaction? tx, string sql, CancellationToken ct,
        params (string Name, object Value)[] parameters)
    {
        await using var cmd = new NpgsqlCommand(sql, connection, tx);
        foreach (var (name, value) in parameters)
            cmd.Parameters.AddWithValue(name, value);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}

/// Migrates before the web server starts listening, so no request ever sees an old schema.
/// Registered ahead of the server; a failure stops start-up with the file and the error.
public sealed class MigrateOnStartup(MigrationRunner runner, IConfiguration configuration) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (configuration.GetValue("Database:MigrateOnStartup", true))
            await runner.ApplyAsync(Migration.Embedded(), cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
