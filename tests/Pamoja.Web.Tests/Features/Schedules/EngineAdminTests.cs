using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Pamoja.Web.Tests.Infrastructure;

namespace Pamoja.Web.Tests.Features.Schedules;

/// A database of its own with the three groups of EngineScenario (made on 2026-01-05,
/// starting 2026-02-01), an app on a test clock, and an operator: POST /api/v1/admin/engine/run
/// runs every group in its database, so no one else's groups may be in it.
public sealed class EngineAdminDatabase : IAsyncLifetime
{
    public const string RunPath = "/api/v1/admin/engine/run";

    public TestClock Clock { get; } = new(EngineScenario.CreatedAt);
    public string Cs { get; } = TestDatabase.CreateDatabase("pamoja_engine_admin");
    public PamojaFactory App { get; private set; } = null!;
    public EnginePeople People { get; private set; } = null!;
    public List<EngineGroup> Groups { get; private set; } = null!;
    public HttpClient Operator { get; private set; } = null!;

    public List<Guid> GroupIds => Groups.Select(g => g.GroupId).ToList();

    public async Task InitializeAsync()
    {
        // No job worker polling in the background: the run's summary counts what this request did.
        App = await ScheduleApp.CreateAsync(Clock, EngineScenario.Settings(("Jobs:Enabled", "false")), Cs);
        People = await EnginePeople.CreateAsync(App);
        Groups = [.. await EngineScenario.CreateAsync(App, Clock, People)];
        Operator = await TestData.OperatorAsync(App);
    }

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        TestDatabase.Drop(Cs);
    }

    public void MoveTo(DateOnly date) =>
        Clock.Advance(new DateTimeOffset(date.ToDateTime(new TimeOnly(10, 0)), TimeSpan.Zero) - Clock.GetUtcNow());

    public static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public Task<HttpResponseMessage> RunAsync(HttpClient client, string json) =>
        client.PostAsync(RunPath, new StringContent(json, Encoding.UTF8, "application/json"));

    public async Task<JsonElement> RunOkAsync(DateOnly date)
    {
        var response = await RunAsync(Operator, JsonSerializer.Serialize(new { businessDate = Iso(date) }));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {text} {App.Logs.Errors()}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// What the engines have made in this test's database, counted row by row.
    public sealed record Effects(long Cycles, long Obligations, long Fines, long Payouts, long Reminders, long Entries, long Cursors, long Jobs);

    public async Task<Effects> EffectsAsync() => new(
        await LedgerData.CountAsync(Cs, "SELECT count(*) FROM rotation_cycles"),
        await LedgerData.CountAsync(Cs, "SELECT count(*) FROM obligations"),
        await LedgerData.CountAsync(Cs, "SELECT count(*) FROM late_fines"),
        await LedgerData.CountAsync(Cs, "SELECT count(*) FROM payouts"),
        await LedgerData.CountAsync(Cs, "SELECT count(*) FROM notification_outbox WHERE dedupe_key LIKE 'reminder:%'"),
        await LedgerData.CountAsync(Cs, "SELECT count(*) FROM journal_entries"),
        await LedgerData.CountAsync(Cs, "SELECT count(*) FROM engine_cursors"),
        await LedgerData.CountAsync(Cs, "SELECT count(*) FROM jobs"));

    /// The summary's numbers, in the order of Effects' engine counts.
    public static (int Queued, int Run, int Cycles, int Obligations, int Fines, int Payouts, int Reminders, int Failed) Summary(JsonElement s) => (
        s.GetProperty("groupsQueued").GetInt32(), s.GetProperty("groupsRun").GetInt32(), s.GetProperty("cyclesStarted").GetInt32(),
        s.GetProperty("obligationsOpened").GetInt32(), s.GetProperty("finesCharged").GetInt32(), s.GetProperty("payoutsReserved").GetInt32(),
        s.GetProperty("reminders").GetInt32(), s.GetProperty("failed").GetInt32());

    public void AssertSummaryMatches(JsonElement summary, Effects before, Effects after, string what)
    {
        var s = Summary(summary);
        Assert.True(
            (s.Cycles, s.Obligations, s.Fines, s.Payouts, s.Reminders) ==
            ((int)(after.Cycles - before.Cycles), (int)(after.Obligations - before.Obligations), (int)(after.Fines - before.Fines),
             (int)(after.Payouts - before.Payouts), (int)(after.Reminders - before.Reminders)),
            $"{what}: the summary {summary} does not match what was written: before {before}, after {after}");
        Assert.True(after.Entries - before.Entries == s.Fines + s.Payouts, $"{what}: one journal entry per fine and payout: {summary}, before {before}, after {after}");
    }

    public async Task<string> CursorsAsync() => await EngineFingerprint.CursorsAsync(Cs, GroupIds);

}

