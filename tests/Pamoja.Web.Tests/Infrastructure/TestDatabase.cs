using Npgsql;
using Pamoja.Web.Data;

namespace Pamoja.Web.Tests.Infrastructure;

/// One fresh PostgreSQL database per test run (per test assembly), created on the server that
/// PAMOJA_DATABASE_URL points at (./pamoja test sets it; the role needs CREATEDB) and dropped
/// when the run ends. Tests isolate themselves by unique data, not by truncating.
public static class TestDatabase
{
    private const string DefaultServer = "postgres://pamoja:pamoja@localhost:5432/pamoja?sslmode=disable";

    private static readonly Lazy<string> Shared = new(() =>
    {
        var connectionString = CreateDatabase("pamoja_test");
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Drop(connectionString);
        return connectionString;
    });

    /// The run's database (migrated by the first app that starts on it).
    public static string ConnectionString => Shared.Value;

    public static string ServerConnectionString =>
        DatabaseUrl.ToConnectionString(Environment.GetEnvironmentVariable("PAMOJA_DATABASE_URL") is { Length: > 0 } url ? url : DefaultServer);

    /// A new empty database with a unique name; for tests that need an unmigrated one.
    public static string CreateDatabase(string prefix)
    {
        var name = $"{prefix}_{DateTime.UtcNow:yyyyMMddHHmmss}_{Guid.NewGuid().ToString("N")[..8]}";
        using (var admin = new NpgsqlConnection(ServerConnectionString))
        {
            admin.Open();
            using var cmd = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", admin);
            cmd.ExecuteNonQuery();
        }
        return new NpgsqlConnectionStringBuilder(ServerConnectionString) { Database = name, Pooling = true }.ConnectionString;
    }

    public static void Drop(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        try
        {
            NpgsqlConnection.ClearAllPools();
            using var admin = new NpgsqlConnection(ServerConnectionString);
            admin.Open();
            using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", admin);
            cmd.ExecuteNonQuery();
        }
        catch (NpgsqlException)
        {
            // Best effort at process exit; a leftover pamoja_test_* database is harmless.
        }
    }
}
