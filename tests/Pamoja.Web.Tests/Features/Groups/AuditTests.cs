using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using Pamoja.Web.Tests.Infrastructure;

namespace Pamoja.Web.Tests.Features.Groups;

/// GET /api/v1/groups/{id}/audit: every change in a group, who made it, and the state before and
/// after; append-only in the database.
public sealed class AuditTests : IAsyncLifetime
{
    private PamojaFactory _app = null!;
    public async Task InitializeAsync() => _app = await PamojaFactory.SharedAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<(HttpClient Client, Guid UserId, string Phone)> PersonAsync()
    {
        var client = _app.ApiClient();
        var phone = await TestData.SignedInAsync(client);
        return (client, await GroupData.MyIdAsync(client), phone);
    }

    private async Task NoContentAsync(HttpResponseMessage response) =>
        Assert.True(response.StatusCode == HttpStatusCode.NoContent, $"{response.StatusCode} {await response.Content.ReadAsStringAsync()} {_app.Logs.Errors()}");

    private static JsonElement Only(JsonElement audit, string action, Guid? entityId = null)
    {
        var matches = audit.EnumerateArray().Where(a => a.GetProperty("action").GetString() == action &&
            (entityId is null || a.GetProperty("entityId").GetString() == entityId.ToString())).ToList();
        Assert.True(matches.Count == 1, $"expected one {action}{(entityId is null ? "" : " for " + entityId)}, found {matches.Count} in {audit}");
        return matches[0];
    }

    private static void AssertActor(JsonElement entry, Guid actor) => Assert.Equal(actor, entry.GetProperty("actorUserId").GetGuid());

    private static string? Str(JsonElement e, string property) => e.GetProperty(property).ValueKind == JsonValueKind.Null ? null : e.GetProperty(property).GetString();

