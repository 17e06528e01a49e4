using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Npgsql;
using Pamoja.Web.Tests.Infrastructure;

namespace Pamoja.Web.Tests.Features.Groups;

/// PUT /api/v1/groups/{id}/settings: chair only; kind and currency fixed; optimistic revision;
/// money rules versioned (from the start before money moves, from the next period after).
public sealed class GroupSettingsTests : IAsyncLifetime
{
    private PamojaFactory _app = null!;
    public async Task InitializeAsync() => _app = await PamojaFactory.SharedAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<(HttpClient Chair, Guid GroupId, JsonObject Body)> GroupAsync(string startsOn = "2027-01-01", string name = "Settings Stokvel")
    {
        var chair = _app.ApiClient();
        await TestData.SignedInAsync(chair);
        var body = GroupData.Json(GroupData.Stokvel(name)).With("startsOn", $"\"{startsOn}\"");
        var groupId = await GroupData.CreateAsync(chair, body);
        return (chair, groupId, body);
    }

    private static Task<HttpResponseMessage> PutAsync(HttpClient client, Guid groupId, JsonObject body) =>
        client.PutJsonAsync($"/api/v1/groups/{groupId}/settings", body);

    private async Task<JsonElement> OkAsync(HttpResponseMessage response)
    {
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode} {await response.Content.ReadAsStringAsync()} {_app.Logs.Errors()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static JsonObject Copy(JsonObject body) => JsonNode.Parse(body.ToJsonString())!.AsObject();

    private static Task<long> AuditCountAsync(Guid groupId, string action) =>
        GroupData.CountAsync("SELECT count(*) FROM audit_log WHERE group_id = $1 AND action = $2", groupId, action);

    private static Task SetMoneyStartedAsync(Guid groupId, string date) =>
        GroupData.ExecuteAsync("UPDATE groups SET money_started_on = $2 WHERE id = $1", groupId, DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture));

    [Theory]
    [InlineData("treasurer")]
    [InlineData("secretary")]
    [InlineData("member")]
    public async Task Only_the_chair_changes_settings(string role)
    {
        var (chair, groupId, body) = await GroupAsync();
        var (_, other, _) = await GroupData.AddActiveAsync(_app, chair, groupId, role);
        var before = await GroupData.RowCountsAsync(groupId);

        var response = await PutAsync(other, groupId, Copy(body).With("name", "\"Taken Over\""));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(403, (await TestData.ProblemAsync(response)).GetProperty("status").GetInt32());
        Assert.Equal(before, await GroupData.RowCountsAsync(groupId));
        Assert.Equal("Settings Stokvel", (await GroupData.GetAsync(chair, groupId)).GetProperty("name").GetString());
    }

    [Fact]
    public async Task Non_money_changes_bump_the_revision_without_a_rules_version()
    {
        var (chair, groupId, body) = await GroupAsync();
        var changed = Copy(body).With("name", "\"Umoja Renamed\"").With("meeting", "{\"day\":\"sunday\",\"time\":\"09:30\",\"location\":\"Church hall\"}")
            .With("rules", "\"New rules text\"").With("maxMembers", "12").With("revision", "1");

        var view = await OkAsync(await PutAsync(chair, groupId, changed));
        Assert.Equal("Umoja Renamed", view.GetProperty("name").GetString());
        Assert.Equal("sunday", view.GetProperty("meeting").GetProperty("day").GetString());
        Assert.Equal("09:30", view.GetProperty("meeting").GetProperty("time").GetString());
        Assert.Equal("Church hall", view.GetProperty("meeting").GetProperty("location").GetString());
        Assert.Equal("New rules text", view.GetProperty("rules").GetString());
        Assert.Equal(12, view.GetProperty("maxMembers").GetInt32());
        Assert.Equal(2, view.GetProperty("revision").GetInt32());
        Assert.Equal(1, view.GetProperty("rulesHistory").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, view.GetProperty("upcomingRules").ValueKind);

        var got = await GroupData.GetAsync(chair, groupId);
        Assert.Equal("Umoja Renamed", got.GetProperty("name").GetString());
        Assert.Equal(1, await GroupData.CountAsync("SELECT count(*) FROM group_rules WHERE group_id = $1", groupId));
        Assert.Equal(1, await AuditCountAsync(groupId, "group.settings_changed"));
        Assert.Equal(0, await AuditCountAsync(groupId, "group.rules_changed"));
    }