/// api.md § Schedules and engines: POST /api/v1/admin/engine/run {businessDate} runs every
/// engine step due on that date for every group; running it again changes nothing. Each test
/// changes what is in its database, so each has its own.
public sealed class EngineAdminTests : IAsyncLifetime
{
    private readonly EngineAdminDatabase db = new();

    public Task InitializeAsync() => db.InitializeAsync();
    public Task DisposeAsync() => db.DisposeAsync();

    [Fact]
    public async Task The_operator_runs_every_group_once_per_date_and_a_later_date_catches_up_every_missed_day()
    {
        var start = await db.EffectsAsync();
        Assert.Equal(0, start.Obligations);

        // On 10 February, the run for the 11th (tomorrow is already a business date in the
        // earliest time zones, so it is allowed): every day from the first opening day, 29 January.
        db.MoveTo(new DateOnly(2026, 2, 10));
        var first = await db.RunOkAsync(new DateOnly(2026, 2, 11));
        Assert.Equal("2026-02-11", first.GetProperty("businessDate").GetString());
        var afterFirst = await db.EffectsAsync();
        db.AssertSummaryMatches(first, start, afterFirst, "first run");
        // Three groups queued and run; the two rotating ones start their first cycle; period 1's
        // obligations (3 net, 4 gross, 4 savings); the ajo's non-payer fined on 4 February; both
        // rotating groups' first pots reserved; no reminder is due on the 11th.
        Assert.Equal((3, 3, 2, 11, 1, 2, 0, 0), EngineAdminDatabase.Summary(first));
        Assert.Equal("2026-02-11,2026-02-11,2026-02-11", await db.CursorsAsync());
        var fingerprint = await EngineFingerprint.TakeAsync(db.Cs, db.GroupIds);

        // The same date again: 200, nothing queued, nothing run, nothing changed.
        var again = await db.RunOkAsync(new DateOnly(2026, 2, 11));
        Assert.Equal((0, 0, 0, 0, 0, 0, 0, 0), EngineAdminDatabase.Summary(again));
        Assert.Equal(afterFirst, await db.EffectsAsync());
        EngineFingerprint.AssertSame(fingerprint, await EngineFingerprint.TakeAsync(db.Cs, db.GroupIds), "the same date again");

        // An earlier date than the groups are done through: its jobs run and find nothing to do.
        var earlier = await db.RunOkAsync(new DateOnly(2026, 2, 5));
        Assert.Equal((3, 0, 0, 0, 0, 0, 0, 0), EngineAdminDatabase.Summary(earlier));
        Assert.Equal(afterFirst with { Jobs = afterFirst.Jobs + 3 }, await db.EffectsAsync());
        EngineFingerprint.AssertSame(fingerprint, await EngineFingerprint.TakeAsync(db.Cs, db.GroupIds), "an earlier date");

        // Nobody ran the engines for eight weeks; the run for 4 April does every day in between:
        // periods 2 and 3 open (22 obligations), the ajo's non-payer is fined for both, three
        // more pots are reserved (the stokvel's period 3 is short), and the ajo's overdue notice
        // goes out on the 4th.
        db.MoveTo(new DateOnly(2026, 4, 4));
        var catchUp = await db.RunOkAsync(new DateOnly(2026, 4, 4));
        var afterCatchUp = await db.EffectsAsync();
        db.AssertSummaryMatches(catchUp, afterFirst with { Jobs = afterFirst.Jobs + 3 }, afterCatchUp, "catch-up");
        Assert.Equal((3, 3, 0, 22, 2, 3, 1, 0), EngineAdminDatabase.Summary(catchUp));
        Assert.Equal("2026-04-04,2026-04-04,2026-04-04", await db.CursorsAsync());
        var ajo = db.Groups[1];
        var fines = await LedgerData.RowsAsync(db.Cs, "SELECT period, amount FROM late_fines WHERE group_id = $1 AND member_id = $2 ORDER BY period", ajo.GroupId, ajo.Members[3]);
        Assert.Equal(new[] { (0, 125L), (1, 125L), (2, 125L) }, fines.Select(r => ((int)r[0]!, (long)r[1]!)).ToList());
        var fineEntries = await LedgerData.RowsAsync(db.Cs, "SELECT effective_on FROM journal_entries WHERE group_id = $1 AND kind = 'fine_charged' ORDER BY seq", ajo.GroupId);
        Assert.Equal(new[] { new DateOnly(2026, 2, 4), new DateOnly(2026, 3, 4), new DateOnly(2026, 4, 4) },
            fineEntries.Select(r => r[0] is DateTime t ? DateOnly.FromDateTime(t) : (DateOnly)r[0]!).ToList());
        var reminder = Assert.Single(await LedgerData.RowsAsync(db.Cs, "SELECT dedupe_key, recipient, template FROM notification_outbox WHERE dedupe_key LIKE 'reminder:%'"));
        Assert.Equal($"reminder:{ajo.GroupId}:{ajo.Members[3]}:2:overdue", reminder[0]);
        Assert.Equal(db.People.Members[2].Phone, reminder[1]);
        Assert.Equal("reminder.overdue", reminder[2]);
        await EngineFingerprint.AssertLedgersAsync(db.App, db.Cs, db.GroupIds, "after the catch-up");

        var caughtUp = await EngineFingerprint.TakeAsync(db.Cs, db.GroupIds);
        Assert.Equal((0, 0, 0, 0, 0, 0, 0, 0), EngineAdminDatabase.Summary(await db.RunOkAsync(new DateOnly(2026, 4, 4))));
        EngineFingerprint.AssertSame(caughtUp, await EngineFingerprint.TakeAsync(db.Cs, db.GroupIds), "the catch-up date again");

        // The command line does what the endpoint does, in the same queue: the 4th is done...
        var cliAgain = await EngineProcess.RunAsync(db.Cs, "--date", "2026-04-04");
        Assert.True(cliAgain.ExitCode == 0, $"{cliAgain.Stdout}\n{cliAgain.Stderr}");
        Assert.Contains("0 group(s) run of 0 queued", cliAgain.Stdout, StringComparison.Ordinal);
        EngineFingerprint.AssertSame(caughtUp, await EngineFingerprint.TakeAsync(db.Cs, db.GroupIds), "the command line for the catch-up date");
        // ... and the 10th runs every group: the stokvel's member 3 is fined on the 5th for period 3.
        var cli = await EngineProcess.RunAsync(db.Cs, "--date", "2026-04-10");
        Assert.True(cli.ExitCode == 0, $"{cli.Stdout}\n{cli.Stderr}");
        Assert.Contains("3 group(s) run of 3 queued; 0 cycle(s) started, 0 obligation(s) opened, 1 fine(s), 0 payout(s) reserved, 0 reminder(s); 0 failed.",
            cli.Stdout, StringComparison.Ordinal);
        Assert.Equal("2026-04-10,2026-04-10,2026-04-10", await db.CursorsAsync());
        var stokvel = db.Groups[0];
        Assert.Equal(500L, await LedgerData.ScalarAsync(db.Cs, "SELECT amount FROM late_fines WHERE group_id = $1 AND member_id = $2 AND period = 2",
            stokvel.GroupId, stokvel.Members[3]));
        await EngineFingerprint.AssertLedgersAsync(db.App, db.Cs, db.GroupIds, "after the command line");
    }

