using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using Pamoja.Web.Tests.Infrastructure;

namespace Pamoja.Web.Tests.Features.Ledger;

/// A database of its own for the ledger's tamper tests: migrated by an app started on it, so
/// `Pamoja.Web.dll verify` (which checks every group) sees only these tests' groups, and the
/// append-only checks (which try TRUNCATE) can never touch anyone else's rows.
public sealed class LedgerTamperDatabase : IAsyncLifetime
{
    public string ConnectionString { get; } = TestDatabase.CreateDatabase("pamoja_ledger_tamper");
    public PamojaFactory App { get; private set; } = null!;
    public HttpClient Chair { get; private set; } = null!;

    /// `verify` on the database before any test tampered with it.
    public (int ExitCode, string Stdout, string Stderr) CleanRun { get; private set; }
    public LedgerGroup CleanGroup { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        App = await PamojaFactory.CreateAsync(connectionString: ConnectionString);
        Chair = App.ApiClient();
        await TestData.SignedInAsync(Chair);
        CleanGroup = await LedgerData.GroupAsync(App, Chair, connectionString: ConnectionString);
        var first = await CleanGroup.ContributedEntryAsync(CleanGroup.ChairMemberId, 1000, memo: "a|b\\seq=9");
        await CleanGroup.ContributedEntryAsync(CleanGroup.ChairMemberId, 2000, "mpesa", LedgerData.MpesaReceipt());
        await CleanGroup.CreatedAsync(await CleanGroup.ReverseAsync(first));
        await CleanGroup.CreatedAsync(await CleanGroup.FineAsync(CleanGroup.ChairMemberId, 500, paidNow: true, method: "bank"));
        CleanRun = await RunVerifyAsync();
    }

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        TestDatabase.Drop(ConnectionString);
    }

    /// `dotnet Pamoja.Web.dll verify` against this database, as ./pamoja verify runs it.
    public async Task<(int ExitCode, string Stdout, string Stderr)> RunVerifyAsync()
    {
        var dll = typeof(Program).Assembly.Location;
        var start = new ProcessStartInfo("dotnet", [dll, "verify"])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            Environment = { ["PAMOJA_DATABASE_URL"] = ConnectionString, ["PAMOJA_SANDBOX_URL"] = "" },
        };
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}

/// Tampering (issue 4): change any stored field of an entry or a line directly in the database,
/// bypassing the app and its append-only triggers, and verification — the API's and the
/// command line's — reports the group invalid and names the entry.
public sealed class LedgerTamperingTests(LedgerTamperDatabase db) : IClassFixture<LedgerTamperDatabase>
{
    /// Five entries: 1 cash contribution, 2 M-Pesa contribution, 3 reversal of 1, 4 bank
    /// contribution, 5 cash contribution.
    private sealed record Chain(LedgerGroup Group, Guid[] Ids, string[] Hashes)
    {
        public Guid E(int seq) => Ids[seq - 1];
    }

    private async Task<Chain> ChainAsync()
    {
        var g = await LedgerData.GroupAsync(db.App, db.Chair, connectionString: db.ConnectionString);
        var m = g.ChairMemberId;
        var e1 = await g.ContributedEntryAsync(m, 1000, memo: "first");
        var e2 = await g.ContributedEntryAsync(m, 2000, "mpesa", LedgerData.MpesaReceipt(), memo: "second");
        var e3 = (await g.CreatedAsync(await g.ReverseAsync(e1, "wrong amount"))).GetProperty("id").GetGuid();
        var e4 = await g.ContributedEntryAsync(m, 3000, "bank", "BANK-" + Guid.NewGuid().ToString("N")[..8]);
        var e5 = await g.ContributedEntryAsync(m, 4000);
        var verify = await g.VerifyAsync();
        Assert.True(verify.GetProperty("valid").GetBoolean(), verify.ToString());
        var hashes = (await LedgerData.RowsAsync(db.ConnectionString, "SELECT hash FROM journal_entries WHERE group_id = $1 ORDER BY seq", g.GroupId))
            .Select(r => (string)r[0]!).ToArray();
        return new Chain(g, [e1, e2, e3, e4, e5], hashes);
    }

