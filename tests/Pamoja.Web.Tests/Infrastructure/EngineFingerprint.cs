using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Pamoja.Web.Features.Accounts;
using Pamoja.Web.Features.Ledger;

namespace Pamoja.Web.Tests.Infrastructure;

/// What the daily engines made of a set of groups, as text that two databases (or two sets of
/// groups in one database) can be compared by: every generated id is replaced by a position
/// (the group's index in the set, a member's index in creation order, an entry's seq) and no
/// timestamp is kept. Two sets built the same way and run the same way must print the same.
public static partial class EngineFingerprint
{
    /// One line per fact, grouped by group; lines within a group are in a canonical order.
    public static async Task<string> TakeAsync(string connectionString, IReadOnlyList<Guid> groups)
    {
        var text = new StringBuilder();
        for (var g = 0; g < groups.Count; g++)
            await AppendGroupAsync(text, connectionString, groups, g);
        return text.ToString();
    }

    private static async Task AppendGroupAsync(StringBuilder text, string cs, IReadOnlyList<Guid> groups, int index)
    {
        var groupId = groups[index];
        var ids = new Dictionary<Guid, string>();
        for (var i = 0; i < groups.Count; i++) ids[groups[i]] = $"g{i}";
        var phones = new Dictionary<string, string>(StringComparer.Ordinal);

        var group = await LedgerData.RowsAsync(cs, "SELECT kind, currency, payout_policy FROM groups WHERE id = $1", groupId);
        Assert.True(group.Count == 1, $"group {groupId} is not in the database");
        var prefix = $"g{index}";
        var lines = new List<string> { $"{prefix} group kind={group[0][0]} currency={group[0][1]} payoutPolicy={group[0][2]}" };

        // Members in creation order (the scenarios below create them one clock-second apart).
        var members = await LedgerData.RowsAsync(cs, "SELECT id, phone, role, status FROM group_members WHERE group_id = $1 ORDER BY created_at, id", groupId);
        for (var i = 0; i < members.Count; i++)
        {
            ids[(Guid)members[i][0]!] = $"m{i}";
            phones[(string)members[i][1]!] = $"m{i}";
            lines.Add($"{prefix} member m{i} role={members[i][2]} status={members[i][3]}");
        }
        string Id(object? id) => id is null ? "-" : ids.TryGetValue((Guid)id, out var name) ? name : "?" + id;
        string Normalize(string? s) => s is null ? "-" : GuidPattern().Replace(s, m => ids.TryGetValue(Guid.Parse(m.Value), out var name) ? name : "?");

        // Journal entries by seq; their ids become "#seq" wherever other rows refer to them.
        var entries = await LedgerData.RowsAsync(cs, """
            SELECT id, seq, kind, effective_on, memo, reverses_entry_id FROM journal_entries WHERE group_id = $1 ORDER BY seq
            """, groupId);
        foreach (var e in entries) ids[(Guid)e[0]!] = "#" + e[1];
        var entryLines = (await LedgerData.RowsAsync(cs, """
                SELECT l.entry_id, l.account, l.amount FROM journal_lines l WHERE l.group_id = $1
                """, groupId))
            .GroupBy(r => (Guid)r[0]!)
            // Within an entry the lines are sorted, so an order that follows member ids (which
            // differ between two sets) does not count as a difference; the amounts do.
            .ToDictionary(x => x.Key, x => x.Select(r => $"{Normalize((string)r[1]!)} {r[2]}").Order(StringComparer.Ordinal).ToList());
        foreach (var e in entries)
            lines.Add($"{prefix} entry #{e[1]} {e[2]} on={Date(e[3])} memo={Normalize(e[4] as string)} reverses={Id(e[5])} lines=[{string.Join(", ", entryLines.GetValueOrDefault((Guid)e[0]!) ?? [])}]");

        var cursor = await LedgerData.ScalarAsync(cs, "SELECT done_through FROM engine_cursors WHERE group_id = $1", groupId);
        lines.Add($"{prefix} cursor doneThrough={(cursor is null ? "-" : Date(cursor))}");

        foreach (var r in await LedgerData.RowsAsync(cs, """
            SELECT cycle, first_period, method, seed IS NOT NULL, drawn_at IS NOT NULL FROM rotation_cycles WHERE group_id = $1 ORDER BY cycle
            """, groupId))
            lines.Add($"{prefix} cycle {r[0]} firstPeriod={r[1]} method={r[2]} seed={r[3]} drawn={r[4]}");

        lines.AddRange(Sorted(await LedgerData.RowsAsync(cs, "SELECT cycle, member_id, period, discount FROM rotation_turns WHERE group_id = $1", groupId),
            r => $"{prefix} turn cycle={r[0]} member={Id(r[1])} period={r[2] ?? "-"} discount={r[3]}"));
        lines.AddRange(Sorted(await LedgerData.RowsAsync(cs, "SELECT period, member_id, amount, due_on FROM obligations WHERE group_id = $1", groupId),
            r => $"{prefix} obligation period={r[0]:D4} member={Id(r[1])} amount={r[2]} due={Date(r[3])}"));
        lines.AddRange(Sorted(await LedgerData.RowsAsync(cs, "SELECT period, member_id, amount, entry_id FROM late_fines WHERE group_id = $1", groupId),
            r => $"{prefix} fine period={r[0]:D4} member={Id(r[1])} amount={r[2]} entry={Id(r[3])}"));
        lines.AddRange(Sorted(await LedgerData.RowsAsync(cs, """
                SELECT period, cycle, member_id, amount, discount, currency, status, reserve_entry_id, settle_entry_id FROM payouts WHERE group_id = $1
                """, groupId),
            r => $"{prefix} payout period={r[0]:D4} cycle={r[1]} member={Id(r[2])} amount={r[3]} discount={r[4]} {r[5]} {r[6]} reserve={Id(r[7])} settle={Id(r[8])}"));
        lines.AddRange(Sorted(await LedgerData.RowsAsync(cs, """
                SELECT dedupe_key, recipient, template, params::text, channel FROM notification_outbox WHERE dedupe_key LIKE 'reminder:' || $1::text || ':%'
                """, groupId),
            r => $"{prefix} reminder {Normalize((string)r[0]!)} to={phones.GetValueOrDefault((string)r[1]!, "?")} {r[4]} {r[2]} values={r[3] ?? "-"}"));
        foreach (var line in lines) text.AppendLine(line);
    }