    [Fact]
    public async Task Kind_and_currency_cannot_change()
    {
        var (chair, groupId, body) = await GroupAsync();
        var before = await GroupData.RowCountsAsync(groupId);

        var kind = await PutAsync(chair, groupId, Copy(body).With("kind", "\"asca\"").With("rotation", null));
        Assert.Equal(HttpStatusCode.BadRequest, kind.StatusCode);
        Assert.True((await TestData.ProblemAsync(kind)).GetProperty("errors").TryGetProperty("kind", out _));

        var currency = await PutAsync(chair, groupId, Copy(body).With("currency", "\"KES\""));
        Assert.Equal(HttpStatusCode.BadRequest, currency.StatusCode);
        Assert.True((await TestData.ProblemAsync(currency)).GetProperty("errors").TryGetProperty("currency", out _));

        Assert.Equal(before, await GroupData.RowCountsAsync(groupId));
        var view = await GroupData.GetAsync(chair, groupId);
        Assert.Equal("rosca", view.GetProperty("kind").GetString());
        Assert.Equal("ZAR", view.GetProperty("currency").GetString());

        // Leaving them out, or repeating them, is fine.
        await OkAsync(await PutAsync(chair, groupId, Copy(body).With("kind", null).With("currency", null).With("name", "\"Still Rosca\"")));
    }

    [Fact]
    public async Task A_stale_revision_is_a_409_and_changes_nothing()
    {
        var (chair, groupId, body) = await GroupAsync();
        await OkAsync(await PutAsync(chair, groupId, Copy(body).With("name", "\"First Edit\"").With("revision", "1")));
        var before = await GroupData.RowCountsAsync(groupId);

        var stale = await PutAsync(chair, groupId, Copy(body).With("name", "\"Second Edit\"").With("contribution.amount", "999").With("revision", "1"));
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        Assert.Equal(409, (await TestData.ProblemAsync(stale)).GetProperty("status").GetInt32());
        Assert.Equal(before, await GroupData.RowCountsAsync(groupId));
        var view = await GroupData.GetAsync(chair, groupId);
        Assert.Equal("First Edit", view.GetProperty("name").GetString());
        Assert.Equal(2, view.GetProperty("revision").GetInt32());

        var fresh = await OkAsync(await PutAsync(chair, groupId, Copy(body).With("name", "\"Second Edit\"").With("revision", "2")));
        Assert.Equal(3, fresh.GetProperty("revision").GetInt32());
    }

    [Fact]
    public async Task Two_chairs_saving_the_same_revision_at_once_one_wins_and_one_gets_409()
    {
        var (chair, groupId, body) = await GroupAsync(startsOn: "2025-01-01");
        var (_, second, _) = await GroupData.AddActiveAsync(_app, chair, groupId, "chair");

        var results = await Task.WhenAll(
            PutAsync(chair, groupId, Copy(body).With("name", "\"Chair One Wins\"").With("contribution.amount", "160000").With("revision", "1")),
            PutAsync(second, groupId, Copy(body).With("name", "\"Chair Two Wins\"").With("contribution.amount", "170000").With("revision", "1")));

        Assert.True(results.Count(r => r.StatusCode == HttpStatusCode.OK) == 1, string.Join(", ", results.Select(r => (int)r.StatusCode)) + _app.Logs.Errors());
        Assert.Single(results, r => r.StatusCode == HttpStatusCode.Conflict);
        var view = await GroupData.GetAsync(chair, groupId);
        Assert.Equal(2, view.GetProperty("revision").GetInt32());
        Assert.Equal(2, view.GetProperty("rulesHistory").GetArrayLength());
        var winner = view.GetProperty("name").GetString() == "Chair One Wins" ? 160000 : 170000;
        Assert.Equal(winner, view.GetProperty("contribution").GetProperty("amount").GetInt64());
        Assert.Equal(1, await AuditCountAsync(groupId, "group.settings_changed"));
    }

