using System.Net;
using System.Net.Http.Json;
using Pamoja.Web.Tests.Infrastructure;

namespace Pamoja.Web.Tests.Features.Members;

/// A refused request leaves no trace: no member row, no audit entry, no message in the outbox,
/// no rules version, no revision bump.
public sealed class FailedRequestsWriteNothingTests : IAsyncLifetime
{
    private PamojaFactory _app = null!;
    public async Task InitializeAsync() => _app = await PamojaFactory.SharedAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<(HttpClient Chair, Guid GroupId)> GroupAsync(int maxMembers = 10)
    {
        var chair = _app.ApiClient();
        await TestData.SignedInAsync(chair);
        var body = GroupData.Json(GroupData.Stokvel("Nothing Written")).With("maxMembers", maxMembers.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return (chair, await GroupData.CreateAsync(chair, body));
    }

    private static Task<long> MemberRowsAsync(Guid groupId, string phone) =>
        GroupData.CountAsync("SELECT count(*) FROM group_members WHERE group_id = $1 AND phone = $2", groupId, phone);

    [Theory]
    [InlineData("0712345678")]
    [InlineData("+254 7ab")]
    [InlineData("")]
    public async Task Adding_an_invalid_phone_writes_nothing(string phone)
    {
        var (chair, groupId) = await GroupAsync();
        var before = await GroupData.RowCountsAsync(groupId);
        var response = await chair.PostAsJsonAsync($"/api/v1/groups/{groupId}/members", new { phone });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(before, await GroupData.RowCountsAsync(groupId));
        Assert.Equal(0, await GroupData.CountAsync("SELECT count(*) FROM notification_outbox WHERE recipient = $1 OR recipient = $2", phone, "+254" + phone.TrimStart('0')));
    }

    [Fact]
    public async Task Adding_a_valid_phone_with_an_invalid_role_writes_nothing_and_sends_nothing()
    {
        var (chair, groupId) = await GroupAsync();
        var phone = TestData.Phone();
        var before = await GroupData.RowCountsAsync(groupId);
        var response = await chair.PostAsJsonAsync($"/api/v1/groups/{groupId}/members", new { phone, role = "president" });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(before, await GroupData.RowCountsAsync(groupId));
        Assert.Equal(0, await MemberRowsAsync(groupId, phone));
        Assert.Equal(0, await GroupData.OutboxCountAsync(phone));
    }

    [Fact]
    public async Task Adding_to_a_full_group_writes_nothing_and_sends_nothing()
    {
        var (chair, groupId) = await GroupAsync(maxMembers: 2);
        await GroupData.AddActiveAsync(_app, chair, groupId);
        var before = await GroupData.RowCountsAsync(groupId);
        var invitations = await GroupData.CountAsync("SELECT count(*) FROM group_invitations WHERE group_id = $1", groupId);

        var person = _app.ApiClient();
        var withAccount = await TestData.SignedInAsync(person);
        var withoutAccount = TestData.Phone();
        foreach (var phone in new[] { withAccount, withoutAccount })
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, (await chair.PostAsJsonAsync($"/api/v1/groups/{groupId}/members", new { phone })).StatusCode);
            Assert.Equal(0, await MemberRowsAsync(groupId, phone));
            Assert.Equal(0, await GroupData.OutboxCountAsync(phone));
        }
        Assert.Equal(before, await GroupData.RowCountsAsync(groupId));
        Assert.Equal(invitations, await GroupData.CountAsync("SELECT count(*) FROM group_invitations WHERE group_id = $1", groupId));
    }

    [Fact]
    public async Task A_forbidden_add_writes_nothing_and_sends_nothing()
    {
        var (chair, groupId) = await GroupAsync();
        var (_, member, _) = await GroupData.AddActiveAsync(_app, chair, groupId);
        var (_, treasurer, _) = await GroupData.AddActiveAsync(_app, chair, groupId, "treasurer");
        var before = await GroupData.RowCountsAsync(groupId);

        var byMember = TestData.Phone();
        Assert.Equal(HttpStatusCode.Forbidden, (await member.PostAsJsonAsync($"/api/v1/groups/{groupId}/members", new { phone = byMember })).StatusCode);
        var asOfficial = TestData.Phone();
        Assert.Equal(HttpStatusCode.Forbidden, (await treasurer.PostAsJsonAsync($"/api/v1/groups/{groupId}/members", new { phone = asOfficial, role = "chair" })).StatusCode);

        Assert.Equal(before, await GroupData.RowCountsAsync(groupId));
        foreach (var phone in new[] { byMember, asOfficial })
        {
            Assert.Equal(0, await MemberRowsAsync(groupId, phone));
            Assert.Equal(0, await GroupData.OutboxCountAsync(phone));
        }
    }

    [Fact]
    public async Task Refused_status_and_role_changes_write_nothing()
    {
        var (chair, groupId) = await GroupAsync();
        var chairMemberId = await GroupData.MyMemberIdAsync(chair, groupId);
        var (memberId, _, _) = await GroupData.AddActiveAsync(_app, chair, groupId);
        var before = await GroupData.RowCountsAsync(groupId);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await GroupData.RoleAsync(chair, groupId, chairMemberId, "member")).StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await GroupData.StatusAsync(chair, groupId, chairMemberId, "suspend")).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await GroupData.StatusAsync(chair, groupId, memberId, "reactivate")).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await GroupData.StatusAsync(chair, groupId, memberId, "approve")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await GroupData.RoleAsync(chair, groupId, memberId, "king")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await GroupData.StatusAsync(chair, groupId, Guid.NewGuid(), "remove")).StatusCode);

        Assert.Equal(before, await GroupData.RowCountsAsync(groupId));
        Assert.Equal(2, await GroupData.CountAsync("SELECT count(*) FROM group_members WHERE group_id = $1 AND status = 'active'", groupId));
    }
}