    [Fact]
    public async Task The_overdue_reminder_names_the_amount_and_the_fine_once_each()
    {
        db.MoveTo(new DateOnly(2026, 2, 4));
        var summary = await db.RunOkAsync(new DateOnly(2026, 2, 4));
        Assert.Equal(1, summary.GetProperty("reminders").GetInt32());
        // The notice keeps its template and values; the dispatcher writes it in the member's language.
        var row = Assert.Single(await LedgerData.RowsAsync(db.Cs, "SELECT template, params::text FROM notification_outbox WHERE dedupe_key LIKE 'reminder:%'"));
        var values = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, string>>((string)row[1]!)!;
        var key = Pamoja.Web.Features.Notifications.MessageTexts.KeyFor((string)row[0]!, values);
        Assert.Equal("Engine Gross Ajo: KES 50.00 due on 1 Feb 2026 is overdue. A late fine of KES 1.25 was charged.",
            Pamoja.Web.Features.Notifications.MessageTexts.Render(key, "en", values));
        Assert.Equal("Engine Gross Ajo: KES 50.00 iliyotakiwa tarehe 1 Februari 2026 imechelewa. Faini ya kuchelewa ya KES 1.25 imetozwa.",
            Pamoja.Web.Features.Notifications.MessageTexts.Render(key, "sw", values));
    }
}

/// The refusals: not an operator, bad bodies, bad command lines. None of them changes anything,
/// so they share one database, and each proves it is still untouched.
public sealed class EngineAdminRefusalTests(EngineAdminDatabase db) : IClassFixture<EngineAdminDatabase>
{
    [Fact]
    public async Task Only_an_operator_may_run_the_engines()
    {
        db.MoveTo(new DateOnly(2026, 2, 10));
        var before = await EngineFingerprint.TakeAsync(db.Cs, db.GroupIds);
        var effects = await db.EffectsAsync();
        var body = JsonSerializer.Serialize(new { businessDate = "2026-02-10" });

        Assert.Equal(HttpStatusCode.Unauthorized, (await db.RunAsync(db.App.ApiClient(), body)).StatusCode);
        // A group's chair is no operator, nor is anyone else signed in.
        Assert.Equal(HttpStatusCode.Forbidden, (await db.RunAsync(db.People.Chair, body)).StatusCode);
        var someone = db.App.ApiClient();
        await TestData.SignedInAsync(someone);
        Assert.Equal(HttpStatusCode.Forbidden, (await db.RunAsync(someone, body)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await db.RunAsync(someone, "{\"businessDate\": \"nonsense\"}")).StatusCode); // refused before validation

        Assert.Equal(effects, await db.EffectsAsync());
        Assert.Equal(0, effects.Obligations + effects.Cursors + effects.Jobs);
        EngineFingerprint.AssertSame(before, await EngineFingerprint.TakeAsync(db.Cs, db.GroupIds), "refused runs");
    }

