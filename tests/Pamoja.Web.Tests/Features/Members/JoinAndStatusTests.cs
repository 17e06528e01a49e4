using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Pamoja.Web.Tests.Infrastructure;

namespace Pamoja.Web.Tests.Features.Members;

/// Joining by invite code with an official's approval, the member limit, and the statuses a
/// membership moves through (suspend, reactivate, remove, come back).
public sealed class JoinAndStatusTests : IAsyncLifetime
{
    private PamojaFactory _app = null!;
    public async Task InitializeAsync() => _app = await PamojaFactory.SharedAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<(HttpClient Chair, Guid GroupId, string Code)> GroupAsync(int maxMembers = 10)
    {
        var chair = _app.ApiClient();
        await TestData.SignedInAsync(chair);
        var groupId = await GroupData.CreateAsync(chair, GroupData.Json(GroupData.Stokvel("Join Group")).With("maxMembers", maxMembers.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var code = (await GroupData.GetAsync(chair, groupId)).GetProperty("inviteCode").GetString()!;
        return (chair, groupId, code);
    }

    private async Task<HttpClient> PersonAsync()
    {
        var client = _app.ApiClient();
        await TestData.SignedInAsync(client);
        return client;
    }

    private async Task NoContentAsync(HttpResponseMessage response) =>
        Assert.True(response.StatusCode == HttpStatusCode.NoContent, $"{response.StatusCode} {await response.Content.ReadAsStringAsync()} {_app.Logs.Errors()}");

    private static async Task<string> StatusOfAsync(HttpClient official, Guid groupId, Guid memberId) =>
        (await GroupData.MemberAsync(official, groupId, memberId)).GetProperty("status").GetString()!;

    [Fact]
    public async Task Officials_see_the_invite_code_and_plain_members_do_not()
    {
        var (chair, groupId, code) = await GroupAsync();
        Assert.Matches("^[A-Z2-9]{8}$", code);
        var (_, treasurer, _) = await GroupData.AddActiveAsync(_app, chair, groupId, "treasurer");
        var (_, secretary, _) = await GroupData.AddActiveAsync(_app, chair, groupId, "secretary");
        var (_, member, _) = await GroupData.AddActiveAsync(_app, chair, groupId);
        Assert.Equal(code, (await GroupData.GetAsync(treasurer, groupId)).GetProperty("inviteCode").GetString());
        Assert.Equal(code, (await GroupData.GetAsync(secretary, groupId)).GetProperty("inviteCode").GetString());
        Assert.Equal(JsonValueKind.Null, (await GroupData.GetAsync(member, groupId)).GetProperty("inviteCode").ValueKind);
    }

    [Fact]
    public async Task Joining_by_code_waits_for_approval_and_then_opens_the_group()
    {
        var (chair, groupId, code) = await GroupAsync();
        var joiner = await PersonAsync();
        var joinerId = await GroupData.MyIdAsync(joiner);

        var response = await joiner.PostAsJsonAsync("/api/v1/groups/join", new { code });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(groupId, body.GetProperty("groupId").GetGuid());
        Assert.Equal("Join Group", body.GetProperty("groupName").GetString());
        Assert.Equal("pending", body.GetProperty("status").GetString());
        var memberId = body.GetProperty("memberId").GetGuid();

        // Asking twice (and in lower case, with spaces) is the same request.
        var twice = await joiner.PostAsJsonAsync("/api/v1/groups/join", new { code = " " + code.ToLowerInvariant() + " " });
        Assert.Equal(HttpStatusCode.Accepted, twice.StatusCode);
        Assert.Equal(memberId, (await twice.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("memberId").GetGuid());
        Assert.Equal(1, await GroupData.CountAsync("SELECT count(*) FROM group_members WHERE group_id = $1 AND user_id = $2", groupId, joinerId));
        Assert.Equal(1, await GroupData.CountAsync("SELECT count(*) FROM audit_log WHERE group_id = $1 AND action = 'member.join_requested'", groupId));

        var mine = await joiner.GetFromJsonAsync<JsonElement>("/api/v1/groups");
        var summary = Assert.Single(mine.EnumerateArray());
        Assert.Equal(groupId, summary.GetProperty("id").GetGuid());
        Assert.Equal("pending", summary.GetProperty("status").GetString());

        // Until approved, the group is as closed to them as to anyone else.
        Assert.Equal(HttpStatusCode.NotFound, (await joiner.GetAsync($"/api/v1/groups/{groupId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await joiner.GetAsync($"/api/v1/groups/{groupId}/members")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await joiner.PostAsJsonAsync($"/api/v1/groups/{groupId}/leave", new { })).StatusCode);

        var pending = await GroupData.MemberAsync(chair, groupId, memberId);
        Assert.Equal("pending", pending.GetProperty("status").GetString());
        Assert.Equal(joinerId, pending.GetProperty("userId").GetGuid());
        Assert.Equal(1, (await GroupData.GetAsync(chair, groupId)).GetProperty("memberCount").GetInt32());

        await NoContentAsync(await GroupData.StatusAsync(chair, groupId, memberId, "approve"));
        Assert.Equal("active", await StatusOfAsync(chair, groupId, memberId));
        var view = await GroupData.GetAsync(joiner, groupId);
        Assert.Equal("member", view.GetProperty("myRole").GetString());
        Assert.Equal(memberId, view.GetProperty("myMemberId").GetGuid());
        Assert.Equal(2, view.GetProperty("memberCount").GetInt32());

        // Once in, asking again is a conflict, and approving again is too.
        Assert.Equal(HttpStatusCode.Conflict, (await joiner.PostAsJsonAsync("/api/v1/groups/join", new { code })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await GroupData.StatusAsync(chair, groupId, memberId, "approve")).StatusCode);
    }

    [Theory]
    [InlineData("treasurer")]
    [InlineData("secretary")]
    public async Task Other_officials_approve_too(string role)
    {
        var (chair, groupId, code) = await GroupAsync();
        var (_, official, _) = await GroupData.AddActiveAsync(_app, chair, groupId, role);
        var memberId = await GroupData.RequestToJoinAsync(await PersonAsync(), code);
        await NoContentAsync(await GroupData.StatusAsync(official, groupId, memberId, "approve"));
        Assert.Equal("active", await StatusOfAsync(chair, groupId, memberId));
    }

    [Fact]
    public async Task A_rejected_request_exits_and_the_person_may_ask_again()
    {
        var (chair, groupId, code) = await GroupAsync();
        var joiner = await PersonAsync();
        var memberId = await GroupData.RequestToJoinAsync(joiner, code);

        await NoContentAsync(await GroupData.StatusAsync(chair, groupId, memberId, "reject", new { reason = "We do not know you" }));
        Assert.Equal("exited", await StatusOfAsync(chair, groupId, memberId));
        Assert.Equal(HttpStatusCode.NotFound, (await joiner.GetAsync($"/api/v1/groups/{groupId}")).StatusCode);
        Assert.Empty((await joiner.GetFromJsonAsync<JsonElement>("/api/v1/groups")).EnumerateArray());
        Assert.Equal(HttpStatusCode.Conflict, (await GroupData.StatusAsync(chair, groupId, memberId, "approve")).StatusCode);

        Assert.Equal(memberId, await GroupData.RequestToJoinAsync(joiner, code));
        Assert.Equal("pending", await StatusOfAsync(chair, groupId, memberId));
    }

    [Theory]
    [InlineData("ZZZZZZZZ")]
    [InlineData("ABC")]
    [InlineData("")]
    [InlineData("   ")]
    public async Task An_unknown_or_empty_code_is_a_400(string code)
    {
        var joiner = await PersonAsync();
        var response = await joiner.PostAsJsonAsync("/api/v1/groups/join", new { code });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await TestData.ProblemAsync(response)).GetProperty("errors").TryGetProperty("code", out _));
        Assert.Empty((await joiner.GetFromJsonAsync<JsonElement>("/api/v1/groups")).EnumerateArray());
    }

    [Fact]
    public async Task Joining_needs_a_signed_in_person()
    {
        var (_, _, code) = await GroupAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, (await _app.ApiClient().PostAsJsonAsync("/api/v1/groups/join", new { code })).StatusCode);
    }

    [Fact]
    public async Task The_member_limit_holds_on_approval_and_on_adding()
    {
        var (chair, groupId, code) = await GroupAsync(maxMembers: 2);
        var first = await GroupData.RequestToJoinAsync(await PersonAsync(), code);
        var second = await GroupData.RequestToJoinAsync(await PersonAsync(), code);

        await NoContentAsync(await GroupData.StatusAsync(chair, groupId, first, "approve"));
        var full = await GroupData.StatusAsync(chair, groupId, second, "approve");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, full.StatusCode);
        Assert.Equal(422, (await TestData.ProblemAsync(full)).GetProperty("status").GetInt32());
        Assert.Equal("pending", await StatusOfAsync(chair, groupId, second));

        var before = await GroupData.RowCountsAsync(groupId);
        var phone = TestData.Phone();
        var add = await chair.PostAsJsonAsync($"/api/v1/groups/{groupId}/members", new { phone });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, add.StatusCode);
        Assert.Equal(before, await GroupData.RowCountsAsync(groupId));
        Assert.Equal(0, await GroupData.OutboxCountAsync(phone));
        Assert.Equal(2, (await GroupData.GetAsync(chair, groupId)).GetProperty("memberCount").GetInt32());

        // Room again once someone leaves.
        await NoContentAsync(await GroupData.StatusAsync(chair, groupId, first, "remove"));
        await NoContentAsync(await GroupData.StatusAsync(chair, groupId, second, "approve"));
    }

    [Fact]
    public async Task Invitations_count_towards_the_limit()
    {
        var (chair, groupId, code) = await GroupAsync(maxMembers: 3);
        await GroupData.InviteAsync(chair, groupId, TestData.Phone());
        await GroupData.InviteAsync(chair, groupId, TestData.Phone());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await chair.PostAsJsonAsync($"/api/v1/groups/{groupId}/members", new { phone = TestData.Phone() })).StatusCode);
        var pending = await GroupData.RequestToJoinAsync(await PersonAsync(), code);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await GroupData.StatusAsync(chair, groupId, pending, "approve")).StatusCode);
    }

    [Fact]
    public async Task Concurrent_approvals_never_overfill_the_group()
    {
        // Up to maxMembers requests may wait; with the chair in, one fewer can be approved.
        var (chair, groupId, code) = await GroupAsync(maxMembers: 4);
        var pending = new List<Guid>();
        for (var i = 0; i < 4; i++)
            pending.Add(await GroupData.RequestToJoinAsync(await PersonAsync(), code));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await (await PersonAsync()).PostAsJsonAsync("/api/v1/groups/join", new { code })).StatusCode);

        var results = await Task.WhenAll(pending.Select(id => GroupData.StatusAsync(chair, groupId, id, "approve")));
        Assert.Equal(3, results.Count(r => r.StatusCode == HttpStatusCode.NoContent));
        Assert.All(results.Where(r => r.StatusCode != HttpStatusCode.NoContent), r => Assert.Equal(HttpStatusCode.UnprocessableEntity, r.StatusCode));
        Assert.Equal(4, await GroupData.CountAsync("SELECT count(*) FROM group_members WHERE group_id = $1 AND status IN ('active', 'suspended', 'invited')", groupId));
    }

    [Fact]
    public async Task Concurrent_adds_for_the_last_place_let_exactly_one_in()
    {
        var (chair, groupId, _) = await GroupAsync(maxMembers: 2);
        var phones = Enumerable.Range(0, 4).Select(_ => TestData.Phone()).ToList();
        var results = await Task.WhenAll(phones.Select(phone => chair.PostAsJsonAsync($"/api/v1/groups/{groupId}/members", new { phone })));
        Assert.True(results.Count(r => r.StatusCode == HttpStatusCode.Created) == 1, string.Join(", ", results.Select(r => (int)r.StatusCode)) + _app.Logs.Errors());
        Assert.All(results.Where(r => r.StatusCode != HttpStatusCode.Created), r => Assert.Equal(HttpStatusCode.UnprocessableEntity, r.StatusCode));
        Assert.Equal(2, await GroupData.CountAsync("SELECT count(*) FROM group_members WHERE group_id = $1", groupId));
        Assert.Equal(1, await GroupData.CountAsync("SELECT count(*) FROM group_invitations WHERE group_id = $1", groupId));
    }

    [Fact]
    public async Task Adding_the_same_phone_twice_at_once_adds_it_once()
    {
        var (chair, groupId, _) = await GroupAsync();
        var phone = TestData.Phone();
        var results = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => chair.PostAsJsonAsync($"/api/v1/groups/{groupId}/members", new { phone })));
        Assert.True(results.Count(r => r.StatusCode == HttpStatusCode.Created) == 1, string.Join(", ", results.Select(r => (int)r.StatusCode)) + _app.Logs.Errors());
        Assert.All(results.Where(r => r.StatusCode != HttpStatusCode.Created), r => Assert.Equal(HttpStatusCode.Conflict, r.StatusCode));
        Assert.Equal(1, await GroupData.CountAsync("SELECT count(*) FROM group_members WHERE group_id = $1 AND phone = $2", groupId, phone));
        Assert.Equal(1, await GroupData.OutboxCountAsync(phone));
    }

    [Fact]
    public async Task A_suspended_member_loses_access_until_reactivated()
    {
        var (chair, groupId, code) = await GroupAsync();
        var (memberId, member, _) = await GroupData.AddActiveAsync(_app, chair, groupId);

        await NoContentAsync(await GroupData.StatusAsync(chair, groupId, memberId, "suspend", new { reason = "Missed three meetings" }));
        Assert.Equal("suspended", await StatusOfAsync(chair, groupId, memberId));
        Assert.Equal(HttpStatusCode.NotFound, (await member.GetAsync($"/api/v1/groups/{groupId}")).StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await member.PostAsJsonAsync("/api/v1/groups/join", new { code })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await GroupData.StatusAsync(chair, groupId, memberId, "suspend")).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await GroupData.StatusAsync(chair, groupId, memberId, "approve")).StatusCode);

        await NoContentAsync(await GroupData.StatusAsync(chair, groupId, memberId, "reactivate"));
        Assert.Equal("active", await StatusOfAsync(chair, groupId, memberId));
        Assert.Equal(HttpStatusCode.OK, (await member.GetAsync($"/api/v1/groups/{groupId}")).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await GroupData.StatusAsync(chair, groupId, memberId, "reactivate")).StatusCode);
    }

    [Fact]
    public async Task A_removed_member_can_be_added_again_on_the_same_membership()
    {
        var (chair, groupId, _) = await GroupAsync();
        var (memberId, member, phone) = await GroupData.AddActiveAsync(_app, chair, groupId);

        await NoContentAsync(await GroupData.StatusAsync(chair, groupId, memberId, "remove"));
        Assert.Equal("exited", await StatusOfAsync(chair, groupId, memberId));
        Assert.Equal(HttpStatusCode.NotFound, (await member.GetAsync($"/api/v1/groups/{groupId}")).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await GroupData.StatusAsync(chair, groupId, memberId, "reactivate")).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await GroupData.StatusAsync(chair, groupId, memberId, "remove")).StatusCode);

        var again = await chair.PostAsJsonAsync($"/api/v1/groups/{groupId}/members", new { phone });
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        var body = await again.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(memberId, body.GetProperty("memberId").GetGuid());
        Assert.Equal("invited", body.GetProperty("status").GetString()); // back only if they say yes again
        Assert.Equal(HttpStatusCode.NotFound, (await member.GetAsync($"/api/v1/groups/{groupId}")).StatusCode);
        Assert.Equal(memberId, await GroupData.AcceptInvitationAsync(member, phone));
        Assert.Equal("active", await StatusOfAsync(chair, groupId, memberId));
        Assert.Equal(HttpStatusCode.OK, (await member.GetAsync($"/api/v1/groups/{groupId}")).StatusCode);
        Assert.Equal(1, await GroupData.CountAsync("SELECT count(*) FROM group_members WHERE group_id = $1 AND phone = $2", groupId, phone));
    }

    [Fact]
    public async Task A_removed_invitee_is_invited_again_on_the_same_membership()
    {
        var (chair, groupId, _) = await GroupAsync();
        var phone = TestData.Phone();
        var memberId = await GroupData.InviteAsync(chair, groupId, phone);
        await NoContentAsync(await GroupData.StatusAsync(chair, groupId, memberId, "remove"));
        Assert.Equal(memberId, await GroupData.InviteAsync(chair, groupId, phone));
        Assert.Equal("invited", await StatusOfAsync(chair, groupId, memberId));
        Assert.Equal(1, await GroupData.CountAsync("SELECT count(*) FROM group_invitations WHERE member_id = $1 AND used_at IS NULL", memberId));
        Assert.Equal(2, await GroupData.CountAsync("SELECT count(*) FROM group_invitations WHERE member_id = $1", memberId));
    }

    [Fact]
    public async Task A_member_may_leave_and_then_the_group_is_closed_to_them()
    {
        var (chair, groupId, _) = await GroupAsync();
        var (memberId, member, _) = await GroupData.AddActiveAsync(_app, chair, groupId);
        await NoContentAsync(await member.PostAsJsonAsync($"/api/v1/groups/{groupId}/leave", new { }));
        Assert.Equal("exited", await StatusOfAsync(chair, groupId, memberId));
        Assert.Equal(HttpStatusCode.NotFound, (await member.GetAsync($"/api/v1/groups/{groupId}")).StatusCode);
        Assert.Empty((await member.GetFromJsonAsync<JsonElement>("/api/v1/groups")).EnumerateArray());
    }

    [Fact]
    public async Task A_person_can_be_in_many_groups()
    {
        var person = _app.ApiClient();
        var phone = await TestData.SignedInAsync(person);
        var groups = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            var (chair, groupId, _) = await GroupAsync();
            Assert.Equal(HttpStatusCode.Created, (await chair.PostAsJsonAsync($"/api/v1/groups/{groupId}/members", new { phone })).StatusCode);
            await GroupData.AcceptInvitationAsync(person, phone);
            groups.Add(groupId);
        }
        var mine = await person.GetFromJsonAsync<JsonElement>("/api/v1/groups");
        Assert.True(groups.ToHashSet().SetEquals(mine.EnumerateArray().Select(g => g.GetProperty("id").GetGuid())));
    }

    [Fact]
    public async Task A_reason_that_is_too_long_is_a_400()
    {
        var (chair, groupId, _) = await GroupAsync();
        var (memberId, _, _) = await GroupData.AddActiveAsync(_app, chair, groupId);
        var response = await GroupData.StatusAsync(chair, groupId, memberId, "suspend", new { reason = new string('r', 501) });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await TestData.ProblemAsync(response)).GetProperty("errors").TryGetProperty("reason", out _));
        Assert.Equal("active", await StatusOfAsync(chair, groupId, memberId));
    }
}
