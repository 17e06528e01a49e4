using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Npgsql;

namespace Pamoja.Web.Tests.Infrastructure;

/// A group with money in it, for the ledger tests: the chair's client, the group, the chair's
/// own memberId (the chair is an active member, so most tests need no one else), and the
/// database the app behind it writes to.
public sealed record LedgerGroup(PamojaFactory App, HttpClient Chair, Guid GroupId, Guid ChairMemberId, string ConnectionString)
{
    public string Path(string rest) => $"/api/v1/groups/{GroupId}/{rest}";
}

/// Ledger helpers: money requests (with or without an Idempotency-Key), SQL against any test
/// database, and one check of every invariant the ledger promises.
public static class LedgerData
{
    /// A new group (ZAR stokvel unless another body is given) with a new signed-in chair, or an
    /// existing chair's client.
    public static async Task<LedgerGroup> GroupAsync(PamojaFactory app, HttpClient? chair = null, JsonObject? body = null, string? connectionString = null)
    {
        if (chair is null)
        {
            chair = app.ApiClient();
            await TestData.SignedInAsync(chair);
        }
        var groupId = body is null ? await GroupData.CreateAsync(chair) : await GroupData.CreateAsync(chair, body);
        var memberId = await GroupData.MyMemberIdAsync(chair, groupId);
        return new LedgerGroup(app, chair, groupId, memberId, connectionString ?? TestDatabase.ConnectionString);
    }

    /// A group body in another currency (KES, UGX …), otherwise the test stokvel.
    public static JsonObject GroupIn(string currency, string name = "Ledger Chama") =>
        GroupData.Json(GroupData.Stokvel(name)).With("currency", $"\"{currency}\"");

    public static Task<HttpResponseMessage> PostAsync(this HttpClient client, string path, object body, string? key = null) =>
        client.SendAsync(Request(path, JsonSerializer.Serialize(body), key));

    public static Task<HttpResponseMessage> PostRawAsync(this HttpClient client, string path, string json, string? key = null) =>
        client.SendAsync(Request(path, json, key));

    public static HttpRequestMessage Request(string path, string json, string? key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (key is not null) request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
        return request;
    }

    public static object Contribution(Guid memberId, long amount = 150_000, string method = "cash", string? reference = null,
        string? paidOn = null, string? memo = null) => new { memberId, amount, method, reference, paidOn, memo };

    public static Task<HttpResponseMessage> ContributeAsync(this LedgerGroup g, Guid memberId, long amount = 150_000, string method = "cash",
        string? reference = null, string? paidOn = null, string? memo = null, string? key = null, HttpClient? client = null) =>
        (client ?? g.Chair).PostAsync(g.Path("contributions"), Contribution(memberId, amount, method, reference, paidOn, memo), key);

    public static Task<HttpResponseMessage> ReverseAsync(this LedgerGroup g, Guid entryId, string reason = "recorded by mistake", string? key = null, HttpClient? client = null) =>
        (client ?? g.Chair).PostAsync(g.Path($"journal/{entryId}/reverse"), new { reason }, key);

    public static Task<HttpResponseMessage> FineAsync(this LedgerGroup g, Guid memberId, long amount, string reason = "late", bool? paidNow = null,
        string? method = null, string? key = null, HttpClient? client = null) =>
        (client ?? g.Chair).PostAsync(g.Path("fines"), new { memberId, amount, reason, paidNow, method }, key);

    public static Task<HttpResponseMessage> FeeAsync(this LedgerGroup g, Guid memberId, long? amount, string method = "cash", string? reference = null,
        string? key = null, HttpClient? client = null) =>
        (client ?? g.Chair).PostAsync(g.Path("fees"), new { memberId, amount, method, reference }, key);

    /// Asserts 201 and returns the body (with the app's error log when it is not).
    public static async Task<JsonElement> CreatedAsync(this LedgerGroup g, HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode} {text} {g.App.Logs.Errors()}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public static async Task<Guid> ContributedEntryAsync(this LedgerGroup g, Guid memberId, long amount = 150_000, string method = "cash",
        string? reference = null, string? paidOn = null, string? memo = null) =>
        (await g.CreatedAsync(await g.ContributeAsync(memberId, amount, method, reference, paidOn, memo))).GetProperty("entryId").GetGuid();