    private static IEnumerable<string> Sorted(IEnumerable<object?[]> rows, Func<object?[], string> line) =>
        rows.Select(line).Order(StringComparer.Ordinal);

    private static string Date(object? value) => value switch
    {
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTime t => t.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        null => "-",
        _ => value.ToString()!,
    };

    [GeneratedRegex("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")]
    private static partial Regex GuidPattern();

    /// Equal fingerprints, or a failure that lists the lines only one side has.
    public static void AssertSame(string expected, string actual, string context)
    {
        if (expected == actual) return;
        var a = expected.Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
        var b = actual.Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
        var onlyA = a.Except(b).Take(40).ToList();
        var onlyB = b.Except(a).Take(40).ToList();
        var firstDiff = Enumerable.Range(0, Math.Min(a.Count, b.Count)).FirstOrDefault(i => a[i] != b[i], Math.Min(a.Count, b.Count));
        Assert.Fail($"""
            {context}: the engine-made state differs ({a.Count} lines expected, {b.Count} actual; first difference at line {firstDiff + 1}).
            Only in expected:
              {string.Join("\n  ", onlyA)}
            Only in actual:
              {string.Join("\n  ", onlyB)}
            Expected at {firstDiff + 1}: {(firstDiff < a.Count ? a[firstDiff] : "(end)")}
            Actual at   {firstDiff + 1}: {(firstDiff < b.Count ? b[firstDiff] : "(end)")}
            """);
    }

    /// Every group's journal verifies (the app's VerifyLedger: chain, hashes, balances), every
    /// entry balances and each group's lines sum to zero.
    public static async Task AssertLedgersAsync(PamojaFactory app, string connectionString, IEnumerable<Guid> groups, string context)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var verify = scope.ServiceProvider.GetRequiredService<VerifyLedger>();
        foreach (var groupId in groups)
        {
            var result = await verify.VerifyAsync(groupId, CancellationToken.None);
            Assert.True(result.Valid, $"{context}: the journal of group {groupId} does not verify: {result.FirstInvalid}");
            Assert.True(await LedgerData.CountAsync(connectionString, "SELECT coalesce(sum(amount), 0) FROM journal_lines WHERE group_id = $1", groupId) == 0,
                $"{context}: the lines of group {groupId} do not sum to zero");
            Assert.True(await LedgerData.CountAsync(connectionString, """
                SELECT count(*) FROM (SELECT entry_id FROM journal_lines WHERE group_id = $1 GROUP BY entry_id HAVING sum(amount) <> 0) x
                """, groupId) == 0, $"{context}: group {groupId} has an unbalanced entry");
        }
    }

    /// The engine cursors of the groups, for progress reports ("2026-03-31,-,2026-03-31").
    public static async Task<string> CursorsAsync(string connectionString, IReadOnlyList<Guid> groups)
    {
        var rows = await LedgerData.RowsAsync(connectionString, "SELECT group_id, done_through FROM engine_cursors WHERE group_id = ANY($1)", groups.ToArray());
        var map = rows.ToDictionary(r => (Guid)r[0]!, r => Date(r[1]));
        return string.Join(",", groups.Select(g => map.GetValueOrDefault(g, "-")));
    }
}

