using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Pamoja.Web.Data;
using Pamoja.Web.Tests.Infrastructure;

namespace Pamoja.Web.Tests.Data;

/// Each test gets its own empty database: migrations are about what happens to a fresh one.
public sealed class MigrationTests : IDisposable
{
    private readonly string _connectionString = TestDatabase.CreateDatabase("pamoja_migr");
    private readonly NpgsqlDataSource _dataSource;

    public MigrationTests() => _dataSource = NpgsqlDataSource.Create(_connectionString);

    public void Dispose()
    {
        _dataSource.Dispose();
        TestDatabase.Drop(_connectionString);
    }

    private MigrationRunner Runner() => new(_dataSource, NullLogger<MigrationRunner>.Instance);

    private async Task<List<string>> AppliedAsync()
    {
        await using var cmd = _dataSource.CreateCommand("SELECT version FROM schema_migrations ORDER BY version");
        await using var reader = await cmd.ExecuteReaderAsync();
        var versions = new List<string>();
        while (await reader.ReadAsync()) versions.Add(reader.GetString(0));
        return versions;
    }

    private async Task<bool> TableExistsAsync(string table)
    {
        await using var cmd = _dataSource.CreateCommand("SELECT to_regclass($1) IS NOT NULL");
        cmd.Parameters.AddWithValue(table);
        return (bool)(await cmd.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task Two_runners_started_at_once_apply_every_migration_exactly_once()
    {
        var embedded = Migration.Embedded();
        Assert.NotEmpty(embedded);
        // Several runners racing: without the advisory lock, the second CREATE TABLE users would fail.
        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => Runner().ApplyAsync(embedded))));

        Assert.Equal(embedded.Count, results.Sum(r => r.Count));
        Assert.Equal(embedded.Select(m => m.Version), await AppliedAsync());
        Assert.Empty(await Runner().ApplyAsync(embedded));
    }

    [Fact]
    public async Task A_failing_migration_rolls_back_and_names_the_file()
    {
        var migrations = new List<Migration>
        {
            new("0001", "0001_good.sql", "CREATE TABLE good_one (id int)"),
            new("0002", "0002_bad.sql", "CREATE TABLE half_done (id int); SELECT no_such_column FROM good_one"),
            new("0003", "0003_never.sql", "CREATE TABLE never_reached (id int)"),
        };

        var error = await Assert.ThrowsAsync<MigrationFailedException>(() => Runner().ApplyAsync(migrations));
        Assert.Contains("0002_bad.sql", error.Message, StringComparison.Ordinal);
        Assert.Contains("no_such_column", error.Message, StringComparison.Ordinal);

        Assert.Equal(["0001"], await AppliedAsync());
        Assert.True(await TableExistsAsync("good_one"));
        Assert.False(await TableExistsAsync("half_done"));
        Assert.False(await TableExistsAsync("never_reached"));
    }

    [Fact]
    public async Task An_applied_migration_that_was_edited_stops_start_up()
    {
        await Runner().ApplyAsync([new Migration("0001", "0001_a.sql", "CREATE TABLE a (id int)")]);
        var error = await Assert.ThrowsAsync<MigrationFailedException>(() =>
            Runner().ApplyAsync([new Migration("0001", "0001_a.sql", "CREATE TABLE a (id bigint)")]));
        Assert.Contains("0001_a.sql", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_app_refuses_to_start_on_a_broken_migration_and_says_which()
    {
        // Record the first embedded migration with a different checksum, as if its file had been edited.
        var first = Migration.Embedded()[0];
        await using (var create = _dataSource.CreateCommand(
            "CREATE TABLE schema_migrations (version text PRIMARY KEY, name text NOT NULL, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())"))
            await create.ExecuteNonQueryAsync();
        await using (var cmd = _dataSource.CreateCommand("INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, 'edited')"))
        {
            cmd.Parameters.AddWithValue(first.Version);
            cmd.Parameters.AddWithValue(first.Name);
            await cmd.ExecuteNonQueryAsync();
        }

        var dll = typeof(Program).Assembly.Location;
        var start = new ProcessStartInfo("dotnet", [dll, "migrate"])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            Environment = { ["PAMOJA_DATABASE_URL"] = _connectionString, ["PAMOJA_SANDBOX_URL"] = "" },
        };
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        Assert.True(process.WaitForExit(60_000), "the app did not exit");
        Assert.Equal(1, process.ExitCode);
        Assert.Contains($"Pamoja cannot start: Migration {first.Name}", await stderr, StringComparison.Ordinal);
        _ = await stdout;
    }
}