    [Fact]
    public async Task Every_change_in_a_group_is_recorded_with_actor_and_before_and_after()
    {
        var (chair, chairId, chairPhone) = await PersonAsync();
        var name = "Audit Group " + Guid.NewGuid().ToString("N")[..8];
        var started = DateTimeOffset.UtcNow.AddMinutes(-1);
        var body = GroupData.Json(GroupData.Stokvel(name)).With("startsOn", "\"2025-06-01\"");
        var groupId = await GroupData.CreateAsync(chair, body);
        var chairMemberId = await GroupData.MyMemberIdAsync(chair, groupId);

        // Someone with an account invited and accepting signed in; someone without one invited,
        // accepting with a new account.
        var (addedClient, addedUserId, addedPhone) = await PersonAsync();
        var addedResponse = await chair.PostAsJsonAsync($"/api/v1/groups/{groupId}/members", new { phone = addedPhone });
        Assert.Equal(HttpStatusCode.Created, addedResponse.StatusCode);
        var addedMemberId = (await addedResponse.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("memberId").GetGuid();
        Assert.Equal(addedMemberId, await GroupData.AcceptInvitationAsync(addedClient, addedPhone));
        var invitedPhone = TestData.Phone();
        var invitedMemberId = await GroupData.InviteAsync(chair, groupId, invitedPhone, "Invited Person");
        var token = await GroupData.InvitationTokenAsync(invitedPhone, name);
        var accept = await _app.ApiClient().PostAsJsonAsync("/api/v1/invitations/accept", new { token, fullName = "Invited Person", password = "accepting passphrase 77" });
        Assert.Equal(HttpStatusCode.Created, accept.StatusCode);
        var invitedUserId = (await accept.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("userId").GetGuid();

        // Join requests: one approved, one rejected.
        var code = (await GroupData.GetAsync(chair, groupId)).GetProperty("inviteCode").GetString()!;
        var (approvedClient, approvedUserId, _) = await PersonAsync();
        var approvedMemberId = await GroupData.RequestToJoinAsync(approvedClient, code);
        var (rejectedClient, rejectedUserId, _) = await PersonAsync();
        var rejectedMemberId = await GroupData.RequestToJoinAsync(rejectedClient, code);
        await NoContentAsync(await GroupData.StatusAsync(chair, groupId, approvedMemberId, "approve"));
        await NoContentAsync(await GroupData.StatusAsync(chair, groupId, rejectedMemberId, "reject", new { reason = "Unknown to us" }));

        // Suspend, reactivate, remove, leave, role change.
        await NoContentAsync(await GroupData.StatusAsync(chair, groupId, addedMemberId, "suspend", new { reason = "Missed three meetings" }));
        await NoContentAsync(await GroupData.StatusAsync(chair, groupId, addedMemberId, "reactivate"));
        await NoContentAsync(await GroupData.StatusAsync(chair, groupId, addedMemberId, "remove"));
        await NoContentAsync(await approvedClient.PostAsJsonAsync($"/api/v1/groups/{groupId}/leave", new { }));
        await NoContentAsync(await GroupData.RoleAsync(chair, groupId, invitedMemberId, "treasurer"));

        // Settings: a name change and a money-rule change.
        var settings = await chair.PutJsonAsync($"/api/v1/groups/{groupId}/settings", body.With("name", "\"Audit Group Renamed\"").With("contribution.amount", "175000"));
        Assert.True(settings.StatusCode == HttpStatusCode.OK, await settings.Content.ReadAsStringAsync());

        var audit = await GroupData.AuditAsync(chair, groupId);
        Assert.All(audit.EnumerateArray(), a =>
        {
            Assert.True(a.GetProperty("at").GetDateTimeOffset() > started);
            Assert.NotEqual(Guid.Empty, a.GetProperty("id").GetGuid());
        });

        var created = Only(audit, "group.created");
        AssertActor(created, chairId);
        Assert.Equal("Test Member", created.GetProperty("actorName").GetString());
        Assert.Equal("group", created.GetProperty("entityType").GetString());
        Assert.Equal(groupId.ToString(), created.GetProperty("entityId").GetString());
        Assert.Equal(JsonValueKind.Null, created.GetProperty("before").ValueKind);
        Assert.Equal(name, created.GetProperty("after").GetProperty("name").GetString());
        Assert.Equal("rosca", created.GetProperty("after").GetProperty("kind").GetString());
        Assert.Equal(150000, created.GetProperty("after").GetProperty("money").GetProperty("contribution").GetProperty("amount").GetInt64());

        var chairAdded = Only(audit, "member.added", chairMemberId);
        AssertActor(chairAdded, chairId);
        Assert.Equal("chair", chairAdded.GetProperty("after").GetProperty("role").GetString());
        Assert.Equal(chairPhone, chairAdded.GetProperty("after").GetProperty("phone").GetString());

        var memberAdded = Only(audit, "member.invited", addedMemberId);
        AssertActor(memberAdded, chairId);
        Assert.Equal("member", memberAdded.GetProperty("entityType").GetString());
        Assert.Equal(JsonValueKind.Null, memberAdded.GetProperty("before").ValueKind);
        Assert.Equal("invited", memberAdded.GetProperty("after").GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, memberAdded.GetProperty("after").GetProperty("userId").ValueKind); // who has an account is not told
        var addedAccepted = Only(audit, "member.invitation_accepted", addedMemberId);
        AssertActor(addedAccepted, addedUserId);
        Assert.Equal(addedUserId, addedAccepted.GetProperty("after").GetProperty("userId").GetGuid());

        var invited = Only(audit, "member.invited", invitedMemberId);
        AssertActor(invited, chairId);
        Assert.Equal(JsonValueKind.Null, invited.GetProperty("before").ValueKind);
        Assert.Equal("invited", invited.GetProperty("after").GetProperty("status").GetString());
        Assert.Equal(invitedPhone, invited.GetProperty("after").GetProperty("phone").GetString());
        Assert.Equal(JsonValueKind.Null, invited.GetProperty("after").GetProperty("userId").ValueKind);

        var accepted = Only(audit, "member.invitation_accepted", invitedMemberId);
        AssertActor(accepted, invitedUserId);
        Assert.Equal("invited", accepted.GetProperty("before").GetProperty("status").GetString());
        Assert.Equal("active", accepted.GetProperty("after").GetProperty("status").GetString());
        Assert.Equal(invitedUserId, accepted.GetProperty("after").GetProperty("userId").GetGuid());

        var requested = Only(audit, "member.join_requested", approvedMemberId);
        AssertActor(requested, approvedUserId);
        Assert.Equal("pending", requested.GetProperty("after").GetProperty("status").GetString());
        AssertActor(Only(audit, "member.join_requested", rejectedMemberId), rejectedUserId);

        var approved = Only(audit, "member.approved", approvedMemberId);
        AssertActor(approved, chairId);
        Assert.Equal("pending", approved.GetProperty("before").GetProperty("status").GetString());
        Assert.Equal("active", approved.GetProperty("after").GetProperty("status").GetString());

        var rejected = Only(audit, "member.rejected", rejectedMemberId);
        AssertActor(rejected, chairId);
        Assert.Equal("pending", rejected.GetProperty("before").GetProperty("status").GetString());
        Assert.Equal("exited", rejected.GetProperty("after").GetProperty("member").GetProperty("status").GetString());
        Assert.Equal("Unknown to us", rejected.GetProperty("after").GetProperty("reason").GetString());

        var suspended = Only(audit, "member.suspended", addedMemberId);
        AssertActor(suspended, chairId);
        Assert.Equal("active", suspended.GetProperty("before").GetProperty("status").GetString());
        Assert.Equal("suspended", suspended.GetProperty("after").GetProperty("member").GetProperty("status").GetString());
        Assert.Equal("Missed three meetings", suspended.GetProperty("after").GetProperty("reason").GetString());

        var reactivated = Only(audit, "member.reactivated", addedMemberId);
        Assert.Equal("suspended", reactivated.GetProperty("before").GetProperty("status").GetString());
        Assert.Equal("active", reactivated.GetProperty("after").GetProperty("status").GetString());

        var removed = Only(audit, "member.removed", addedMemberId);
        AssertActor(removed, chairId);
        Assert.Equal("active", removed.GetProperty("before").GetProperty("status").GetString());
        Assert.Equal("exited", removed.GetProperty("after").GetProperty("status").GetString());

        var left = Only(audit, "member.left", approvedMemberId);
        AssertActor(left, approvedUserId);
        Assert.Equal("active", left.GetProperty("before").GetProperty("status").GetString());
        Assert.Equal("exited", left.GetProperty("after").GetProperty("status").GetString());

        var role = Only(audit, "member.role_changed", invitedMemberId);
        AssertActor(role, chairId);
        Assert.Equal("member", role.GetProperty("before").GetProperty("role").GetString());
        Assert.Equal("treasurer", role.GetProperty("after").GetProperty("role").GetString());

        var settingsChanged = Only(audit, "group.settings_changed");
        AssertActor(settingsChanged, chairId);
        Assert.Equal(name, settingsChanged.GetProperty("before").GetProperty("name").GetString());
        Assert.Equal("Audit Group Renamed", settingsChanged.GetProperty("after").GetProperty("name").GetString());

        var rulesChanged = Only(audit, "group.rules_changed");
        AssertActor(rulesChanged, chairId);
        Assert.Equal(150000, rulesChanged.GetProperty("before").GetProperty("contribution").GetProperty("amount").GetInt64());
        Assert.Equal(175000, rulesChanged.GetProperty("after").GetProperty("rules").GetProperty("contribution").GetProperty("amount").GetInt64());
        Assert.Equal(2, rulesChanged.GetProperty("after").GetProperty("version").GetInt32());
        Assert.Equal("2025-06-01", Str(rulesChanged.GetProperty("after"), "effectiveFrom"));

        // Nothing else, and the API agrees with the table.
        var expected = new[]
        {
            "group.created", "member.added", "member.invited", "member.invitation_accepted", "member.invited", "member.invitation_accepted",
            "member.join_requested", "member.join_requested", "member.approved", "member.rejected", "member.suspended",
            "member.reactivated", "member.removed", "member.left", "member.role_changed", "group.rules_changed", "group.settings_changed",
        };
        Assert.Equal(expected.Order(StringComparer.Ordinal), audit.EnumerateArray().Select(a => a.GetProperty("action").GetString()!).Order(StringComparer.Ordinal));
        Assert.Equal(expected.Length, await GroupData.CountAsync("SELECT count(*) FROM audit_log WHERE group_id = $1", groupId));
    }

    [Fact]
    public async Task The_newest_come_first_and_before_pages_through_without_gaps_or_repeats()
    {
        var (chair, _, _) = await PersonAsync();
        var groupId = await GroupData.CreateAsync(chair, GroupData.Stokvel("Paged Audit"));
        for (var i = 0; i < 5; i++)
            await GroupData.InviteAsync(chair, groupId, TestData.Phone());
        var all = (await GroupData.AuditAsync(chair, groupId)).EnumerateArray().Select(a => a.GetProperty("id").GetGuid()).ToList();
        Assert.Equal(7, all.Count);
        Assert.Equal("member.invited", (await GroupData.AuditAsync(chair, groupId))[0].GetProperty("action").GetString());

        var paged = new List<Guid>();
        Guid? before = null;
        for (var page = 0; page < 10; page++)
        {
            var url = $"/api/v1/groups/{groupId}/audit?limit=3" + (before is null ? "" : $"&before={before}");
            var entries = (await chair.GetFromJsonAsync<JsonElement>(url)).EnumerateArray().Select(a => a.GetProperty("id").GetGuid()).ToList();
            Assert.True(entries.Count <= 3);
            if (entries.Count == 0) break;
            paged.AddRange(entries);
            before = entries[^1];
        }
        Assert.Equal(all, paged);
        Assert.Equal(all.Count, all.Distinct().Count());

        Assert.Single((await chair.GetFromJsonAsync<JsonElement>($"/api/v1/groups/{groupId}/audit?limit=1")).EnumerateArray());
        Assert.Equal(HttpStatusCode.BadRequest, (await chair.GetAsync($"/api/v1/groups/{groupId}/audit?before=not-a-guid")).StatusCode);
    }

    [Fact]
    public async Task Order_and_paging_follow_the_time_written_not_the_ids()
    {
        // Ids come from the app's clock and are random within a millisecond, and entries may be
        // written by instances whose clocks differ: the id is no measure of order. Here the ids
        // run against time on purpose, and two entries share an instant.
        var (chair, _, _) = await PersonAsync();
        var groupId = await GroupData.CreateAsync(chair, GroupData.Stokvel("Ordered Audit"));
        var start = DateTimeOffset.UtcNow.AddMinutes(1);
        var ats = new[] { start, start.AddSeconds(1), start.AddSeconds(2), start.AddSeconds(2), start.AddSeconds(3), start.AddSeconds(4) };
        for (var i = 0; i < ats.Length; i++)
            await GroupData.ExecuteAsync("INSERT INTO audit_log (id, group_id, action, entity_type, at) VALUES ($1, $2, 'test.entry', 'group', $3)",
                new Guid($"0000000{9 - i}-0000-0000-0000-000000000000"), groupId, ats[i]);

        var all = (await GroupData.AuditAsync(chair, groupId)).EnumerateArray()
            .Select(a => (Id: a.GetProperty("id").GetGuid(), At: a.GetProperty("at").GetDateTimeOffset())).ToList();
        Assert.Equal(8, all.Count);
        Assert.Equal(all.OrderByDescending(a => a.At).Select(a => a.At), all.Select(a => a.At));

        foreach (var size in new[] { 1, 2, 3 })
        {
            var paged = new List<Guid>();
            Guid? before = null;
            for (var page = 0; page < 20; page++)
            {
                var url = $"/api/v1/groups/{groupId}/audit?limit={size}" + (before is null ? "" : $"&before={before}");
                var entries = (await chair.GetFromJsonAsync<JsonElement>(url)).EnumerateArray().Select(a => a.GetProperty("id").GetGuid()).ToList();
                if (entries.Count == 0) break;
                paged.AddRange(entries);
                before = entries[^1];
            }
            Assert.Equal(all.Select(a => a.Id), paged);
        }
    }

    [Fact]
    public async Task Officials_see_the_audit_and_members_do_not_and_entries_of_other_groups_never_show()
    {
        var (chair, _, _) = await PersonAsync();
        var groupId = await GroupData.CreateAsync(chair, GroupData.Stokvel("Audit Reader"));
        var (_, treasurer, _) = await GroupData.AddActiveAsync(_app, chair, groupId, "treasurer");
        var (_, secretary, _) = await GroupData.AddActiveAsync(_app, chair, groupId, "secretary");
        var (_, member, _) = await GroupData.AddActiveAsync(_app, chair, groupId);
        var otherGroup = await GroupData.CreateAsync(chair, GroupData.Stokvel("Another Group"));

        foreach (var official in new[] { chair, treasurer, secretary })
        {
            var audit = await GroupData.AuditAsync(official, groupId);
            Assert.Equal(10, audit.GetArrayLength()); // created, the chair added, 3 × (invited, accepted), 2 × role_changed
            Assert.DoesNotContain(audit.EnumerateArray(), a => a.GetProperty("entityId").GetString() == otherGroup.ToString());
        }
        Assert.Equal(HttpStatusCode.Forbidden, (await member.GetAsync($"/api/v1/groups/{groupId}/audit")).StatusCode);
    }

    [Fact]
    public async Task The_audit_log_is_append_only_in_the_database()
    {
        var (chair, _, _) = await PersonAsync();
        var groupId = await GroupData.CreateAsync(chair, GroupData.Stokvel("Tamper Proof"));
        var count = await GroupData.CountAsync("SELECT count(*) FROM audit_log WHERE group_id = $1", groupId);
        Assert.Equal(2, count);

        await using var db = new NpgsqlConnection(TestDatabase.ConnectionString);
        await db.OpenAsync();
        foreach (var sql in new[]
                 {
                     "UPDATE audit_log SET action = 'nothing.happened' WHERE group_id = $1",
                     "UPDATE audit_log SET after = NULL WHERE group_id = $1",
                     "DELETE FROM audit_log WHERE group_id = $1",
                 })
        {
            await using var cmd = new NpgsqlCommand(sql, db) { Parameters = { new() { Value = groupId } } };
            var refused = await Assert.ThrowsAsync<PostgresException>(() => cmd.ExecuteNonQueryAsync());
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
        }

        // TRUNCATE inside a transaction rolled back either way, so a hole could not cost the run its data.
        await using (var tx = await db.BeginTransactionAsync())
        {
            await using (var timeout = new NpgsqlCommand("SET LOCAL lock_timeout = '5s'", db, tx))
                await timeout.ExecuteNonQueryAsync();
            await using var truncate = new NpgsqlCommand("TRUNCATE audit_log", db, tx);
            var refused = await Record.ExceptionAsync(() => truncate.ExecuteNonQueryAsync());
            await tx.RollbackAsync();
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, Assert.IsType<PostgresException>(refused).SqlState);
        }

        Assert.Equal(count, await GroupData.CountAsync("SELECT count(*) FROM audit_log WHERE group_id = $1 AND action IN ('group.created', 'member.added') AND after IS NOT NULL", groupId));
    }
}