/// The people of the engine scenarios: a chair and three members, each with an account, who
/// belong to every group of a scenario (one account can be in many groups).
public sealed record EnginePeople(HttpClient Chair, string ChairPhone, IReadOnlyList<(HttpClient Client, string Phone)> Members)
{
    public static async Task<EnginePeople> CreateAsync(PamojaFactory app)
    {
        var chair = app.ApiClient();
        var chairPhone = await TestData.SignedInAsync(chair);
        var members = new List<(HttpClient, string)>();
        for (var i = 0; i < 3; i++)
        {
            var client = app.ApiClient();
            members.Add((client, await TestData.SignedInAsync(client)));
        }
        return new EnginePeople(chair, chairPhone, members);
    }
}

/// One group of a scenario: the group, and its members in creation order (index 0 is the chair).
public sealed record EngineGroup(Guid GroupId, string Name, IReadOnlyList<Guid> Members);

/// Three groups that give the engines plenty to do between their start and late August 2026,
/// made through the API on a clock stopped at 2026-01-05 (moved one second per step, so
/// members and entries are ordered by creation, as in real life) and paid for up front:
///  g0: a net-pot stokvel (ZAR 100 a month, flat fine R5 after 3 days), member 3 falls behind
///      in period 2, so its later pots are never complete;
///  g1: a gross-pot ajo (KES 50 a month, 2.5 % fine after 2 days, pays the recipient on the due
///      date with whatever was collected), member 3 never pays and member 2 stops after four months;
///  g2: a savings chama (ASCA, KES 200 a month, flat fine KES 10 after 5 days), member 2 short.
/// All start on 2026-02-01; obligations open three days before each 1st.
public static class EngineScenario
{
    public static readonly DateTimeOffset CreatedAt = new(2026, 1, 5, 8, 0, 0, TimeSpan.Zero);
    public static readonly DateOnly StartsOn = new(2026, 2, 1);

    private sealed record Spec(string Name, object Body, string? PayoutPolicy, long[] Paid);

    private static IReadOnlyList<Spec> Specs() =>
    [
        new("Engine Net Stokvel", new
        {
            name = "Engine Net Stokvel", kind = "rosca", currency = "ZAR", contribution = new { amount = 10_000, frequency = "monthly" },
            startsOn = "2026-02-01", maxMembers = 10, rotation = new { order = "fixed", pot = "net" }, registrationFee = 0,
            lateFine = new { amount = 500, graceDays = 3 },
        }, null, [60_000, 60_000, 60_000, 25_000]),
        new("Engine Gross Ajo", new
        {
            name = "Engine Gross Ajo", kind = "rosca", currency = "KES", contribution = new { amount = 5_000, frequency = "monthly" },
            startsOn = "2026-02-01", maxMembers = 10, rotation = new { order = "fixed", pot = "gross" }, registrationFee = 0,
            lateFine = new { percent = 2.5m, graceDays = 2 },
        }, "due_date", [40_000, 40_000, 20_000, 0]),
        new("Engine Savings Chama", new
        {
            name = "Engine Savings Chama", kind = "asca", currency = "KES", contribution = new { amount = 20_000, frequency = "monthly" },
            startsOn = "2026-02-01", maxMembers = 10, registrationFee = 0, lateFine = new { amount = 1_000, graceDays = 5 },
        }, null, [160_000, 160_000, 90_000, 160_000]),
    ];

    public static int GroupCount => Specs().Count;

    /// App settings for the scenarios: the same four accounts join many groups, more than the
    /// default three invitations a phone may get in a day.
    public static Dictionary<string, string?> Settings(params (string Key, string Value)[] more)
    {
        var settings = new Dictionary<string, string?> { ["RateLimits:InvitationsPerPhonePerDay"] = "1000" };
        foreach (var (key, value) in more) settings[key] = value;
        return settings;
    }

