using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Pamoja.Web.Tests.Infrastructure;

namespace Pamoja.Web.Tests.Features.Ledger;

/// Statements (api.md § Money): entries with a running balance, from/to with the balance before
/// `from` as the opening balance, and the same as CSV — exact decimals in the currency's
/// exponent, cells guarded against spreadsheet formulas. And the first posting marks the
/// group's money as started, which fixes when a money-rule change takes effect.
public sealed class LedgerStatementTests : IAsyncLifetime
{
    private PamojaFactory _app = null!;
    public async Task InitializeAsync() => _app = await PamojaFactory.SharedAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    private static async Task<JsonElement> StatementAsync(LedgerGroup g, Guid? memberId = null, string? from = null, string? to = null)
    {
        var query = new List<string>();
        if (memberId is not null) query.Add($"memberId={memberId}");
        if (from is not null) query.Add($"from={from}");
        if (to is not null) query.Add($"to={to}");
        return await g.GetJsonAsync("statement" + (query.Count == 0 ? "" : "?" + string.Join('&', query)));
    }

    /// Opening + the amounts so far = each line's balance; the last balance is the closing one.
    private static void AssertRunning(JsonElement statement)
    {
        var running = statement.GetProperty("openingBalance").GetInt64();
        foreach (var line in statement.GetProperty("entries").EnumerateArray())
        {
            running += line.GetProperty("amount").GetInt64();
            Assert.True(running == line.GetProperty("balance").GetInt64(), $"running balance broken at seq {line.GetProperty("seq")}: {statement}");
        }
        Assert.True(running == statement.GetProperty("closingBalance").GetInt64(), $"closing balance: {statement}");
    }

