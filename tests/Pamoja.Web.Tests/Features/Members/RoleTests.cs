using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Pamoja.Web.Tests.Infrastructure;

namespace Pamoja.Web.Tests.Features.Members;

/// Roles and what they may do (domain.md § Roles), and the rule that a group always keeps an
/// active chair.
public sealed class RoleTests : IAsyncLifetime
{
    private PamojaFactory _app = null!;
    public async Task InitializeAsync() => _app = await PamojaFactory.SharedAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<(HttpClient Chair, Guid GroupId, Guid ChairMemberId)> GroupAsync()
    {
        var chair = _app.ApiClient();
        await TestData.SignedInAsync(chair);
        var groupId = await GroupData.CreateAsync(chair, GroupData.Stokvel("Roles Group"));
        return (chair, groupId, await GroupData.MyMemberIdAsync(chair, groupId));
    }

    private async Task NoContentAsync(HttpResponseMessage response) =>
        Assert.True(response.StatusCode == HttpStatusCode.NoContent, $"{response.StatusCode} {await response.Content.ReadAsStringAsync()} {_app.Logs.Errors()}");

    private static async Task AssertStatusAsync(HttpStatusCode expected, HttpResponseMessage response, string what)
    {
        Assert.True(response.StatusCode == expected, $"{what}: expected {(int)expected}, got {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        if ((int)expected >= 400)
            Assert.Equal((int)expected, (await TestData.ProblemAsync(response)).GetProperty("status").GetInt32());
    }

    private static Task<long> ActiveChairsAsync(Guid groupId) =>
        GroupData.CountAsync("SELECT count(*) FROM group_members WHERE group_id = $1 AND role = 'chair' AND status = 'active'", groupId);

    private static async Task<string> RoleOfAsync(HttpClient official, Guid groupId, Guid memberId) =>
        (await GroupData.MemberAsync(official, groupId, memberId)).GetProperty("role").GetString()!;

    [Fact]
    public async Task The_chair_gives_and_changes_roles()
    {
        var (chair, groupId, _) = await GroupAsync();
        var (memberId, member, _) = await GroupData.AddActiveAsync(_app, chair, groupId);
        foreach (var role in new[] { "treasurer", "secretary", "chair", "member" })
        {
            await NoContentAsync(await GroupData.RoleAsync(chair, groupId, memberId, role));
            Assert.Equal(role, await RoleOfAsync(chair, groupId, memberId));
            Assert.Equal(role, (await GroupData.GetAsync(member, groupId)).GetProperty("myRole").GetString());
        }
        // Giving the role someone already has changes nothing and writes nothing.
        var before = await GroupData.RowCountsAsync(groupId);
        await NoContentAsync(await GroupData.RoleAsync(chair, groupId, memberId, "member"));
        Assert.Equal(before, await GroupData.RowCountsAsync(groupId));
    }

    [Theory]
    [InlineData("boss")]
    [InlineData("")]
    [InlineData("operator")]
    [InlineData("0")]
    [InlineData("chair ")]
    public async Task An_unknown_role_is_a_400(string role)
    {
        var (chair, groupId, _) = await GroupAsync();
        var (memberId, _, _) = await GroupData.AddActiveAsync(_app, chair, groupId);
        var before = await GroupData.RowCountsAsync(groupId);
        var response = await GroupData.RoleAsync(chair, groupId, memberId, role);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await TestData.ProblemAsync(response)).GetProperty("errors").TryGetProperty("role", out _));
        Assert.Equal(before, await GroupData.RowCountsAsync(groupId));
        Assert.Equal("member", await RoleOfAsync(chair, groupId, memberId));
    }

    [Theory]
    [InlineData("treasurer")]
    [InlineData("secretary")]
    [InlineData("member")]
    public async Task Only_the_chair_changes_roles(string role)
    {
        var (chair, groupId, chairMemberId) = await GroupAsync();
        var (selfId, official, _) = await GroupData.AddActiveAsync(_app, chair, groupId, role);
        var (otherId, _, _) = await GroupData.AddActiveAsync(_app, chair, groupId);
        var before = await GroupData.RowCountsAsync(groupId);

        await AssertStatusAsync(HttpStatusCode.Forbidden, await GroupData.RoleAsync(official, groupId, otherId, "secretary"), "promote another");
        await AssertStatusAsync(HttpStatusCode.Forbidden, await GroupData.RoleAsync(official, groupId, selfId, "chair"), "promote themselves");
        await AssertStatusAsync(HttpStatusCode.Forbidden, await GroupData.RoleAsync(official, groupId, chairMemberId, "member"), "demote the chair");

        Assert.Equal(before, await GroupData.RowCountsAsync(groupId));
        Assert.Equal(role, await RoleOfAsync(chair, groupId, selfId));
        Assert.Equal("chair", await RoleOfAsync(chair, groupId, chairMemberId));
    }

    [Theory]
    [InlineData("treasurer")]
    [InlineData("secretary")]
    public async Task Officials_other_than_the_chair_add_only_plain_members(string role)
    {
        var (chair, groupId, _) = await GroupAsync();
        var (_, official, _) = await GroupData.AddActiveAsync(_app, chair, groupId, role);
        var phone = TestData.Phone();
        await AssertStatusAsync(HttpStatusCode.Forbidden,
            await official.PostAsJsonAsync($"/api/v1/groups/{groupId}/members", new { phone, role = "treasurer" }), "add an official");
        Assert.Equal(0, await GroupData.OutboxCountAsync(phone));
        var added = await official.PostAsJsonAsync($"/api/v1/groups/{groupId}/members", new { phone, role = "member" });
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
    }

    [Fact]
    public async Task The_chair_can_invite_an_official_directly()
    {
        var (chair, groupId, _) = await GroupAsync();
        var person = _app.ApiClient();
        var phone = await TestData.SignedInAsync(person);
        var added = await chair.PostAsJsonAsync($"/api/v1/groups/{groupId}/members", new { phone, role = "treasurer" });
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        var body = await added.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("treasurer", body.GetProperty("role").GetString());
        Assert.Equal("invited", body.GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await person.GetAsync($"/api/v1/groups/{groupId}")).StatusCode);

        await GroupData.AcceptInvitationAsync(person, phone);
        Assert.Equal("treasurer", (await GroupData.GetAsync(person, groupId)).GetProperty("myRole").GetString());
    }

    [Fact]
    public async Task A_plain_member_may_look_but_not_run_the_group()
    {
        var (chair, groupId, chairMemberId) = await GroupAsync();
        var (selfId, member, _) = await GroupData.AddActiveAsync(_app, chair, groupId);
        var (otherId, _, otherPhone) = await GroupData.AddActiveAsync(_app, chair, groupId);
        var code = (await GroupData.GetAsync(chair, groupId)).GetProperty("inviteCode").GetString()!;
        var pendingId = await GroupData.RequestToJoinAsync(await SignedInAsync(), code);
        await NoContentAsync(await GroupData.StatusAsync(chair, groupId, otherId, "suspend"));
        var before = await GroupData.RowCountsAsync(groupId);

        await AssertStatusAsync(HttpStatusCode.OK, await member.GetAsync($"/api/v1/groups/{groupId}"), "view group");
        var members = await member.GetAsync($"/api/v1/groups/{groupId}/members");
        await AssertStatusAsync(HttpStatusCode.OK, members, "view members");
        var list = await members.Content.ReadFromJsonAsync<JsonElement>();
        var other = list.EnumerateArray().Single(m => m.GetProperty("memberId").GetGuid() == otherId);
        Assert.NotEqual(otherPhone, other.GetProperty("phone").GetString()); // others' numbers are masked for members

        var settings = GroupData.Json(GroupData.Stokvel("Member Coup"));
        foreach (var (what, response) in new (string, Func<Task<HttpResponseMessage>>)[]
                 {
                     ("add member", () => member.PostAsJsonAsync($"/api/v1/groups/{groupId}/members", new { phone = TestData.Phone() })),
                     ("approve", () => GroupData.StatusAsync(member, groupId, pendingId, "approve")),
                     ("reject", () => GroupData.StatusAsync(member, groupId, pendingId, "reject")),
                     ("suspend chair", () => GroupData.StatusAsync(member, groupId, chairMemberId, "suspend")),
                     ("reactivate", () => GroupData.StatusAsync(member, groupId, otherId, "reactivate")),
                     ("remove", () => GroupData.StatusAsync(member, groupId, otherId, "remove")),
                     ("suspend self", () => GroupData.StatusAsync(member, groupId, selfId, "suspend")),
                     ("role", () => GroupData.RoleAsync(member, groupId, selfId, "chair")),
                     ("settings", () => member.PutJsonAsync($"/api/v1/groups/{groupId}/settings", settings)),
                     ("audit", () => member.GetAsync($"/api/v1/groups/{groupId}/audit")),
                 })
        {
            await AssertStatusAsync(HttpStatusCode.Forbidden, await response(), what);
        }
        Assert.Equal(before, await GroupData.RowCountsAsync(groupId));
        Assert.Equal("Roles Group", (await GroupData.GetAsync(chair, groupId)).GetProperty("name").GetString());
    }

    private async Task<HttpClient> SignedInAsync()
    {
        var client = _app.ApiClient();
        await TestData.SignedInAsync(client);
        return client;
    }

    [Theory]
    [InlineData("treasurer")]
    [InlineData("secretary")]
    public async Task A_treasurer_or_secretary_manages_members_but_not_other_officials(string role)
    {
        var (chair, groupId, chairMemberId) = await GroupAsync();
        var (selfId, official, _) = await GroupData.AddActiveAsync(_app, chair, groupId, role);
        var (peerId, _, _) = await GroupData.AddActiveAsync(_app, chair, groupId, role == "treasurer" ? "secretary" : "treasurer");
        var (memberId, _, _) = await GroupData.AddActiveAsync(_app, chair, groupId);
        var before = await GroupData.RowCountsAsync(groupId);

        await AssertStatusAsync(HttpStatusCode.Forbidden, await GroupData.StatusAsync(official, groupId, chairMemberId, "suspend"), "suspend the chair");
        await AssertStatusAsync(HttpStatusCode.Forbidden, await GroupData.StatusAsync(official, groupId, chairMemberId, "remove"), "remove the chair");
        await AssertStatusAsync(HttpStatusCode.Forbidden, await GroupData.StatusAsync(official, groupId, peerId, "suspend"), "suspend a peer official");
        Assert.Equal(before, await GroupData.RowCountsAsync(groupId));
        Assert.Equal(0, await GroupData.CountAsync("SELECT count(*) FROM group_members WHERE group_id = $1 AND status <> 'active'", groupId));

        await NoContentAsync(await GroupData.StatusAsync(official, groupId, memberId, "suspend"));
        await NoContentAsync(await GroupData.StatusAsync(official, groupId, memberId, "reactivate"));
        await NoContentAsync(await GroupData.StatusAsync(official, groupId, memberId, "remove"));
        Assert.Equal("exited", (await GroupData.MemberAsync(chair, groupId, memberId)).GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, (await official.GetAsync($"/api/v1/groups/{groupId}/audit")).StatusCode);
        Assert.Equal(role, await RoleOfAsync(chair, groupId, selfId));
    }

    [Fact]
    public async Task The_only_chair_cannot_step_down_be_suspended_removed_or_leave()
    {
        var (chair, groupId, chairMemberId) = await GroupAsync();
        await GroupData.AddActiveAsync(_app, chair, groupId, "treasurer");
        var before = await GroupData.RowCountsAsync(groupId);

        foreach (var role in new[] { "member", "treasurer", "secretary" })
            await AssertStatusAsync(HttpStatusCode.UnprocessableEntity, await GroupData.RoleAsync(chair, groupId, chairMemberId, role), "demote to " + role);
        await AssertStatusAsync(HttpStatusCode.UnprocessableEntity, await GroupData.StatusAsync(chair, groupId, chairMemberId, "suspend"), "suspend");
        await AssertStatusAsync(HttpStatusCode.UnprocessableEntity, await GroupData.StatusAsync(chair, groupId, chairMemberId, "remove"), "remove");
        await AssertStatusAsync(HttpStatusCode.UnprocessableEntity, await chair.PostAsJsonAsync($"/api/v1/groups/{groupId}/leave", new { }), "leave");

        Assert.Equal(before, await GroupData.RowCountsAsync(groupId));
        Assert.Equal(1, await ActiveChairsAsync(groupId));
        Assert.Equal("chair", (await GroupData.GetAsync(chair, groupId)).GetProperty("myRole").GetString());
    }

    [Fact]
    public async Task A_suspended_or_invited_chair_does_not_count_as_the_group_keeping_a_chair()
    {
        var (chair, groupId, chairMemberId) = await GroupAsync();
        var (secondId, _, _) = await GroupData.AddActiveAsync(_app, chair, groupId, "chair");
        await NoContentAsync(await GroupData.StatusAsync(chair, groupId, secondId, "suspend"));
        var invitedId = await GroupData.InviteAsync(chair, groupId, TestData.Phone());
        await NoContentAsync(await GroupData.RoleAsync(chair, groupId, invitedId, "chair"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await GroupData.RoleAsync(chair, groupId, chairMemberId, "member")).StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await chair.PostAsJsonAsync($"/api/v1/groups/{groupId}/leave", new { })).StatusCode);
        Assert.Equal(1, await ActiveChairsAsync(groupId));
    }

    [Fact]
    public async Task With_two_chairs_one_may_step_down_and_then_the_other_is_the_last()
    {
        var (chair, groupId, chairMemberId) = await GroupAsync();
        var (secondId, second, _) = await GroupData.AddActiveAsync(_app, chair, groupId, "chair");
        Assert.Equal(2, await ActiveChairsAsync(groupId));

        await NoContentAsync(await GroupData.RoleAsync(chair, groupId, chairMemberId, "treasurer"));
        Assert.Equal("treasurer", (await GroupData.GetAsync(chair, groupId)).GetProperty("myRole").GetString());
        Assert.Equal(1, await ActiveChairsAsync(groupId));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await GroupData.RoleAsync(second, groupId, secondId, "member")).StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await second.PostAsJsonAsync($"/api/v1/groups/{groupId}/leave", new { })).StatusCode);
        // The former chair, now treasurer, can no longer change roles at all.
        Assert.Equal(HttpStatusCode.Forbidden, (await GroupData.RoleAsync(chair, groupId, chairMemberId, "chair")).StatusCode);

        // A chair with a co-chair may also leave.
        await NoContentAsync(await GroupData.RoleAsync(second, groupId, chairMemberId, "chair"));
        await NoContentAsync(await second.PostAsJsonAsync($"/api/v1/groups/{groupId}/leave", new { }));
        Assert.Equal(1, await ActiveChairsAsync(groupId));
        Assert.Equal(HttpStatusCode.NotFound, (await second.GetAsync($"/api/v1/groups/{groupId}")).StatusCode);
    }

    [Fact]
    public async Task Two_chairs_demoting_each_other_at_once_leave_exactly_one_chair()
    {
        for (var round = 0; round < 3; round++)
        {
            var (chair, groupId, chairMemberId) = await GroupAsync();
            var (secondId, second, _) = await GroupData.AddActiveAsync(_app, chair, groupId, "chair");

            var results = await Task.WhenAll(
                GroupData.RoleAsync(chair, groupId, secondId, "member"),
                GroupData.RoleAsync(second, groupId, chairMemberId, "member"));

            Assert.True(results.Count(r => r.StatusCode == HttpStatusCode.NoContent) == 1,
                string.Join(", ", results.Select(r => (int)r.StatusCode)) + _app.Logs.Errors());
            Assert.All(results.Where(r => r.StatusCode != HttpStatusCode.NoContent),
                r => Assert.Contains(r.StatusCode, new[] { HttpStatusCode.UnprocessableEntity, HttpStatusCode.Forbidden }));
            Assert.Equal(1, await ActiveChairsAsync(groupId));
            Assert.Equal(1, await GroupData.CountAsync("SELECT count(*) FROM audit_log WHERE group_id = $1 AND action = 'member.role_changed' AND after->>'role' = 'member'", groupId));
        }
    }

    [Fact]
    public async Task Two_chairs_suspending_each_other_at_once_leave_exactly_one_active_chair()
    {
        var (chair, groupId, chairMemberId) = await GroupAsync();
        var (secondId, second, _) = await GroupData.AddActiveAsync(_app, chair, groupId, "chair");

        var results = await Task.WhenAll(
            GroupData.StatusAsync(chair, groupId, secondId, "suspend"),
            GroupData.StatusAsync(second, groupId, chairMemberId, "suspend"));

        Assert.True(results.Count(r => r.StatusCode == HttpStatusCode.NoContent) == 1, string.Join(", ", results.Select(r => (int)r.StatusCode)));
        Assert.Equal(1, await ActiveChairsAsync(groupId));
    }

    [Fact]
    public async Task An_official_cannot_reach_another_groups_members_through_their_own_group()
    {
        var (chairA, groupA, _) = await GroupAsync();
        var (chairB, groupB, chairOfB) = await GroupAsync();
        var (memberOfB, _, _) = await GroupData.AddActiveAsync(_app, chairB, groupB);
        var beforeB = await GroupData.RowCountsAsync(groupB);
        var beforeA = await GroupData.RowCountsAsync(groupA);

        foreach (var change in new[] { "approve", "reject", "suspend", "reactivate", "remove" })
            await AssertStatusAsync(HttpStatusCode.NotFound, await GroupData.StatusAsync(chairA, groupA, memberOfB, change), change);
        await AssertStatusAsync(HttpStatusCode.NotFound, await GroupData.RoleAsync(chairA, groupA, memberOfB, "treasurer"), "role");
        await AssertStatusAsync(HttpStatusCode.NotFound, await GroupData.RoleAsync(chairA, groupA, chairOfB, "member"), "role of B's chair");
        await AssertStatusAsync(HttpStatusCode.NotFound, await GroupData.StatusAsync(chairA, groupA, Guid.NewGuid(), "suspend"), "unknown id");

        Assert.Equal(beforeB, await GroupData.RowCountsAsync(groupB));
        Assert.Equal(beforeA, await GroupData.RowCountsAsync(groupA));
        var member = await GroupData.MemberAsync(chairB, groupB, memberOfB);
        Assert.Equal("active", member.GetProperty("status").GetString());
        Assert.Equal("member", member.GetProperty("role").GetString());
    }
}