    /// Asserts the status is the expected 4xx problem (never a 5xx) and returns the problem.
    public static async Task<JsonElement> ProblemAsync(this LedgerGroup g, HttpResponseMessage response, HttpStatusCode expected, string what = "")
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{what}: expected {(int)expected}, got {(int)response.StatusCode} {text} {g.App.Logs.Errors()}");
        Assert.True(response.Content.Headers.ContentType?.MediaType == "application/problem+json", $"{what}: {response.Content.Headers.ContentType} {text}");
        var problem = JsonDocument.Parse(text).RootElement.Clone();
        Assert.Equal((int)expected, problem.GetProperty("status").GetInt32());
        return problem;
    }

    public static Task<JsonElement> GetJsonAsync(this LedgerGroup g, string rest, HttpClient? client = null) =>
        (client ?? g.Chair).GetFromJsonAsync<JsonElement>(g.Path(rest));

    public static Task<JsonElement> VerifyAsync(this LedgerGroup g) => g.GetJsonAsync("journal/verify");

    public static Task<JsonElement> BalancesAsync(this LedgerGroup g) => g.GetJsonAsync("balances");

    /// A random M-Pesa receipt (10 capitals and digits), unique enough for a test run.
    public static string MpesaReceipt() =>
        new(Enumerable.Range(0, 10).Select(_ => "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"[Random.Shared.Next(36)]).ToArray());

    public static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    // SQL against whichever database the group lives in.

    public static async Task<object?> ScalarAsync(string connectionString, string sql, params object?[] args)
    {
        await using var db = new NpgsqlConnection(connectionString);
        await db.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, db);
        foreach (var arg in args) cmd.Parameters.Add(new NpgsqlParameter { Value = arg ?? DBNull.Value });
        return await cmd.ExecuteScalarAsync();
    }

    public static async Task<long> CountAsync(string connectionString, string sql, params object?[] args) =>
        Convert.ToInt64(await ScalarAsync(connectionString, sql, args), CultureInfo.InvariantCulture);

    public static async Task<List<object?[]>> RowsAsync(string connectionString, string sql, params object?[] args)
    {
        await using var db = new NpgsqlConnection(connectionString);
        await db.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, db);
        foreach (var arg in args) cmd.Parameters.Add(new NpgsqlParameter { Value = arg ?? DBNull.Value });
        await using var reader = await cmd.ExecuteReaderAsync();
        var rows = new List<object?[]>();
        while (await reader.ReadAsync())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++) row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            rows.Add(row);
        }
        return rows;
    }

    public static Task<long> EntriesAsync(this LedgerGroup g) =>
        CountAsync(g.ConnectionString, "SELECT count(*) FROM journal_entries WHERE group_id = $1", g.GroupId);

    /// Everything a money request may write for the group, for "a refused request writes nothing".
    public static async Task<(long Entries, long Lines, long Contributions, long Balances, long References, long Seq)> WrittenAsync(this LedgerGroup g) => (
        await g.EntriesAsync(),
        await CountAsync(g.ConnectionString, "SELECT count(*) FROM journal_lines WHERE group_id = $1", g.GroupId),
        await CountAsync(g.ConnectionString, "SELECT count(*) FROM contributions WHERE group_id = $1", g.GroupId),
        await CountAsync(g.ConnectionString, "SELECT coalesce(sum(abs(balance)), 0) FROM ledger_balances WHERE group_id = $1", g.GroupId),
        await CountAsync(g.ConnectionString, "SELECT count(*) FROM external_references WHERE group_id = $1", g.GroupId),
        await CountAsync(g.ConnectionString, "SELECT coalesce((SELECT seq FROM ledger_heads WHERE group_id = $1), 0)", g.GroupId));

    /// Every invariant of a group's ledger, checked in SQL and through the API:
    /// each entry has two or more lines and balances; the group's lines sum to zero in its one
    /// currency; each cached balance equals the sum of its account's lines; no pool is below
    /// zero; seq is 1..n with no gap and each prev_hash is the previous hash; the head names the
    /// last entry; /journal/verify is valid with entries = n and head = the last hash; /journal
    /// shows the same chain; /balances agrees with the lines. Returns n.
    public static async Task<long> AssertInvariantsAsync(this LedgerGroup g, string context = "")
    {
        var cs = g.ConnectionString;
        var id = g.GroupId;
        string Why(string what) => $"{context} group {id}: {what}";

        Assert.True(await CountAsync(cs, """
            SELECT count(*) FROM journal_entries e
             WHERE e.group_id = $1 AND (SELECT count(*) FROM journal_lines l WHERE l.entry_id = e.id) < 2
            """, id) == 0, Why("an entry with fewer than two lines"));
        Assert.True(await CountAsync(cs, """
            SELECT count(*) FROM (SELECT entry_id FROM journal_lines WHERE group_id = $1 GROUP BY entry_id HAVING sum(amount) <> 0) x
            """, id) == 0, Why("an unbalanced entry"));
        var currency = (string)(await ScalarAsync(cs, "SELECT currency FROM groups WHERE id = $1", id))!;
        Assert.True(await CountAsync(cs, "SELECT count(*) FROM journal_lines WHERE group_id = $1 AND currency <> $2", id, currency) == 0,
            Why("a line in another currency"));
        Assert.True(await CountAsync(cs, "SELECT coalesce(sum(amount), 0) FROM journal_lines WHERE group_id = $1", id) == 0,
            Why("the group's lines do not sum to zero"));
        var mismatched = await RowsAsync(cs, """
            SELECT account, l.s, b.balance
              FROM (SELECT account, sum(amount)::bigint AS s FROM journal_lines WHERE group_id = $1 GROUP BY account) l
              FULL JOIN (SELECT account, balance FROM ledger_balances WHERE group_id = $1) b USING (account)
             WHERE coalesce(l.s, 0) <> coalesce(b.balance, 0)
            """, id);
        Assert.True(mismatched.Count == 0, Why("cached balances differ from their lines: " +
            string.Join("; ", mismatched.Select(r => $"{r[0]} lines {r[1]} cached {r[2]}"))));
        Assert.True(await CountAsync(cs, "SELECT count(*) FROM ledger_balances WHERE group_id = $1 AND account LIKE 'pool:%' AND balance < 0", id) == 0,
            Why("a pool below zero"));

        var chain = await RowsAsync(cs, "SELECT seq, prev_hash, hash FROM journal_entries WHERE group_id = $1 ORDER BY seq", id);
        var n = chain.Count;
        Assert.True(chain.Select(r => (long)r[0]!).SequenceEqual(Enumerable.Range(1, n).Select(i => (long)i)),
            Why("seq is not 1..n: " + string.Join(",", chain.Select(r => r[0]))));
        var previous = new string('0', 64);
        foreach (var row in chain)
        {
            Assert.True((string)row[1]! == previous, Why($"entry {row[0]}'s prev_hash is not the previous hash"));
            previous = (string)row[2]!;
        }
        var head = await RowsAsync(cs, "SELECT seq, hash FROM ledger_heads WHERE group_id = $1", id);
        if (n > 0)
        {
            Assert.True(head.Count == 1 && (long)head[0][0]! == n && (string)head[0][1]! == previous, Why("the head does not name the last entry"));
            var started = await ScalarAsync(cs, "SELECT money_started_on FROM groups WHERE id = $1", id);
            Assert.True(started is not null, Why("money moved but money_started_on is not set"));
        }

        var verify = await g.VerifyAsync();
        Assert.True(verify.GetProperty("valid").GetBoolean(), Why("verify: " + verify));
        Assert.Equal(n, verify.GetProperty("entries").GetInt64());
        Assert.Equal(previous, verify.GetProperty("head").GetString());

        var journal = await g.GetJsonAsync("journal?limit=1000");
        Assert.Equal(n, journal.GetArrayLength());
        var expectedPrev = new string('0', 64);
        var seq = 0L;
        foreach (var entry in journal.EnumerateArray())
        {
            Assert.Equal(++seq, entry.GetProperty("seq").GetInt64());
            Assert.Equal(expectedPrev, entry.GetProperty("prevHash").GetString());
            Assert.Equal(0, entry.GetProperty("lines").EnumerateArray().Sum(l => l.GetProperty("amount").GetInt64()));
            expectedPrev = entry.GetProperty("hash").GetString()!;
        }

        // /balances from the lines' point of view.
        var sums = (await RowsAsync(cs, "SELECT account, sum(amount)::bigint FROM journal_lines WHERE group_id = $1 GROUP BY account", id))
            .ToDictionary(r => (string)r[0]!, r => (long)r[1]!);
        long Sum(string account) => sums.GetValueOrDefault(account);
        var balances = await g.BalancesAsync();
        Assert.Equal(currency, balances.GetProperty("currency").GetString());
        Assert.Equal(Sum("pool:cash") + Sum("pool:bank") + Sum("pool:mobile"), balances.GetProperty("pool").GetInt64());
        var pools = balances.GetProperty("pools");
        Assert.Equal(Sum("pool:cash"), pools.GetProperty("cash").GetInt64());
        Assert.Equal(Sum("pool:bank"), pools.GetProperty("bank").GetInt64());
        Assert.Equal(Sum("pool:mobile"), pools.GetProperty("mobile").GetInt64());
        foreach (var member in balances.GetProperty("members").EnumerateArray())
        {
            var m = member.GetProperty("memberId").GetGuid();
            Assert.True(-Sum($"member:{m}:contributions") == member.GetProperty("contributed").GetInt64(), Why($"member {m} contributed: {member}"));
            Assert.True(Sum($"member:{m}:receivable") == member.GetProperty("owed").GetInt64(), Why($"member {m} owed: {member}"));
            Assert.True(Sum($"member:{m}:payouts") == member.GetProperty("received").GetInt64(), Why($"member {m} received: {member}"));
        }
        return n;
    }

    /// The group's accounts and their cached balances.
    public static async Task<Dictionary<string, long>> CachedBalancesAsync(this LedgerGroup g) =>
        (await RowsAsync(g.ConnectionString, "SELECT account, balance FROM ledger_balances WHERE group_id = $1", g.GroupId))
        .ToDictionary(r => (string)r[0]!, r => (long)r[1]!);

    /// A minimal RFC 4180 reader for the statement CSV (quoted cells, doubled quotes, newlines in quotes).
    public static List<string[]> ParseCsv(string text)
    {
        var rows = new List<string[]>();
        var row = new List<string>();
        var cell = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { cell.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else cell.Append(c);
                continue;
            }
            switch (c)
            {
                case '"' when cell.Length == 0: quoted = true; break;
                case ',': row.Add(cell.ToString()); cell.Clear(); break;
                case '\n': row.Add(cell.ToString()); cell.Clear(); rows.Add(row.ToArray()); row.Clear(); break;
                case '\r': break;
                default: cell.Append(c); break;
            }
        }
        if (cell.Length > 0 || row.Count > 0) { row.Add(cell.ToString()); rows.Add(row.ToArray()); }
        return rows;
    }
}
