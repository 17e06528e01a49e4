using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Pamoja.Web.Features.Schedules;

namespace Pamoja.Web.Tests.Infrastructure;

public sealed record RoscaMember(Guid MemberId, HttpClient Client, string Phone);

/// A rotating group for the schedule tests: its app and fake clock, the ledger view of it, and
/// its members in the order they were added (Members[0] is the chair who created it).
public sealed record RoscaGroup(PamojaFactory App, TestClock Clock, LedgerGroup G, IReadOnlyList<RoscaMember> Members)
{
    public Guid GroupId => G.GroupId;
    public HttpClient Chair => G.Chair;
    public Guid ChairId => G.ChairMemberId;
    public string Path(string rest) => G.Path(rest);
    public Guid[] Ids => Members.Select(m => m.MemberId).ToArray();
    public RoscaMember Member(Guid id) => Members.Single(m => m.MemberId == id);
    public HttpClient ClientOf(Guid id) => Member(id).Client;
}

/// Schedule and engine helpers: a clock that starts a month before the groups do, group bodies,
/// engine runs restricted to the test's own group, and readers for schedule, obligations,
/// payouts and the rows behind them.
public static class ScheduleData
{
    /// The test groups start on 1 January 2027 (monthly: due on the 1st; obligations open on the
    /// 29th of the month before; fines, with 3 grace days, on the 5th).
    public static readonly DateOnly Start = new(2027, 1, 1);