    private static IEnumerable<long> Amounts(JsonElement statement) => statement.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("amount").GetInt64());
    private static IEnumerable<long> Balances(JsonElement statement) => statement.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("balance").GetInt64());

    [Fact]
    public async Task A_member_statement_runs_a_balance_over_contributions_fines_and_reversals()
    {
        var g = await LedgerData.GroupAsync(_app);
        var m = g.ChairMemberId;
        await g.ContributedEntryAsync(m, 1_000, paidOn: "2025-01-10");
        var second = await g.ContributedEntryAsync(m, 2_000, "mpesa", LedgerData.MpesaReceipt(), paidOn: "2025-02-10");
        await g.CreatedAsync(await g.FineAsync(m, 300, "late", paidNow: true, method: "cash"));
        await g.CreatedAsync(await g.ReverseAsync(second, "bounced"));
        await g.CreatedAsync(await g.FineAsync(m, 50, "noise"));

        var statement = await StatementAsync(g, m);
        Assert.Equal([1_000L, 2_000, -300, 300, -2_000, -50], Amounts(statement));
        Assert.Equal([1_000L, 3_000, 2_700, 3_000, 1_000, 950], Balances(statement));
        Assert.Equal(["contribution", "contribution", "fine_charged", "fine_paid", "reversal", "fine_charged"],
            statement.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("kind").GetString()!));
        Assert.Equal(0, statement.GetProperty("openingBalance").GetInt64());
        AssertRunning(statement);
        Assert.Equal("ZAR", statement.GetProperty("currency").GetString());

        // The member's balance agrees: contributed 1000, owes 50.
        var me = (await g.BalancesAsync()).GetProperty("members").EnumerateArray().Single(x => x.GetProperty("memberId").GetGuid() == m);
        Assert.Equal(1_000, me.GetProperty("contributed").GetInt64());
        Assert.Equal(50, me.GetProperty("owed").GetInt64());
        Assert.Equal(statement.GetProperty("closingBalance").GetInt64(), me.GetProperty("balance").GetInt64());
    }

    [Fact]
    public async Task The_group_statement_is_the_pool_with_its_running_balance()
    {
        var g = await LedgerData.GroupAsync(_app);
        var m = g.ChairMemberId;
        await g.ContributedEntryAsync(m, 1_000);
        await g.ContributedEntryAsync(m, 2_000, "mpesa", LedgerData.MpesaReceipt());
        await g.CreatedAsync(await g.FineAsync(m, 300, "late", paidNow: true, method: "bank"));
        await g.CreatedAsync(await g.FeeAsync(m, 500, "cash"));
        await g.CreatedAsync(await g.FineAsync(m, 70, "unpaid fine"));

        var statement = await StatementAsync(g);
        // The unpaid fine moves no money into the pool, so it is not on the pool's statement.
        Assert.Equal([1_000L, 2_000, 300, 500], Amounts(statement));
        AssertRunning(statement);
        Assert.Equal((await g.BalancesAsync()).GetProperty("pool").GetInt64(), statement.GetProperty("closingBalance").GetInt64());
    }

    [Fact]
    public async Task From_and_to_select_by_the_date_money_moved_with_the_balance_before_from_as_opening()
    {
        var g = await LedgerData.GroupAsync(_app);
        var m = g.ChairMemberId;
        await g.ContributedEntryAsync(m, 100, paidOn: "2025-01-10");
        await g.ContributedEntryAsync(m, 200, paidOn: "2025-02-10");
        await g.ContributedEntryAsync(m, 400, paidOn: "2025-03-10");

        var february = await StatementAsync(g, m, "2025-02-01", "2025-02-28");
        Assert.Equal([200L], Amounts(february));
        Assert.Equal(100, february.GetProperty("openingBalance").GetInt64());
        Assert.Equal(300, february.GetProperty("closingBalance").GetInt64());
        AssertRunning(february);

        var sinceFebruary = await StatementAsync(g, m, from: "2025-02-01");
        Assert.Equal([200L, 400], Amounts(sinceFebruary));
        Assert.Equal(100, sinceFebruary.GetProperty("openingBalance").GetInt64());
        AssertRunning(sinceFebruary);

        var untilFebruary = await StatementAsync(g, m, to: "2025-02-28");
        Assert.Equal([100L, 200], Amounts(untilFebruary));
        Assert.Equal(300, untilFebruary.GetProperty("closingBalance").GetInt64());
        AssertRunning(untilFebruary);

        var empty = await StatementAsync(g, m, "2025-04-01", "2025-04-30");
        Assert.Equal(0, empty.GetProperty("entries").GetArrayLength());
        Assert.Equal(700, empty.GetProperty("openingBalance").GetInt64());
        Assert.Equal(700, empty.GetProperty("closingBalance").GetInt64());

        await g.ProblemAsync(await g.Chair.GetAsync(g.Path($"statement?memberId={m}&from=2025-03-01&to=2025-02-01")), HttpStatusCode.BadRequest, "from after to");
    }

    [Fact]
    public async Task From_and_to_are_right_when_payments_were_recorded_out_of_date_order()
    {
        // A treasurer records March's payment first and catches up January and February later
        // (paidOn in the past is what paidOn is for). Opening = what was paid before `from`;
        // each running balance continues from it.
        var g = await LedgerData.GroupAsync(_app);
        var m = g.ChairMemberId;
        await g.ContributedEntryAsync(m, 400, paidOn: "2025-03-10");
        await g.ContributedEntryAsync(m, 100, paidOn: "2025-01-10");
        await g.ContributedEntryAsync(m, 200, paidOn: "2025-02-10");

        var february = await StatementAsync(g, m, "2025-02-01", "2025-02-28");
        Assert.Equal([200L], Amounts(february));
        Assert.True(february.GetProperty("openingBalance").GetInt64() == 100, february.ToString());
        Assert.True(february.GetProperty("closingBalance").GetInt64() == 300, february.ToString());
        AssertRunning(february);

        var pool = await StatementAsync(g, from: "2025-02-01", to: "2025-02-28");
        Assert.True(pool.GetProperty("openingBalance").GetInt64() == 100, pool.ToString());
        AssertRunning(pool);
    }

    private static async Task<(string Text, string? MediaType)> CsvAsync(LedgerGroup g, string query)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, g.Path("statement" + query)) { Headers = { { "Accept", "text/csv" } } };
        var response = await g.Chair.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadAsStringAsync(), response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task The_csv_has_exact_decimals_escaped_cells_and_no_formulas()
    {
        var g = await LedgerData.GroupAsync(_app, body: LedgerData.GroupIn("KES", "CSV Chama"));
        var m = g.ChairMemberId;
        await g.ContributedEntryAsync(m, 150_000, memo: "=HYPERLINK(\"http://evil.example\",\"click\")");
        await g.ContributedEntryAsync(m, 5, "bank", "+254700000000", memo: "Dues, \"June\"");
        await g.ContributedEntryAsync(m, 7, memo: "-1+1");
        await g.ContributedEntryAsync(m, 1, memo: "@SUM(A1)");
        await g.ContributedEntryAsync(m, 3, memo: "+cmd|' /C calc'!A0");
        await g.CreatedAsync(await g.FineAsync(m, 5_000, "late"));

        var (text, mediaType) = await CsvAsync(g, $"?memberId={m}");
        Assert.Equal("text/csv", mediaType);
        var rows = LedgerData.ParseCsv(text);
        Assert.Equal(["seq", "posted_at", "effective_on", "kind", "memo", "reference", "amount", "balance", "currency"], rows[0]);
        Assert.Equal(7, rows.Count);
        Assert.All(rows, r => Assert.Equal(9, r.Length));
        Assert.All(rows.Skip(1), r => Assert.Equal("KES", r[8]));
        Assert.Equal(["1500.00", "0.05", "0.07", "0.01", "0.03", "-50.00"], rows.Skip(1).Select(r => r[6]));
        Assert.Equal(["1500.00", "1500.05", "1500.12", "1500.13", "1500.16", "1450.16"], rows.Skip(1).Select(r => r[7]));
        Assert.Equal("'=HYPERLINK(\"http://evil.example\",\"click\")", rows[1][4]);
        Assert.Equal("Dues, \"June\"", rows[2][4]);
        Assert.Equal("'+254700000000", rows[2][5]);
        Assert.Equal("'-1+1", rows[3][4]);
        Assert.Equal("'@SUM(A1)", rows[4][4]);
        Assert.Equal("'+cmd|' /C calc'!A0", rows[5][4]);
        Assert.Equal("fine_charged", rows[6][3]);
        // No cell a spreadsheet would evaluate.
        Assert.All(rows.Skip(1).SelectMany(r => r), cell => Assert.False(cell.Length > 0 && "=+@".Contains(cell[0]), cell));
        Assert.Contains("\"Dues, \"\"June\"\"\"", text, StringComparison.Ordinal);
        Assert.All(rows.Skip(1), r => Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$", r[1]));

        // The JSON says the same in minor units.
        var json = await StatementAsync(g, m);
        Assert.Equal([150_000L, 5, 7, 1, 3, -5_000], Amounts(json));
    }

    [Fact]
    public async Task The_csv_of_a_currency_without_minor_units_has_no_decimals()
    {
        var g = await LedgerData.GroupAsync(_app, body: LedgerData.GroupIn("UGX", "UGX Chama"));
        await g.ContributedEntryAsync(g.ChairMemberId, 5_000, "momo", Guid.NewGuid().ToString());
        await g.ContributedEntryAsync(g.ChairMemberId, 150_000);
        var (text, _) = await CsvAsync(g, "");
        var rows = LedgerData.ParseCsv(text);
        Assert.Equal(["5000", "150000"], rows.Skip(1).Select(r => r[6]));
        Assert.Equal(["5000", "155000"], rows.Skip(1).Select(r => r[7]));
        Assert.All(rows.Skip(1), r => Assert.Equal("UGX", r[8]));
        Assert.Equal(155_000, (await g.BalancesAsync()).GetProperty("pool").GetInt64());
    }

    [Fact]
    public async Task The_first_posting_marks_money_as_started_and_later_rule_changes_wait_for_the_next_period()
    {
        var body = GroupData.Json(GroupData.Stokvel("Money Start Stokvel")).With("startsOn", "\"2025-01-31\"");
        var g = await LedgerData.GroupAsync(_app, body: body);
        Assert.Null(await StartedAsync(g));

        // A refused request starts nothing.
        await g.ProblemAsync(await g.ContributeAsync(g.ChairMemberId, 0), HttpStatusCode.BadRequest, "zero");
        Assert.Null(await StartedAsync(g));

        var first = await g.CreatedAsync(await g.ContributeAsync(g.ChairMemberId, 150_000, paidOn: "2025-06-15"));
        Assert.Equal("2025-06-15", first.GetProperty("paidOn").GetString());
        Assert.Equal("2025-06-15", await StartedAsync(g));
        await g.ContributedEntryAsync(g.ChairMemberId, 150_000, paidOn: "2025-02-01");
        Assert.Equal("2025-06-15", await StartedAsync(g));

        // A money rule changed now applies from the next period, not to the one under way.
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var response = await g.Chair.PutJsonAsync(g.Path("settings"), JsonNode.Parse(body.ToJsonString())!.AsObject().With("contribution.amount", "200000"));
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync() + _app.Logs.Errors());
        var view = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(150_000, view.GetProperty("contribution").GetProperty("amount").GetInt64());
        var upcoming = view.GetProperty("upcomingRules");
        Assert.Equal(200_000, upcoming.GetProperty("contribution").GetProperty("amount").GetInt64());
        Assert.True(DateOnly.Parse(upcoming.GetProperty("effectiveFrom").GetString()!, System.Globalization.CultureInfo.InvariantCulture) > today.AddDays(-1), upcoming.ToString());

        // And the start date is fixed now.
        var moved = await g.Chair.PutJsonAsync(g.Path("settings"), JsonNode.Parse(body.ToJsonString())!.AsObject().With("startsOn", "\"2025-02-28\""));
        Assert.True((int)moved.StatusCode is >= 400 and < 500, $"{moved.StatusCode} {await moved.Content.ReadAsStringAsync()}");
    }

    [Fact]
    public async Task Opening_balances_start_the_money_on_their_date()
    {
        var g = await LedgerData.GroupAsync(_app, body: GroupData.Json(GroupData.Stokvel("Opening Stokvel")).With("startsOn", "\"2024-01-01\""));
        await g.CreatedAsync(await g.Chair.PostAsync(g.Path("opening-balances"),
            new { asOf = "2025-03-31", pools = new { cash = 1_000, bank = 0, mobile = 0 }, members = Array.Empty<object>() }));
        Assert.Equal("2025-03-31", await StartedAsync(g));
    }

    [Fact]
    public async Task Balances_still_show_a_member_who_left_with_money_in_the_group()
    {
        // The group still owes a member who left what they paid in: the officials' balances
        // must not drop that money from view (the members' positions must add up to the books).
        var g = await LedgerData.GroupAsync(_app);
        var (leaver, _, _) = await GroupData.AddActiveAsync(_app, g.Chair, g.GroupId);
        await g.ContributedEntryAsync(g.ChairMemberId, 1_000);
        await g.ContributedEntryAsync(leaver, 4_000);
        Assert.Equal(HttpStatusCode.NoContent, (await GroupData.StatusAsync(g.Chair, g.GroupId, leaver, "remove")).StatusCode);

        var balances = await g.BalancesAsync();
        Assert.Equal(5_000, balances.GetProperty("pool").GetInt64());
        var contributed = balances.GetProperty("members").EnumerateArray().Sum(m => m.GetProperty("contributed").GetInt64());
        Assert.True(contributed == 5_000, $"the members' contributions add up to {contributed}, the books to 5000: {balances}");
        await g.AssertInvariantsAsync();
    }

    [Fact]
    public async Task A_group_without_money_verifies_as_an_empty_chain()
    {
        var g = await LedgerData.GroupAsync(_app);
        var verify = await g.VerifyAsync();
        Assert.True(verify.GetProperty("valid").GetBoolean());
        Assert.Equal(0, verify.GetProperty("entries").GetInt64());
        Assert.Equal(new string('0', 64), verify.GetProperty("head").GetString());
        Assert.Equal(0, (await g.GetJsonAsync("journal")).GetArrayLength());
        var balances = await g.BalancesAsync();
        Assert.Equal(0, balances.GetProperty("pool").GetInt64());
        var statement = await StatementAsync(g, g.ChairMemberId);
        Assert.Equal(0, statement.GetProperty("closingBalance").GetInt64());
        Assert.Equal(0, statement.GetProperty("entries").GetArrayLength());
    }

    private static async Task<string?> StartedAsync(LedgerGroup g) =>
        (await LedgerData.ScalarAsync(g.ConnectionString, "SELECT to_char(money_started_on, 'YYYY-MM-DD') FROM groups WHERE id = $1", g.GroupId)) as string;
}