    [Fact]
    public async Task Invalid_settings_are_a_400_and_change_nothing()
    {
        var (chair, groupId, body) = await GroupAsync();
        var before = await GroupData.RowCountsAsync(groupId);
        foreach (var (path, value, field) in new[]
                 {
                     ("contribution.amount", "0", "contribution.amount"), ("maxMembers", "501", "maxMembers"),
                     ("name", "\"A\"", "name"), ("rotation", null, "rotation.order"), ("timeZone", "\"Nowhere/Land\"", "timeZone"),
                     ("lateFine", "{\"amount\":1,\"percent\":1}", "lateFine"), ("contribution.amount", "1.5", "contribution.amount"),
                 })
        {
            var response = await PutAsync(chair, groupId, Copy(body).With(path, value));
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{path}: {response.StatusCode} {_app.Logs.Errors()}");
            Assert.True((await TestData.ProblemAsync(response)).GetProperty("errors").TryGetProperty(field, out _), path);
        }
        Assert.Equal(before, await GroupData.RowCountsAsync(groupId));
    }

    [Fact]
    public async Task Before_money_moves_a_money_rule_change_applies_from_the_start()
    {
        var (chair, groupId, body) = await GroupAsync(startsOn: "2025-03-10");
        var view = await OkAsync(await PutAsync(chair, groupId, Copy(body).With("contribution.amount", "200000").With("revision", "1")));

        Assert.Equal(200000, view.GetProperty("contribution").GetProperty("amount").GetInt64());
        Assert.Equal(JsonValueKind.Null, view.GetProperty("upcomingRules").ValueKind);
        var history = view.GetProperty("rulesHistory");
        Assert.Equal(2, history.GetArrayLength());
        Assert.Equal([1, 2], history.EnumerateArray().Select(v => v.GetProperty("version").GetInt32()));
        Assert.All(history.EnumerateArray(), v => Assert.Equal("2025-03-10", v.GetProperty("effectiveFrom").GetString()));
        Assert.Equal(150000, history[0].GetProperty("contribution").GetProperty("amount").GetInt64());
        Assert.Equal(200000, history[1].GetProperty("contribution").GetProperty("amount").GetInt64());

        Assert.Equal(1, await GroupData.CountAsync(
            "SELECT count(*) FROM group_rules WHERE group_id = $1 AND version = 2 AND effective_from = '2025-03-10' AND contribution_amount = 200000", groupId));
        Assert.Equal(1, await AuditCountAsync(groupId, "group.rules_changed"));
    }

    [Fact]
    public async Task Before_a_future_start_a_money_rule_change_is_what_the_group_shows()
    {
        // The group has not started: the change replaces the rules from day one, so the group's
        // view must show the new amount, not the old one as "current" and the new one as "upcoming".
        var (chair, groupId, body) = await GroupAsync(startsOn: "2027-06-01");
        var view = await OkAsync(await PutAsync(chair, groupId, Copy(body).With("contribution.amount", "175000")));

        Assert.Equal(2, view.GetProperty("rulesHistory").GetArrayLength());
        Assert.Equal("2027-06-01", view.GetProperty("rulesHistory")[1].GetProperty("effectiveFrom").GetString());
        Assert.Equal(175000, view.GetProperty("contribution").GetProperty("amount").GetInt64());
        Assert.Equal(JsonValueKind.Null, view.GetProperty("upcomingRules").ValueKind);
    }