    /// A clock a month before the start, so groups can be created and members added first.
    public static TestClock NewClock() => new(new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero));

    /// The due date (= start) of an API period (numbered from 1) of a monthly group from Start.
    public static DateOnly Due(int period) => Start.AddMonths(period - 1);

    /// The day a period's obligations open (3 days before its due date).
    public static DateOnly Opens(int period) => Due(period).AddDays(-3);

    public static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// A rotating group's create body: monthly from Start, flat late fine of 5,000 after 3 grace days unless told.
    public static JsonObject Rosca(string currency = "ZAR", long amount = 150_000, string order = "fixed", string pot = "net",
        string lateFine = """{"amount":5000,"graceDays":3}""", int maxMembers = 10, string name = "Schedule Stokvel") =>
        GroupData.Json(GroupData.Stokvel(name))
            .With("currency", $"\"{currency}\"")
            .With("contribution.amount", amount.ToString(CultureInfo.InvariantCulture))
            .With("rotation.order", $"\"{order}\"")
            .With("rotation.pot", $"\"{pot}\"")
            .With("lateFine", lateFine)
            .With("maxMembers", maxMembers.ToString(CultureInfo.InvariantCulture));

    /// A new chair, their group, and size - 1 more active members (added one after another, a
    /// second apart on the fake clock, so the default order is the order they were added in).
    /// roles: optional roles by index.
    public static async Task<RoscaGroup> RoscaAsync(PamojaFactory app, TestClock clock, int size, JsonObject? body = null,
        IReadOnlyDictionary<int, string>? roles = null)
    {
        var chair = app.ApiClient();
        var chairPhone = await TestData.SignedInAsync(chair);
        var g = await LedgerData.GroupAsync(app, chair, body ?? Rosca());
        var members = new List<RoscaMember> { new(g.ChairMemberId, chair, chairPhone) };
        for (var i = 1; i < size; i++)
        {
            clock.Advance(TimeSpan.FromSeconds(1)); // distinct creation instants: the default order is the order added
            var added = await GroupData.AddActiveAsync(app, chair, g.GroupId, roles?.GetValueOrDefault(i) ?? "member");
            members.Add(new RoscaMember(added.MemberId, added.Client, added.Phone));
        }
        return new RoscaGroup(app, clock, g, members);
    }

    /// Moves the fake clock to 10:00 UTC on the date (midday in Johannesburg, 11:00 in Lagos).
    public static void MoveTo(this TestClock clock, DateOnly date) =>
        clock.Advance(new DateTimeOffset(date.ToDateTime(new TimeOnly(10, 0)), TimeSpan.Zero) - clock.GetUtcNow());

    /// Runs the engines for this group only, through the date, as the tests are told to.
    public static Task<EngineRunSummary> RunEnginesAsync(this PamojaFactory app, Guid groupId, DateOnly through) =>
        app.Services.GetRequiredService<DailyEngines>().RunAsync(through, [groupId], CancellationToken.None);

    /// Moves the clock to the date, runs the group's engines through it and asserts the run did not fail.
    public static async Task<EngineRunSummary> RunAsync(this RoscaGroup g, DateOnly through)
    {
        g.Clock.MoveTo(through);
        var summary = await g.App.RunEnginesAsync(g.GroupId, through);
        Assert.True(summary.Failed == 0, $"The engine run through {Iso(through)} failed: {g.App.Logs.Errors()}");
        return summary;
    }

    public static Task<HttpResponseMessage> ContributeAsync(this RoscaGroup g, Guid memberId, long amount, string method = "cash", string? key = null)
    {
        var reference = method == "bank" ? "BANK-" + Guid.NewGuid().ToString("N")[..12] : null;
        return g.G.ContributeAsync(memberId, amount, method, reference, key: key);
    }

    public static async Task PayInAsync(this RoscaGroup g, Guid memberId, long amount, string method = "cash")
    {
        var response = await g.ContributeAsync(memberId, amount, method);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"contribution: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    // Reading through the API.

    public static async Task<JsonElement> GetOkAsync(this RoscaGroup g, string rest, HttpClient? client = null)
    {
        var response = await (client ?? g.Chair).GetAsync(g.Path(rest));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {rest}: {(int)response.StatusCode} {text} {g.App.Logs.Errors()}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public static Task<JsonElement> ScheduleAsync(this RoscaGroup g, string query = "") => g.GetOkAsync("schedule" + query);

    /// One period of GET schedule (periods numbered from 1), asking for it explicitly.
    public static async Task<JsonElement> PeriodAsync(this RoscaGroup g, int period)
    {
        var schedule = await g.ScheduleAsync($"?from={period}&count=1");
        Assert.Equal(1, schedule.GetArrayLength());
        var p = schedule[0];
        Assert.Equal(period, p.GetProperty("period").GetInt32());
        return p;
    }

    public static async Task<string?> StatusOfAsync(this RoscaGroup g, int period) => (await g.PeriodAsync(period)).GetProperty("status").GetString();

    public static async Task<Guid?> RecipientOfAsync(this RoscaGroup g, int period)
    {
        var p = await g.PeriodAsync(period);
        return p.TryGetProperty("recipientMemberId", out var r) && r.ValueKind == JsonValueKind.String ? r.GetGuid() : null;
    }

    public static Task<JsonElement> ObligationsAsync(this RoscaGroup g, int? period = null) =>
        g.GetOkAsync(period is null ? "obligations" : $"obligations?period={period}");

    public static async Task<JsonElement?> ObligationAsync(this RoscaGroup g, Guid memberId, int period)
    {
        foreach (var o in (await g.ObligationsAsync(period)).EnumerateArray())
            if (o.GetProperty("memberId").GetGuid() == memberId) return o;
        return null;
    }

    public static Task<JsonElement> PayoutsAsync(this RoscaGroup g) => g.GetOkAsync("payouts");

    public static async Task<JsonElement?> PayoutForAsync(this RoscaGroup g, int period)
    {
        var matches = (await g.PayoutsAsync()).EnumerateArray().Where(p => p.GetProperty("period").GetInt32() == period).ToList();
        Assert.True(matches.Count <= 1, $"{matches.Count} payouts for period {period}");
        return matches.Count == 0 ? null : matches[0];
    }

    public static async Task<Guid> ReservedPayoutIdAsync(this RoscaGroup g, int period)
    {
        var payout = await g.PayoutForAsync(period) ?? throw new Xunit.Sdk.XunitException($"No payout for period {period}.");
        Assert.Equal("reserved", payout.GetProperty("status").GetString());
        return payout.GetProperty("id").GetGuid();
    }

    public static Task<JsonElement> RotationAsync(this RoscaGroup g, HttpClient? client = null) => g.GetOkAsync("rotation", client);

    public static Task<HttpResponseMessage> PayAsync(this RoscaGroup g, Guid payoutId, string method = "cash", string? key = null, HttpClient? client = null) =>
        (client ?? g.Chair).PostAsync(g.Path($"payouts/{payoutId}/pay"), new { method }, key ?? Guid.NewGuid().ToString());

    public static Task<HttpResponseMessage> VoidAsync(this RoscaGroup g, Guid payoutId, string reason = "recipient absent", string? key = null,
        HttpClient? client = null) =>
        (client ?? g.Chair).PostAsync(g.Path($"payouts/{payoutId}/void"), new { reason }, key ?? Guid.NewGuid().ToString());

    public static Task<HttpResponseMessage> PutOrderAsync(this RoscaGroup g, IEnumerable<Guid> order, HttpClient? client = null) =>
        (client ?? g.Chair).PutAsJsonAsync(g.Path("rotation"), new { order = order.ToArray() });

    public static async Task SetOrderAsync(this RoscaGroup g, IEnumerable<Guid> order)
    {
        var response = await g.PutOrderAsync(order);
        Assert.True(response.StatusCode == HttpStatusCode.NoContent, $"PUT rotation: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    public static async Task SetRotationSettingsAsync(this RoscaGroup g, object settings)
    {
        var response = await g.Chair.PutAsJsonAsync(g.Path("rotation/settings"), settings);
        Assert.True(response.StatusCode == HttpStatusCode.NoContent, $"PUT rotation/settings: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    /// POST rotation/draw as the chair: asserts 200 and returns the drawn order.
    public static async Task<List<Guid>> GetDrawAsync(this RoscaGroup g)
    {
        var response = await g.Chair.PostAsJsonAsync(g.Path("rotation/draw"), new { });
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"draw: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.GetProperty("order").EnumerateArray().Select(e => e.GetGuid()).ToList();
    }

    public static Task<HttpResponseMessage> BidAsync(this RoscaGroup g, HttpClient member, object body) =>
        member.PostAsJsonAsync(g.Path("rotation/bids"), body);

    public static Task<HttpResponseMessage> LeaveAsync(this RoscaGroup g, Guid memberId) =>
        g.ClientOf(memberId).PostAsJsonAsync(g.Path("leave"), new { });

    /// Asserts a 4xx problem with the status (never a 5xx) and returns it.
    public static Task<JsonElement> ProblemAsync(this RoscaGroup g, HttpResponseMessage response, HttpStatusCode expected, string what = "") =>
        g.G.ProblemAsync(response, expected, what);

    // Rows the API does not show.

    public static Task<long> CountAsync(string sql, params object[] args) => GroupData.CountAsync(sql, args);

    public static Task<long> EntriesOfKindAsync(this RoscaGroup g, string kind) =>
        CountAsync("SELECT count(*) FROM journal_entries WHERE group_id = $1 AND kind = $2", g.GroupId, kind);

    /// The lines of an entry, account → amount.
    public static async Task<Dictionary<string, long>> LinesAsync(this RoscaGroup g, Guid entryId) =>
        (await LedgerData.RowsAsync(g.G.ConnectionString, "SELECT account, amount FROM journal_lines WHERE group_id = $1 AND entry_id = $2", g.GroupId, entryId))
        .ToDictionary(r => (string)r[0]!, r => (long)r[1]!);

    public static async Task<Guid> ReserveEntryIdAsync(this RoscaGroup g, Guid payoutId) =>
        (Guid)(await GroupData.ScalarAsync("SELECT reserve_entry_id FROM payouts WHERE id = $1", payoutId))!;

    /// Reminders the engines queued for the group (optionally one template: due_soon, due_today, overdue).
    public static Task<long> RemindersAsync(this RoscaGroup g, string? kind = null) => kind is null
        ? CountAsync("SELECT count(*) FROM notification_outbox WHERE dedupe_key LIKE $1", $"reminder:{g.GroupId}:%")
        : CountAsync("SELECT count(*) FROM notification_outbox WHERE dedupe_key LIKE $1 AND template = $2", $"reminder:{g.GroupId}:%", "reminder." + kind);

    public static Task<long> DistinctReminderKeysAsync(this RoscaGroup g) =>
        CountAsync("SELECT count(DISTINCT dedupe_key) FROM notification_outbox WHERE dedupe_key LIKE $1", $"reminder:{g.GroupId}:%");

    public static Task<long> RemindersToAsync(this RoscaGroup g, Guid memberId, string kind) =>
        CountAsync("SELECT count(*) FROM notification_outbox WHERE dedupe_key LIKE $1 AND template = $2", $"reminder:{g.GroupId}:{memberId}:%", "reminder." + kind);

    /// The late fines charged to a member (rows in late_fines), with their periods numbered from 1.
    public static async Task<List<(int Period, long Amount, Guid EntryId)>> FinesAsync(this RoscaGroup g, Guid memberId) =>
        (await LedgerData.RowsAsync(g.G.ConnectionString, "SELECT period, amount, entry_id FROM late_fines WHERE group_id = $1 AND member_id = $2 ORDER BY period",
            g.GroupId, memberId))
        .Select(r => ((int)r[0]! + 1, (long)r[1]!, (Guid)r[2]!)).ToList();

    /// Everything a rotation change may write, for "a refused change writes nothing".
    public static async Task<string> RotationStateAsync(this RoscaGroup g)
    {
        var positions = await LedgerData.RowsAsync(g.G.ConnectionString,
            "SELECT id, position, status, revision FROM group_members WHERE group_id = $1 ORDER BY id", g.GroupId);
        var turns = await LedgerData.RowsAsync(g.G.ConnectionString,
            "SELECT cycle, member_id, period, discount FROM rotation_turns WHERE group_id = $1 ORDER BY cycle, period NULLS LAST, member_id", g.GroupId);
        var group = await LedgerData.RowsAsync(g.G.ConnectionString, "SELECT revision, payout_policy, exit_turn FROM groups WHERE id = $1", g.GroupId);
        var audit = await CountAsync("SELECT count(*) FROM audit_log WHERE group_id = $1", g.GroupId);
        var bids = await LedgerData.RowsAsync(g.G.ConnectionString,
            "SELECT period, member_id, discount FROM rotation_bids WHERE group_id = $1 ORDER BY period, member_id", g.GroupId);
        static string Rows(List<object?[]> rows) => string.Join(";", rows.Select(r => string.Join(",", r.Select(v => Convert.ToString(v, CultureInfo.InvariantCulture)))));
        return $"members[{Rows(positions)}] turns[{Rows(turns)}] group[{Rows(group)}] audit[{audit}] bids[{Rows(bids)}]";
    }
}

/// Each test gets its own app on its own fake clock (tests move it by months), so test classes
/// run in parallel against the shared database without touching each other's groups.
public abstract class ScheduleTestBase : IAsyncLifetime
{
    protected TestClock Clock { get; } = ScheduleData.NewClock();
    protected PamojaFactory App { get; private set; } = null!;

    /// A smaller pool than the app's 25: these tests run two classes at a time next to other
    /// suites on a server with 100 connections, and ten are plenty to race a payout.
    public async Task InitializeAsync() => App = await ScheduleApp.CreateAsync(Clock, connectionString: TestDatabase.ConnectionString + ";Maximum Pool Size=10");
    public async Task DisposeAsync() => await App.DisposeAsync();

    protected Task<RoscaGroup> RoscaAsync(int size, JsonObject? body = null, IReadOnlyDictionary<int, string>? roles = null) =>
        ScheduleData.RoscaAsync(App, Clock, size, body, roles);
}
