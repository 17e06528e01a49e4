using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Pamoja.Web.Tests.Infrastructure;

namespace Pamoja.Web.Tests.Features.Accounts;

/// Sign-up does not yet prove that the phone is the registrant's (docs/decisions/0003). A reset
/// code or an invitation link that arrived by SMS does: then the phone counts as confirmed. And
/// whoever registered someone else's number before its owner cannot lock the owner out with
/// two-factor sign-in: the owner's first reset by SMS turns it off.
public sealed class PhoneConfirmationTests : IAsyncLifetime
{
    private const string NewPassword = "a brand new passphrase 7";
    private PamojaFactory _app = null!;
    public async Task InitializeAsync() => _app = await PamojaFactory.SharedAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    private static async Task<JsonElement> MeAsync(HttpClient client) => await client.GetFromJsonAsync<JsonElement>("/api/v1/me");

    private readonly HashSet<string> _usedCodes = [];

    private async Task ResetAsync(string phone, string password = NewPassword)
    {
        Assert.Equal(HttpStatusCode.Accepted, (await _app.ApiClient().PostAsJsonAsync("/api/v1/auth/password-reset", new { login = phone })).StatusCode);
        var code = TestData.ResetCodeFrom(await TestData.SmsAsync(phone, b => b.Contains("reset code", StringComparison.Ordinal) && !_usedCodes.Contains(TestData.ResetCodeFrom(b))));
        _usedCodes.Add(code);
        var confirmed = await _app.ApiClient().PostAsJsonAsync("/api/v1/auth/password-reset/confirm", new { login = phone, token = code, newPassword = password });
        Assert.Equal(HttpStatusCode.NoContent, confirmed.StatusCode);
    }

    private async Task<HttpClient> SignInAsync(string phone, string password, string? code = null)
    {
        var response = await TestData.TokenAsync(_app.ApiClient(), phone, password, code);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        var client = _app.ApiClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString());
        return client;
    }

    private static async Task<string> EnableTwoFactorAsync(HttpClient client)
    {
        var key = (await (await client.PostAsync("/api/v1/me/2fa/setup", null)).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("sharedKey").GetString()!;
        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsJsonAsync("/api/v1/me/2fa/enable", new { code = Totp.Code(key, DateTimeOffset.UtcNow) })).StatusCode);
        return key;
    }

    [Fact]
    public async Task A_new_account_is_unconfirmed_and_a_reset_by_SMS_confirms_the_phone()
    {
        var client = _app.ApiClient();
        var phone = await TestData.SignedInAsync(client);
        Assert.False((await MeAsync(client)).GetProperty("phoneConfirmed").GetBoolean());

        await ResetAsync(phone);
        Assert.True((await MeAsync(await SignInAsync(phone, NewPassword))).GetProperty("phoneConfirmed").GetBoolean());
    }

    [Fact]
    public async Task The_first_reset_by_SMS_turns_off_two_factor_set_up_before_the_phone_was_proven()
    {
        // Someone registers a number that is not theirs and turns on 2FA with their own app.
        var squatter = _app.ApiClient();
        var phone = await TestData.SignedInAsync(squatter);
        var squattersKey = await EnableTwoFactorAsync(squatter);
        var userId = await GroupData.MyIdAsync(squatter);

        // The number's owner resets the password with the code sent to their phone.
        await ResetAsync(phone);
        var owner = await SignInAsync(phone, NewPassword); // no code needed any more
        var me = await MeAsync(owner);
        Assert.False(me.GetProperty("twoFactorEnabled").GetBoolean());
        Assert.True(me.GetProperty("phoneConfirmed").GetBoolean());

        // The squatter's key is worthless: a new set-up gives a new key.
        var setup = await (await owner.PostAsync("/api/v1/me/2fa/setup", null)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.NotEqual(squattersKey, setup.GetProperty("sharedKey").GetString());
        Assert.Equal(1, await GroupData.CountAsync(
            "SELECT count(*) FROM audit_log WHERE group_id IS NULL AND entity_type = 'user' AND entity_id = $1 AND action = 'account.two_factor_reset'", userId.ToString()));
        Assert.Contains(_app.Logs.Lines, l => l.Contains(userId.ToString(), StringComparison.Ordinal) && l.Contains("two-factor", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Once_the_phone_is_proven_a_reset_keeps_two_factor_on()
    {
        var client = _app.ApiClient();
        var phone = await TestData.SignedInAsync(client);
        await ResetAsync(phone); // proves the phone
        var signedIn = await SignInAsync(phone, NewPassword);
        var key = await EnableTwoFactorAsync(signedIn);

        await ResetAsync(phone, "another new passphrase 8");
        var withoutCode = await TestData.TokenAsync(_app.ApiClient(), phone, "another new passphrase 8");
        Assert.Equal(HttpStatusCode.Unauthorized, withoutCode.StatusCode);
        Assert.True((await TestData.ProblemAsync(withoutCode)).GetProperty("twoFactorRequired").GetBoolean());
        Assert.True((await MeAsync(await SignInAsync(phone, "another new passphrase 8", Totp.Code(key, DateTimeOffset.UtcNow)))).GetProperty("twoFactorEnabled").GetBoolean());
    }

    [Fact]
    public async Task Accepting_an_invitation_sent_by_SMS_confirms_the_phone_for_new_and_existing_accounts()
    {
        var chair = _app.ApiClient();
        await TestData.SignedInAsync(chair);
        var name = "Confirm Group " + Guid.NewGuid().ToString("N")[..8];
        var groupId = await GroupData.CreateAsync(chair, GroupData.Stokvel(name));

        var (_, existing, _) = await GroupData.AddActiveAsync(_app, chair, groupId);
        Assert.True((await MeAsync(existing)).GetProperty("phoneConfirmed").GetBoolean());

        var phone = TestData.Phone();
        await GroupData.InviteAsync(chair, groupId, phone);
        var token = await GroupData.InvitationTokenAsync(phone, name);
        var accepted = await _app.ApiClient().PostAsJsonAsync("/api/v1/invitations/accept", new { token, fullName = "New Person", password = NewPassword });
        Assert.Equal(HttpStatusCode.Created, accepted.StatusCode);
        Assert.True((await MeAsync(await SignInAsync(phone, NewPassword))).GetProperty("phoneConfirmed").GetBoolean());
    }
}
