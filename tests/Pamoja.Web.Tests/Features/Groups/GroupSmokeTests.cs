using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Pamoja.Web.Tests.Infrastructure;

namespace Pamoja.Web.Tests.Features.Groups;

public sealed class GroupSmokeTests : IAsyncLifetime
{
    private PamojaFactory _app = null!;
    public async Task InitializeAsync() => _app = await PamojaFactory.SharedAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Create_view_add_and_audit()
    {
        var chair = _app.ApiClient();
        await TestData.SignedInAsync(chair);
        var created = await chair.PostAsJsonAsync("/api/v1/groups", GroupData.Stokvel());
        Assert.True(created.StatusCode == HttpStatusCode.Created, _app.Logs.Errors());
        var groupId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var got = await chair.GetAsync($"/api/v1/groups/{groupId}");
        Assert.True(got.IsSuccessStatusCode, _app.Logs.Errors());
        var view = await got.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("chair", view.GetProperty("myRole").GetString());
        var (memberId, member, _) = await GroupData.AddActiveAsync(_app, chair, groupId);
        Assert.Equal(2, (await GroupData.MembersAsync(chair, groupId)).GetArrayLength());
        Assert.Equal(HttpStatusCode.Forbidden, (await member.GetAsync($"/api/v1/groups/{groupId}/audit")).StatusCode);
        var audit = await GroupData.AuditAsync(chair, groupId);
        Assert.True(audit.GetArrayLength() >= 3, audit.ToString());
        Assert.NotEqual(Guid.Empty, memberId);
    }
}