    /// Bodies, and the field the problem must name (null: the body as a whole is wrong).
    private static readonly (string Json, string? Field)[] BadBodies =
    [
        ("", null),
        ("{}", "businessDate"),
        ("{\"businessDate\": null}", "businessDate"),
        ("{\"businessDate\": \"2027-13-01\"}", "businessDate"),
        ("{\"businessDate\": \"2026-02-30\"}", "businessDate"),
        ("{\"businessDate\": \"2026-2-10\"}", "businessDate"),
        ("{\"businessDate\": \"10/02/2026\"}", "businessDate"),
        ("{\"businessDate\": \"2026-02-10T00:00:00Z\"}", "businessDate"),
        ("{\"businessDate\": 12345}", "businessDate"),
        ("{\"businessDate\": [\"2026-02-10\"]}", "businessDate"),
        ("{\"businessDate\": \"1999-12-31\"}", "businessDate"),
        // The clock says 10 February: the 11th is the latest date (the earliest time zones), the 12th is too early.
        ("{\"businessDate\": \"2026-02-12\"}", "businessDate"),
        ("{\"businessDate\": \"9999-12-31\"}", "businessDate"),
        ("not json", null),
        ("[]", null),
    ];

    [Fact]
    public async Task Bad_bodies_are_400_problems_and_run_nothing()
    {
        db.MoveTo(new DateOnly(2026, 2, 10));
        var before = await EngineFingerprint.TakeAsync(db.Cs, db.GroupIds);
        var effects = await db.EffectsAsync();
        foreach (var (json, field) in BadBodies)
        {
            var response = await db.RunAsync(db.Operator, json);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{json}: {(int)response.StatusCode} {text} {db.App.Logs.Errors()}");
            Assert.True(response.Content.Headers.ContentType?.MediaType == "application/problem+json", $"{json}: {response.Content.Headers.ContentType} {text}");
            var problem = JsonDocument.Parse(text).RootElement;
            Assert.Equal(400, problem.GetProperty("status").GetInt32());
            if (field is not null)
                Assert.True(problem.TryGetProperty("errors", out var errors) && errors.TryGetProperty(field, out _), $"{json}: expected errors.{field} in {text}");
        }
        Assert.Equal(effects, await db.EffectsAsync());
        EngineFingerprint.AssertSame(before, await EngineFingerprint.TakeAsync(db.Cs, db.GroupIds), "bad bodies");
    }

    [Fact]
    public async Task The_engine_command_refuses_bad_arguments_with_exit_code_2_and_runs_nothing()
    {
        var before = await EngineFingerprint.TakeAsync(db.Cs, db.GroupIds);
        var effects = await db.EffectsAsync();
        var afterTomorrow = EngineAdminDatabase.Iso(DateOnly.FromDateTime(DateTime.UtcNow).AddDays(3)); // safely after tomorrow, even at midnight
        string[][] cases =
        [
            [],
            ["--date"],
            ["--date", "2027-13-01"],
            ["--date", "2026-2-10"],
            ["--date", "not-a-date"],
            ["--date", afterTomorrow],
            ["--group", db.Groups[0].GroupId.ToString()],
            ["--date", "2026-02-10", "--group", "not-a-guid"],
            ["--date", "2026-02-10", "--frobnicate"],
        ];
        var results = await Task.WhenAll(cases.Select(args => EngineProcess.RunAsync(db.Cs, args)));
        for (var i = 0; i < cases.Length; i++)
        {
            var (code, stdout, stderr, _) = results[i];
            Assert.True(code == 2, $"engine {string.Join(' ', cases[i])}: exit {code}\n{stdout}\n{stderr}");
            Assert.False(string.IsNullOrWhiteSpace(stderr), $"engine {string.Join(' ', cases[i])}: says nothing on stderr");
        }
        Assert.Equal(effects, await db.EffectsAsync());
        EngineFingerprint.AssertSame(before, await EngineFingerprint.TakeAsync(db.Cs, db.GroupIds), "refused commands");
    }
}
