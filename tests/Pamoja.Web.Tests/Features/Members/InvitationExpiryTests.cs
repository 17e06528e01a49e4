using System.Net;
using System.Net.Http.Json;
using Pamoja.Web.Tests.Infrastructure;

namespace Pamoja.Web.Tests.Features.Members;

/// Invitation links die after three days, on a clock the test moves: its own app instance, so
/// moving time cannot disturb other tests.
public sealed class InvitationExpiryTests : IAsyncLifetime
{
    private readonly TestClock _clock = new(DateTimeOffset.UtcNow);
    private PamojaFactory _app = null!;

    public async Task InitializeAsync() => _app = await PamojaFactory.CreateAsync(_clock);
    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task A_link_works_until_just_before_three_days_and_not_at_three_days()
    {
        var chair = _app.ApiClient();
        await TestData.SignedInAsync(chair);
        var name = "Expiry Group " + Guid.NewGuid().ToString("N")[..8];
        var groupId = await GroupData.CreateAsync(chair, GroupData.Stokvel(name));
        var early = TestData.Phone();
        var late = TestData.Phone();
        var earlyMember = await GroupData.InviteAsync(chair, groupId, early);
        var lateMember = await GroupData.InviteAsync(chair, groupId, late);
        var earlyToken = await GroupData.InvitationTokenAsync(early, name);
        var lateToken = await GroupData.InvitationTokenAsync(late, name);
        Assert.Contains("valid 3 days", await TestData.SmsAsync(early, b => b.Contains(name, StringComparison.Ordinal)), StringComparison.Ordinal);

        _clock.Advance(TimeSpan.FromDays(3) - TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.OK, (await _app.ApiClient().GetAsync($"/api/v1/invitations/{earlyToken}")).StatusCode);
        var inTime = await _app.ApiClient().PostAsJsonAsync("/api/v1/invitations/accept",
            new { token = earlyToken, fullName = "Early Bird", password = "an early passphrase 11" });
        Assert.True(inTime.StatusCode == HttpStatusCode.Created, $"{inTime.StatusCode} {await inTime.Content.ReadAsStringAsync()} {_app.Logs.Errors()}");

        _clock.Advance(TimeSpan.FromSeconds(1));
        var shown = await _app.ApiClient().GetAsync($"/api/v1/invitations/{lateToken}");
        Assert.Equal(HttpStatusCode.BadRequest, shown.StatusCode);
        var tooLate = await _app.ApiClient().PostAsJsonAsync("/api/v1/invitations/accept",
            new { token = lateToken, fullName = "Late Comer", password = "a late passphrase 22" });
        Assert.Equal(HttpStatusCode.BadRequest, tooLate.StatusCode);
        Assert.True((await TestData.ProblemAsync(tooLate)).GetProperty("errors").TryGetProperty("token", out _));

        Assert.Equal("active", (string)(await GroupData.ScalarAsync("SELECT status FROM group_members WHERE id = $1", earlyMember))!);
        Assert.Equal("invited", (string)(await GroupData.ScalarAsync("SELECT status FROM group_members WHERE id = $1", lateMember))!);
        Assert.Equal(0, await GroupData.CountAsync("SELECT count(*) FROM users WHERE user_name = $1", late));
        Assert.Equal(1, await GroupData.CountAsync("SELECT count(*) FROM users WHERE user_name = $1", early));
    }

    [Fact]
    public async Task Re_inviting_after_expiry_sends_a_fresh_link_that_works()
    {
        var chair = _app.ApiClient();
        await TestData.SignedInAsync(chair);
        var name = "Reinvite Group " + Guid.NewGuid().ToString("N")[..8];
        var groupId = await GroupData.CreateAsync(chair, GroupData.Stokvel(name));
        var phone = TestData.Phone();
        var memberId = await GroupData.InviteAsync(chair, groupId, phone);
        var first = await GroupData.InvitationTokenAsync(phone, name);

        _clock.Advance(TimeSpan.FromDays(4));
        Assert.Equal(HttpStatusCode.BadRequest, (await _app.ApiClient().GetAsync($"/api/v1/invitations/{first}")).StatusCode);

        // The chair's bearer token has expired with the clock too: sign in again, remove and re-add.
        var again = _app.ApiClient();
        again.DefaultRequestHeaders.Authorization = chair.DefaultRequestHeaders.Authorization;
        if ((await again.GetAsync("/api/v1/me")).StatusCode == HttpStatusCode.Unauthorized)
        {
            var phoneOfChair = (string)(await GroupData.ScalarAsync("SELECT phone FROM group_members WHERE group_id = $1 AND role = 'chair'", groupId))!;
            var token = await TestData.TokenAsync(again, phoneOfChair, TestData.Password);
            again.DefaultRequestHeaders.Authorization = new("Bearer", (await token.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("accessToken").GetString());
        }
        Assert.Equal(HttpStatusCode.NoContent, (await GroupData.StatusAsync(again, groupId, memberId, "remove")).StatusCode);
        Assert.Equal(memberId, await GroupData.InviteAsync(again, groupId, phone));
        var second = GroupData.InvitationToken(await TestData.SmsAsync(phone,
            b => b.Contains(name, StringComparison.Ordinal) && !b.Contains(first, StringComparison.Ordinal)));
        Assert.NotEqual(first, second);

        var accepted = await _app.ApiClient().PostAsJsonAsync("/api/v1/invitations/accept", new { token = second, fullName = "Second Chance", password = "second chance passphrase 3" });
        Assert.True(accepted.StatusCode == HttpStatusCode.Created, await accepted.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, (await _app.ApiClient().GetAsync($"/api/v1/invitations/{first}")).StatusCode);
    }
}