    /// Runs SQL with the append-only triggers off, in one transaction (so no one else ever sees
    /// them off), as someone with the database owner's rights could.
    private async Task TamperAsync(string sql, params object?[] args)
    {
        await using var connection = new NpgsqlConnection(db.ConnectionString);
        await connection.OpenAsync();
        await using var tx = await connection.BeginTransactionAsync();
        foreach (var table in new[] { "journal_entries", "journal_lines", "contributions" })
            await new NpgsqlCommand($"ALTER TABLE {table} DISABLE TRIGGER USER", connection, tx).ExecuteNonQueryAsync();
        var changed = 0;
        foreach (var statement in sql.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            await using var cmd = new NpgsqlCommand(statement, connection, tx);
            foreach (var arg in args) cmd.Parameters.Add(new NpgsqlParameter { Value = arg ?? DBNull.Value });
            changed += await cmd.ExecuteNonQueryAsync();
        }
        Assert.True(changed > 0, "the tampering changed no row: " + sql);
        foreach (var table in new[] { "journal_entries", "journal_lines", "contributions" })
            await new NpgsqlCommand($"ALTER TABLE {table} ENABLE TRIGGER USER", connection, tx).ExecuteNonQueryAsync();
        await tx.CommitAsync();
    }

    private static async Task<JsonElement> InvalidAsync(LedgerGroup g)
    {
        var verify = await g.VerifyAsync();
        Assert.False(verify.GetProperty("valid").GetBoolean(), "verification missed the tampering: " + verify);
        var problem = verify.GetProperty("firstInvalid");
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("reason").GetString()), verify.ToString());
        return problem;
    }

    private static void Names(JsonElement problem, Guid entryId, long seq)
    {
        Assert.True(problem.GetProperty("entryId").ValueKind == JsonValueKind.String && problem.GetProperty("entryId").GetGuid() == entryId,
            $"expected entry {entryId} (seq {seq}) to be named: {problem}");
        Assert.Equal(seq, problem.GetProperty("seq").GetInt64());
    }

    /// (sql, the entry that must be named as seq). The SQL's $1 is the chain's group, $2 an entry id.
    public static TheoryData<string> EntryTampering() => new(EntryCases.Keys);

    private static readonly Dictionary<string, (string Sql, int Target, int Named)> EntryCases = new()
    {
        // journal_entries (every stored field but the keys id and group_id)
        ["entry.seq"] = ("UPDATE journal_entries SET seq = 99 WHERE id = $2", 2, 2),
        ["entry.kind"] = ("UPDATE journal_entries SET kind = 'registration_fee' WHERE id = $2", 2, 2),
        ["entry.posted_at (+1µs)"] = ("UPDATE journal_entries SET posted_at = posted_at + interval '1 microsecond' WHERE id = $2", 2, 2),
        ["entry.effective_on"] = ("UPDATE journal_entries SET effective_on = effective_on - 1 WHERE id = $2", 2, 2),
        ["entry.memo"] = ("UPDATE journal_entries SET memo = 'second (edited)' WHERE id = $2", 2, 2),
        ["entry.reverses_entry_id"] = ("UPDATE journal_entries SET reverses_entry_id = (SELECT id FROM journal_entries WHERE group_id = $1 AND seq = 2) WHERE id = $2", 3, 3),
        ["entry.external_provider"] = ("UPDATE journal_entries SET external_provider = 'momo' WHERE id = $2", 2, 2),
        ["entry.external_ref"] = ("UPDATE journal_entries SET external_ref = 'ZZZZZZZZZZ' WHERE id = $2", 2, 2),
        ["entry.external_ref NULL to empty"] = ("UPDATE journal_entries SET external_ref = '' WHERE id = $2", 3, 3),
        ["entry.created_by"] = ("UPDATE journal_entries SET created_by = (SELECT id FROM users WHERE id <> created_by ORDER BY id LIMIT 1) WHERE id = $2", 2, 2),
        ["entry.created_by to NULL"] = ("UPDATE journal_entries SET created_by = NULL WHERE id = $2", 2, 2),
        ["entry.prev_hash"] = ("UPDATE journal_entries SET prev_hash = repeat('1', 64) WHERE id = $2", 3, 3),
        ["entry.hash"] = ("UPDATE journal_entries SET hash = repeat('2', 64) WHERE id = $2", 3, 3),
        // journal_lines (of entry 2: pool:mobile +2000, member:…:contributions −2000)
        ["line.line_no"] = ("UPDATE journal_lines SET line_no = 3 WHERE entry_id = $2 AND line_no = 2", 2, 2),
        ["line.account"] = ("UPDATE journal_lines SET account = 'pool:cash' WHERE entry_id = $2 AND line_no = 1", 2, 2),
        ["line.amount (one line: unbalanced)"] = ("UPDATE journal_lines SET amount = amount + 1 WHERE entry_id = $2 AND line_no = 1", 2, 2),
        ["line.amount (both lines: still balanced)"] = ("UPDATE journal_lines SET amount = amount / 100 WHERE entry_id = $2", 2, 2),
        ["line.currency"] = ("UPDATE journal_lines SET currency = 'KES' WHERE entry_id = $2", 2, 2),
        ["line.currency (one line)"] = ("UPDATE journal_lines SET currency = 'KES' WHERE entry_id = $2 AND line_no = 2", 2, 2),
    };

    [Theory]
    [MemberData(nameof(EntryTampering))]
    public async Task Changing_a_stored_field_of_an_entry_or_line_is_caught_and_the_entry_named(string field)
    {
        var (sql, target, named) = EntryCases[field];
        var chain = await ChainAsync();
        await TamperAsync(sql, chain.Group.GroupId, chain.E(target));
        var problem = await InvalidAsync(chain.Group);
        if (field == "entry.seq")
        {
            // The renumbered entry is the one named — not the innocent entry after the gap it
            // left — under its place in the chain or the number it now carries.
            Assert.True(problem.GetProperty("entryId").ValueKind == JsonValueKind.String && problem.GetProperty("entryId").GetGuid() == chain.E(named),
                $"expected entry {chain.E(named)} (seq {named}) to be named: {problem}");
            Assert.Contains(problem.GetProperty("seq").GetInt64(), new[] { 2L, 99L });
        }
        else
        {
            Names(problem, chain.E(named), named);
        }
    }

    [Fact]
    public async Task Moving_a_line_to_another_member_is_caught()
    {
        var chain = await ChainAsync();
        var (other, _, _) = await GroupData.AddActiveAsync(db.App, db.Chair, chain.Group.GroupId);
        await TamperAsync("UPDATE journal_lines SET member_id = $2 WHERE entry_id = $1 AND line_no = 2", chain.E(2), other);
        Names(await InvalidAsync(chain.Group), chain.E(2), 2);
    }

    [Fact]
    public async Task A_cached_balance_that_differs_from_its_lines_is_caught()
    {
        var chain = await ChainAsync();
        await LedgerData.ScalarAsync(db.ConnectionString, "UPDATE ledger_balances SET balance = balance + 1 WHERE group_id = $1 AND account = 'pool:cash'", chain.Group.GroupId);
        var problem = await InvalidAsync(chain.Group);
        Assert.Contains("pool:cash", problem.GetProperty("reason").GetString()!, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("UPDATE ledger_heads SET seq = 4 WHERE group_id = $1")]
    [InlineData("UPDATE ledger_heads SET seq = 6 WHERE group_id = $1")]
    [InlineData("UPDATE ledger_heads SET hash = repeat('3', 64) WHERE group_id = $1")]
    public async Task A_head_that_does_not_name_the_last_entry_is_caught(string sql)
    {
        var chain = await ChainAsync();
        await LedgerData.ScalarAsync(db.ConnectionString, sql, chain.Group.GroupId);
        await InvalidAsync(chain.Group);
    }

    [Fact]
    public async Task Deleting_the_last_entry_is_caught()
    {
        var chain = await ChainAsync();
        await TamperAsync("""
            DELETE FROM journal_lines WHERE entry_id = $2;
            DELETE FROM contributions WHERE entry_id = $2;
            DELETE FROM journal_entries WHERE id = $2;
            """, chain.Group.GroupId, chain.E(5));
        var problem = await InvalidAsync(chain.Group);
        Assert.Contains("missing", problem.GetProperty("reason").GetString()!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deleting_a_middle_entry_is_caught_at_the_entry_after_the_gap()
    {
        var chain = await ChainAsync();
        await TamperAsync("""
            DELETE FROM journal_lines WHERE entry_id = $2;
            DELETE FROM contributions WHERE entry_id = $2;
            DELETE FROM external_references WHERE entry_id = $2;
            DELETE FROM journal_entries WHERE id = $2;
            """, chain.Group.GroupId, chain.E(4));
        Names(await InvalidAsync(chain.Group), chain.E(5), 5);
    }

    [Fact]
    public async Task Deleting_the_last_entry_and_rewinding_the_head_is_caught_by_the_balances()
    {
        // The thorough thief: removes the entry, its lines and moves the head back. The cached
        // balances still remember the money.
        var chain = await ChainAsync();
        await TamperAsync("""
            DELETE FROM journal_lines WHERE entry_id = $2;
            DELETE FROM contributions WHERE entry_id = $2;
            DELETE FROM journal_entries WHERE id = $2;
            UPDATE ledger_heads SET seq = 4, hash = (SELECT hash FROM journal_entries WHERE group_id = $1 AND seq = 4) WHERE group_id = $1;
            """, chain.Group.GroupId, chain.E(5));
        var problem = await InvalidAsync(chain.Group);
        Assert.Contains("cached balance", problem.GetProperty("reason").GetString()!, StringComparison.Ordinal);
        // What is left of the chain is intact, and anyone who kept the old head can tell.
        Assert.NotEqual(chain.Hashes[4], (await chain.Group.VerifyAsync()).GetProperty("head").GetString());
    }

    [Fact]
    public async Task The_command_line_verify_exits_0_on_an_untampered_database()
    {
        Assert.True(db.CleanRun.ExitCode == 0, $"exit {db.CleanRun.ExitCode}\n{db.CleanRun.Stdout}\n{db.CleanRun.Stderr}");
        Assert.Contains("5 entries", db.CleanRun.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("INVALID", db.CleanRun.Stderr, StringComparison.Ordinal);
        // The clean group stays clean whatever the other tests did to theirs.
        var verify = await db.CleanGroup.VerifyAsync();
        Assert.True(verify.GetProperty("valid").GetBoolean(), verify.ToString());
    }

    [Fact]
    public async Task The_command_line_verify_exits_1_and_names_the_first_bad_entry_of_each_bad_group()
    {
        var memo = await ChainAsync();
        await TamperAsync("UPDATE journal_entries SET memo = 'nothing to see' WHERE id = $2", memo.Group.GroupId, memo.E(2));
        var amounts = await ChainAsync();
        await TamperAsync("UPDATE journal_lines SET amount = amount * 10 WHERE entry_id = $2", amounts.Group.GroupId, amounts.E(4));
        var clean = await ChainAsync();

        var (exitCode, stdout, stderr) = await db.RunVerifyAsync();
        Assert.True(exitCode == 1, $"exit {exitCode}\n{stdout}\n{stderr}");
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        string LineFor(Guid groupId) => lines.SingleOrDefault(l => l.Contains(groupId.ToString(), StringComparison.Ordinal))
            ?? throw new Xunit.Sdk.XunitException($"no line for group {groupId} in:\n{stderr}");
        Assert.Contains($"entry {memo.E(2)} (seq 2)", LineFor(memo.Group.GroupId), StringComparison.Ordinal);
        Assert.Contains($"entry {amounts.E(4)} (seq 4)", LineFor(amounts.Group.GroupId), StringComparison.Ordinal);
        Assert.DoesNotContain(lines, l => l.Contains(clean.Group.GroupId.ToString(), StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains(db.CleanGroup.GroupId.ToString(), StringComparison.Ordinal));
    }

    // Append-only (issue 4 § Persistence; ADR 0005): the database itself refuses UPDATE, DELETE
    // and TRUNCATE on entries, lines and contributions. Each attempt runs in a transaction that
    // is rolled back whatever happens, on this test's own database.

    public static TheoryData<string, string> Forbidden() => new()
    {
        { "journal_entries", "UPDATE journal_entries SET memo = 'x' WHERE group_id = $1" },
        { "journal_entries", "UPDATE journal_entries SET hash = hash WHERE group_id = $1" },
        { "journal_entries", "DELETE FROM journal_entries WHERE group_id = $1 AND seq = 5" },
        { "journal_entries", "TRUNCATE journal_entries CASCADE" },
        { "journal_lines", "UPDATE journal_lines SET amount = amount * 2 WHERE group_id = $1" },
        { "journal_lines", "DELETE FROM journal_lines WHERE group_id = $1" },
        { "journal_lines", "TRUNCATE journal_lines" },
        { "contributions", "UPDATE contributions SET amount = 1 WHERE group_id = $1" },
        { "contributions", "DELETE FROM contributions WHERE group_id = $1" },
        { "contributions", "TRUNCATE contributions" },
    };

    [Theory]
    [MemberData(nameof(Forbidden))]
    public async Task The_database_refuses_to_change_or_remove_ledger_rows(string table, string sql)
    {
        var chain = await ChainAsync();
        var before = await LedgerData.CountAsync(db.ConnectionString, $"SELECT count(*) FROM {table}");
        await using var connection = new NpgsqlConnection(db.ConnectionString);
        await connection.OpenAsync();
        await using var tx = await connection.BeginTransactionAsync();
        await using var cmd = new NpgsqlCommand(sql, connection, tx);
        if (sql.Contains("$1", StringComparison.Ordinal)) cmd.Parameters.Add(new NpgsqlParameter { Value = chain.Group.GroupId });
        PostgresException? refused = null;
        try
        {
            await cmd.ExecuteNonQueryAsync();
        }
        catch (PostgresException ex)
        {
            refused = ex;
        }
        finally
        {
            await tx.RollbackAsync();
        }
        Assert.True(refused is not null, $"{sql} was allowed");
        Assert.True(refused.SqlState == PostgresErrorCodes.InsufficientPrivilege, $"{sql}: {refused.SqlState} {refused.MessageText}");
        Assert.Contains("append-only", refused.MessageText, StringComparison.Ordinal);
        Assert.Equal(before, await LedgerData.CountAsync(db.ConnectionString, $"SELECT count(*) FROM {table}"));
        var verify = await chain.Group.VerifyAsync();
        Assert.True(verify.GetProperty("valid").GetBoolean(), verify.ToString());
    }

    [Fact]
    public async Task A_plain_truncate_of_the_entries_is_refused_too()
    {
        // Without CASCADE the lines' foreign key already stops it; either way nothing goes.
        var chain = await ChainAsync();
        var before = await LedgerData.CountAsync(db.ConnectionString, "SELECT count(*) FROM journal_entries");
        await using var connection = new NpgsqlConnection(db.ConnectionString);
        await connection.OpenAsync();
        await using var tx = await connection.BeginTransactionAsync();
        await Assert.ThrowsAsync<PostgresException>(() => new NpgsqlCommand("TRUNCATE journal_entries", connection, tx).ExecuteNonQueryAsync());
        await tx.RollbackAsync();
        Assert.Equal(before, await LedgerData.CountAsync(db.ConnectionString, "SELECT count(*) FROM journal_entries"));
        Assert.True((await chain.Group.VerifyAsync()).GetProperty("valid").GetBoolean());
    }

    [Fact]
    public async Task The_database_refuses_a_pool_balance_below_zero()
    {
        var chain = await ChainAsync();
        var ex = await Assert.ThrowsAsync<PostgresException>(() => LedgerData.ScalarAsync(db.ConnectionString,
            "UPDATE ledger_balances SET balance = -1 WHERE group_id = $1 AND account = 'pool:cash'", chain.Group.GroupId));
        Assert.Equal(PostgresErrorCodes.CheckViolation, ex.SqlState);
        Assert.Equal("ledger_balances_pool_not_overdrawn", ex.ConstraintName);
    }

    [Fact]
    public async Task The_journal_api_shows_the_stored_chain()
    {
        var chain = await ChainAsync();
        var journal = await chain.Group.Chair.GetFromJsonAsync<JsonElement>(chain.Group.Path("journal"));
        Assert.Equal(chain.Ids, journal.EnumerateArray().Select(e => e.GetProperty("id").GetGuid()));
        Assert.Equal(chain.Hashes, journal.EnumerateArray().Select(e => e.GetProperty("hash").GetString()!));
        Assert.Equal(["contribution", "contribution", "reversal", "contribution", "contribution"], journal.EnumerateArray().Select(e => e.GetProperty("kind").GetString()!));
        Assert.Equal(chain.E(1), journal[2].GetProperty("reversesEntryId").GetGuid());
        var page = await chain.Group.Chair.GetFromJsonAsync<JsonElement>(chain.Group.Path("journal?afterSeq=2&limit=2"));
        Assert.Equal([3L, 4L], page.EnumerateArray().Select(e => e.GetProperty("seq").GetInt64()));
        Assert.Equal(chain.Hashes[1], page[0].GetProperty("prevHash").GetString());
    }
}