    /// Sets the clock to the scenario's day (never backwards: ids made on a later second must
    /// not sort before earlier ones), then builds the three groups.
    public static async Task<IReadOnlyList<EngineGroup>> CreateAsync(PamojaFactory app, TestClock clock, EnginePeople people)
    {
        if (clock.GetUtcNow() < CreatedAt) clock.Advance(CreatedAt - clock.GetUtcNow());
        Assert.True(DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime) == DateOnly.FromDateTime(CreatedAt.UtcDateTime),
            $"the scenario is built on {CreatedAt:yyyy-MM-dd}; the clock is at {clock.GetUtcNow():O}");
        var groups = new List<EngineGroup>();
        foreach (var spec in Specs())
        {
            clock.Advance(TimeSpan.FromSeconds(1));
            var groupId = await GroupData.CreateAsync(people.Chair, spec.Body);
            var members = new List<Guid> { await GroupData.MyMemberIdAsync(people.Chair, groupId) };
            foreach (var (client, phone) in people.Members)
            {
                clock.Advance(TimeSpan.FromSeconds(1));
                var added = await people.Chair.PostAsJsonAsync($"/api/v1/groups/{groupId}/members", new { phone });
                Assert.True(added.StatusCode == HttpStatusCode.Created, await added.Content.ReadAsStringAsync());
                var memberId = (await added.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("memberId").GetGuid();
                Assert.Equal(memberId, await GroupData.AcceptInvitationAsync(client, phone));
                members.Add(memberId);
            }
            if (spec.PayoutPolicy is { } policy)
            {
                var put = await people.Chair.PutAsJsonAsync($"/api/v1/groups/{groupId}/rotation/settings", new { payoutPolicy = policy });
                Assert.True(put.IsSuccessStatusCode, $"{(int)put.StatusCode} {await put.Content.ReadAsStringAsync()}");
            }
            var g = new LedgerGroup(app, people.Chair, groupId, members[0], TestDatabase.ConnectionString);
            for (var i = 0; i < members.Count; i++)
            {
                if (spec.Paid[i] == 0) continue;
                clock.Advance(TimeSpan.FromSeconds(1));
                var paid = await g.ContributeAsync(members[i], spec.Paid[i], key: Guid.NewGuid().ToString());
                Assert.True(paid.StatusCode == HttpStatusCode.Created, $"{(int)paid.StatusCode} {await paid.Content.ReadAsStringAsync()} {app.Logs.Errors()}");
            }
            groups.Add(new EngineGroup(groupId, spec.Name, members));
        }
        return groups;
    }
}

/// `dotnet Pamoja.Web.dll engine …` as a child process on the real clock, as ./pamoja and cron run it.
public static class EngineProcess
{
    public static ProcessStartInfo StartInfo(string connectionString, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet", [typeof(Program).Assembly.Location, "engine", .. args])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            Environment =
            {
                ["PAMOJA_DATABASE_URL"] = connectionString,
                ["PAMOJA_SANDBOX_URL"] = "",
                // Only warnings and errors: the summary line is printed either way.
                ["Logging__LogLevel__Default"] = "Warning",
                // Short leases: a run killed while holding jobs leaves them to the next run
                // within seconds instead of the production default's five minutes.
                ["Jobs__LeaseSeconds"] = "10",
            },
        };
        return start;
    }

    public static string[] Args(DateOnly date, IEnumerable<Guid> groups) =>
        ["--date", date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), .. groups.SelectMany(g => new[] { "--group", g.ToString() })];

    /// Runs to the end (at most a minute): exit code, stdout, stderr, how long it took. A run the
    /// database server turned away (53300: every connection slot taken, by whatever else runs
    /// on the test server) is tried again, up to three times.
    public static async Task<(int ExitCode, string Stdout, string Stderr, TimeSpan Took)> RunAsync(string connectionString, params string[] args)
    {
        for (var attempt = 1; ; attempt++)
        {
            var result = await RunOnceAsync(connectionString, args);
            if (result.ExitCode == 0 || attempt == 3 || !TurnedAway(result.Stderr)) return result;
            await Task.Delay(TimeSpan.FromSeconds(attempt));
        }
    }

    /// The server had no connection slot left for the process (not the engine's doing).
    public static bool TurnedAway(string stderr) => stderr.Contains("53300", StringComparison.Ordinal);

    private static async Task<(int ExitCode, string Stdout, string Stderr, TimeSpan Took)> RunOnceAsync(string connectionString, string[] args)
    {
        var watch = Stopwatch.StartNew();
        using var process = Process.Start(StartInfo(connectionString, args))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"engine {string.Join(' ', args)} did not exit within 60 s");
        }
        return (process.ExitCode, await stdout, await stderr, watch.Elapsed);
    }
}