    [Fact]
    public async Task After_money_moves_a_money_rule_change_applies_from_the_next_period()
    {
        // Monthly from 31 January 2025: every period starts on the last day of a month.
        var (chair, groupId, body) = await GroupAsync(startsOn: "2025-01-31");
        await SetMoneyStartedAsync(groupId, "2025-01-31");

        var zone = TimeZoneInfo.FindSystemTimeZoneById("Africa/Johannesburg");
        var todayBefore = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, zone).DateTime);
        var view = await OkAsync(await PutAsync(chair, groupId, Copy(body).With("contribution.amount", "200000").With("lateFine", "{\"percent\":5,\"graceDays\":2}")));
        var todayAfter = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, zone).DateTime);

        static DateOnly EndOfMonth(int year, int month) => new(year, month, DateTime.DaysInMonth(year, month));
        static DateOnly NextEndOfMonthAfter(DateOnly d)
        {
            var end = EndOfMonth(d.Year, d.Month);
            if (d < end) return end;
            var next = d.AddDays(1);
            return EndOfMonth(next.Year, next.Month);
        }
        var expected = new HashSet<string>
        {
            NextEndOfMonthAfter(todayBefore).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            NextEndOfMonthAfter(todayAfter).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        };

        // The period under way keeps its rules; the new ones wait.
        Assert.Equal(150000, view.GetProperty("contribution").GetProperty("amount").GetInt64());
        Assert.Equal(5000, view.GetProperty("lateFine").GetProperty("amount").GetInt64());
        var upcoming = view.GetProperty("upcomingRules");
        Assert.Equal(JsonValueKind.Object, upcoming.ValueKind);
        Assert.Equal(2, upcoming.GetProperty("version").GetInt32());
        Assert.Contains(upcoming.GetProperty("effectiveFrom").GetString()!, expected);
        Assert.Equal(200000, upcoming.GetProperty("contribution").GetProperty("amount").GetInt64());
        Assert.Equal(5m, upcoming.GetProperty("lateFine").GetProperty("percent").GetDecimal());
        Assert.Equal(0, upcoming.GetProperty("lateFine").GetProperty("amount").GetInt64());
        Assert.Equal(2, view.GetProperty("rulesHistory").GetArrayLength());

        var got = await GroupData.GetAsync(chair, groupId);
        Assert.Equal(upcoming.GetProperty("effectiveFrom").GetString(), got.GetProperty("upcomingRules").GetProperty("effectiveFrom").GetString());
        Assert.Equal(150000, got.GetProperty("contribution").GetProperty("amount").GetInt64());

        var effective = (DateOnly)(await GroupData.ScalarAsync("SELECT effective_from FROM group_rules WHERE group_id = $1 AND version = 2", groupId))!;
        Assert.Contains(effective.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), expected);
        Assert.Equal("2025-01-31", ((DateOnly)(await GroupData.ScalarAsync("SELECT effective_from FROM group_rules WHERE group_id = $1 AND version = 1", groupId))!)
            .ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));

        var audit = (await GroupData.AuditAsync(chair, groupId)).EnumerateArray().Single(a => a.GetProperty("action").GetString() == "group.rules_changed");
        Assert.Equal(upcoming.GetProperty("effectiveFrom").GetString(), audit.GetProperty("after").GetProperty("effectiveFrom").GetString());
        Assert.Equal(150000, audit.GetProperty("before").GetProperty("contribution").GetProperty("amount").GetInt64());
        Assert.Equal(200000, audit.GetProperty("after").GetProperty("rules").GetProperty("contribution").GetProperty("amount").GetInt64());
    }

    [Fact]
    public async Task After_money_moves_the_start_date_and_time_zone_are_fixed()
    {
        var (chair, groupId, body) = await GroupAsync(startsOn: "2025-01-31");
        // Before money moves both may change.
        await OkAsync(await PutAsync(chair, groupId, Copy(body).With("startsOn", "\"2025-02-01\"").With("timeZone", "\"Africa/Johannesburg\"")));
        body = Copy(body).With("startsOn", "\"2025-02-01\"");
        await SetMoneyStartedAsync(groupId, "2025-02-01");
        var before = await GroupData.RowCountsAsync(groupId);

        var start = await PutAsync(chair, groupId, Copy(body).With("startsOn", "\"2025-03-01\""));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, start.StatusCode);
        Assert.Equal(422, (await TestData.ProblemAsync(start)).GetProperty("status").GetInt32());
        var zone = await PutAsync(chair, groupId, Copy(body).With("timeZone", "\"Africa/Nairobi\""));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, zone.StatusCode);

        Assert.Equal(before, await GroupData.RowCountsAsync(groupId));
        var view = await GroupData.GetAsync(chair, groupId);
        Assert.Equal("2025-02-01", view.GetProperty("startsOn").GetString());
        Assert.Equal("Africa/Johannesburg", view.GetProperty("timeZone").GetString());

        // Everything else still changes.
        Assert.Equal("Later Name", (await OkAsync(await PutAsync(chair, groupId, Copy(body).With("name", "\"Later Name\"")))).GetProperty("name").GetString());
    }

    [Fact]
    public async Task The_member_limit_cannot_go_below_the_members_and_invitations()
    {
        var (chair, groupId, body) = await GroupAsync();
        await GroupData.AddActiveAsync(_app, chair, groupId);
        await GroupData.InviteAsync(chair, groupId, TestData.Phone());
        var before = await GroupData.RowCountsAsync(groupId);

        var tooLow = await PutAsync(chair, groupId, Copy(body).With("maxMembers", "2"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, tooLow.StatusCode);
        Assert.Equal(before, await GroupData.RowCountsAsync(groupId));
        Assert.Equal(10, (await GroupData.GetAsync(chair, groupId)).GetProperty("maxMembers").GetInt32());

        Assert.Equal(3, (await OkAsync(await PutAsync(chair, groupId, Copy(body).With("maxMembers", "3")))).GetProperty("maxMembers").GetInt32());
    }

    [Fact]
    public async Task The_rules_history_is_append_only_in_the_database()
    {
        var (_, groupId, _) = await GroupAsync();
        await using var db = new NpgsqlConnection(TestDatabase.ConnectionString);
        await db.OpenAsync();
        foreach (var sql in new[]
                 {
                     "UPDATE group_rules SET contribution_amount = 1 WHERE group_id = $1",
                     "UPDATE group_rules SET effective_from = '2020-01-01' WHERE group_id = $1",
                     "DELETE FROM group_rules WHERE group_id = $1",
                 })
        {
            await using var cmd = new NpgsqlCommand(sql, db) { Parameters = { new() { Value = groupId } } };
            var refused = await Assert.ThrowsAsync<PostgresException>(() => cmd.ExecuteNonQueryAsync());
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
        }
        Assert.Equal(1, await GroupData.CountAsync("SELECT count(*) FROM group_rules WHERE group_id = $1 AND contribution_amount = 150000", groupId));
    }

    [Fact]
    public async Task The_rules_history_cannot_be_truncated()
    {
        await using var db = new NpgsqlConnection(TestDatabase.ConnectionString);
        await db.OpenAsync();
        // Inside a transaction that is rolled back either way, with a short lock wait: if the
        // database allowed it, nothing would be lost.
        await using var tx = await db.BeginTransactionAsync();
        await using (var timeout = new NpgsqlCommand("SET LOCAL lock_timeout = '5s'", db, tx))
            await timeout.ExecuteNonQueryAsync();
        await using var cmd = new NpgsqlCommand("TRUNCATE group_rules", db, tx);
        var refused = await Record.ExceptionAsync(() => cmd.ExecuteNonQueryAsync());
        await tx.RollbackAsync();
        var postgres = Assert.IsType<PostgresException>(refused);
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, postgres.SqlState);
    }
}
