using System.Net;
using System.Net.Http.Json;
using System.Text;
using Pamoja.Web.Tests.Infrastructure;

namespace Pamoja.Web.Tests.Http;

/// Answers that carry secrets (tokens, a 2FA key, reset codes in a form, an invitation link)
/// must not be kept by a browser's or a proxy's cache: Cache-Control: no-store.
public sealed class NoStoreTests : IAsyncLifetime
{
    private PamojaFactory _app = null!;
    public async Task InitializeAsync() => _app = await PamojaFactory.SharedAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    private static void AssertNoStore(HttpResponseMessage response, string what) =>
        Assert.True(response.Headers.CacheControl?.NoStore == true, $"{what} ({(int)response.StatusCode}): Cache-Control is '{response.Headers.CacheControl}'");

    [Fact]
    public async Task Every_auth_api_answer_and_the_2fa_key_are_not_stored()
    {
        var phone = TestData.Phone();
        var client = _app.ApiClient();
        AssertNoStore(await client.PostAsJsonAsync("/api/v1/auth/register", new { phone, fullName = "Cache Member", password = TestData.Password }), "register");
        var token = await TestData.TokenAsync(client, phone, TestData.Password);
        AssertNoStore(token, "token");
        AssertNoStore(await TestData.TokenAsync(client, phone, "wrong password"), "token refused");
        AssertNoStore(await client.PostAsync("/api/v1/auth/token", new StringContent("{nonsense", Encoding.UTF8, "application/json")), "token malformed");
        AssertNoStore(await client.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = "nonsense" }), "refresh");
        AssertNoStore(await client.PostAsJsonAsync("/api/v1/auth/password-reset", new { login = phone }), "password-reset");
        AssertNoStore(await client.PostAsJsonAsync("/api/v1/auth/password-reset/confirm", new { login = phone, token = "ABCDE-FGHJK", newPassword = "a long new passphrase 1" }), "confirm");

        var signedIn = _app.ApiClient();
        signedIn.DefaultRequestHeaders.Authorization = new("Bearer", (await token.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("accessToken").GetString());
        AssertNoStore(await signedIn.PostAsync("/api/v1/me/2fa/setup", null), "2fa setup");
        AssertNoStore(await signedIn.GetAsync("/api/v1/me"), "me");
    }

    [Fact]
    public async Task The_reset_security_and_invitation_pages_are_not_stored()
    {
        AssertNoStore(await _app.Browser().GetAsync("/account/reset-password?login=%2B254700000000&code=ABCDE-FGHJK"), "reset page");

        var chair = _app.ApiClient();
        var chairPhone = await TestData.SignedInAsync(chair);
        var browser = await _app.SignedInBrowserAsync(chairPhone);
        AssertNoStore(await browser.GetAsync("/account/security"), "security page");

        var name = "No Store " + Guid.NewGuid().ToString("N")[..8];
        var groupId = await GroupData.CreateAsync(chair, GroupData.Stokvel(name));
        var invited = TestData.Phone();
        await GroupData.InviteAsync(chair, groupId, invited);
        var link = await GroupData.InvitationTokenAsync(invited, name);
        AssertNoStore(await _app.Browser().GetAsync($"/invitations/{link}"), "invitation page");
        AssertNoStore(await browser.GetAsync($"/invitations/{link}"), "invitation page, signed in as someone else");
        AssertNoStore(await _app.Browser().GetAsync("/invitations/not-a-token"), "invitation page, bad link");
        AssertNoStore(await _app.ApiClient().GetAsync($"/api/v1/invitations/{link}"), "invitation api");
    }
}
