using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Pamoja.Web.Tests.Infrastructure;

namespace Pamoja.Web.Tests.Features.Accounts;

public sealed class TwoFactorTests : IAsyncLifetime
{
    private PamojaFactory _app = null!;

    public async Task InitializeAsync() => _app = await PamojaFactory.SharedAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Setup_enable_then_sign_in_needs_the_authenticator_code()
    {
        var client = _app.ApiClient();
        var phone = await TestData.SignedInAsync(client);

        var setup = await (await client.PostAsync("/api/v1/me/2fa/setup", null)).Content.ReadFromJsonAsync<JsonElement>();
        var key = setup.GetProperty("sharedKey").GetString()!;
        var uri = setup.GetProperty("otpauthUri").GetString()!;
        Assert.StartsWith("otpauth://totp/Pamoja%3A%2B", uri, StringComparison.Ordinal);
        Assert.Contains("secret=" + key.Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant(), uri, StringComparison.Ordinal);

        var wrong = await client.PostAsJsonAsync("/api/v1/me/2fa/enable", new { code = "000000" == Totp.Code(key, DateTimeOffset.UtcNow) ? "111111" : "000000" });
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        var enable = await client.PostAsJsonAsync("/api/v1/me/2fa/enable", new { code = Totp.Code(key, DateTimeOffset.UtcNow) });
        Assert.Equal(HttpStatusCode.NoContent, enable.StatusCode);
        Assert.True((await client.GetFromJsonAsync<JsonElement>("/api/v1/me")).GetProperty("twoFactorEnabled").GetBoolean());

        var withoutCode = await TestData.TokenAsync(_app.ApiClient(), phone, TestData.Password);
        Assert.Equal(HttpStatusCode.Unauthorized, withoutCode.StatusCode);
        Assert.True((await TestData.ProblemAsync(withoutCode)).GetProperty("twoFactorRequired").GetBoolean());

        var badCode = await TestData.TokenAsync(_app.ApiClient(), phone, TestData.Password, "123 456" == Totp.Code(key, DateTimeOffset.UtcNow) ? "654321" : "123456");
        Assert.Equal(HttpStatusCode.Unauthorized, badCode.StatusCode);

        var withCode = await TestData.TokenAsync(_app.ApiClient(), phone, TestData.Password, Totp.Code(key, DateTimeOffset.UtcNow));
        Assert.Equal(HttpStatusCode.OK, withCode.StatusCode);

        // Setting up again while it is on would silently break the member's app: refused.
        Assert.Equal(HttpStatusCode.Conflict, (await client.PostAsync("/api/v1/me/2fa/setup", null)).StatusCode);
    }

    [Fact]
    public async Task Enable_without_setup_is_refused()
    {
        var client = _app.ApiClient();
        await TestData.SignedInAsync(client);
        var response = await client.PostAsJsonAsync("/api/v1/me/2fa/enable", new { code = "123456" });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.False((await client.GetFromJsonAsync<JsonElement>("/api/v1/me")).GetProperty("twoFactorEnabled").GetBoolean());
    }

    [Fact]
    public async Task Wrong_codes_count_towards_lockout()
    {
        var client = _app.ApiClient();
        var phone = await TestData.SignedInAsync(client);
        var key = (await (await client.PostAsync("/api/v1/me/2fa/setup", null)).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("sharedKey").GetString()!;
        await client.PostAsJsonAsync("/api/v1/me/2fa/enable", new { code = Totp.Code(key, DateTimeOffset.UtcNow) });

        var last = HttpStatusCode.OK;
        for (var i = 0; i < 5; i++)
        {
            var wrong = Totp.Code(key, DateTimeOffset.UtcNow) == "999999" ? "888888" : "999999";
            last = (await TestData.TokenAsync(_app.ApiClient(), phone, TestData.Password, wrong)).StatusCode;
        }
        Assert.Equal((HttpStatusCode)423, last);
    }

    /// Signs in, sets up and enables 2FA; returns the client, its phone and the key.
    private async Task<(HttpClient Client, string Phone, string Key)> WithTwoFactorAsync()
    {
        var client = _app.ApiClient();
        var phone = await TestData.SignedInAsync(client);
        var key = (await (await client.PostAsync("/api/v1/me/2fa/setup", null)).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("sharedKey").GetString()!;
        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsJsonAsync("/api/v1/me/2fa/enable", new { code = Totp.Code(key, DateTimeOffset.UtcNow) })).StatusCode);
        return (client, phone, key);
    }

    private static string Wrong(string key) => Totp.Code(key, DateTimeOffset.UtcNow) == "999999" ? "888888" : "999999";

    private static async Task<bool> TwoFactorOnAsync(HttpClient client) =>
        (await client.GetFromJsonAsync<JsonElement>("/api/v1/me")).GetProperty("twoFactorEnabled").GetBoolean();

    [Fact]
    public async Task Guessing_the_code_to_turn_2FA_off_locks_the_account_like_guessing_a_password()
    {
        // Someone holding a stolen access token must not be able to try codes until one fits.
        var (client, phone, key) = await WithTwoFactorAsync();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
            statuses.Add((await client.PostAsJsonAsync("/api/v1/me/2fa/disable", new { code = Wrong(key) })).StatusCode);
        Assert.Equal([HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, (HttpStatusCode)423], statuses);

        var right = await client.PostAsJsonAsync("/api/v1/me/2fa/disable", new { code = Totp.Code(key, DateTimeOffset.UtcNow) });
        Assert.Equal((HttpStatusCode)423, right.StatusCode);
        Assert.NotNull(right.Headers.RetryAfter);
        Assert.True(await TwoFactorOnAsync(client));
        Assert.Equal((HttpStatusCode)423, (await TestData.TokenAsync(_app.ApiClient(), phone, TestData.Password, Totp.Code(key, DateTimeOffset.UtcNow))).StatusCode);
    }

    [Fact]
    public async Task Wrong_codes_when_turning_2FA_on_count_towards_lockout_too()
    {
        var client = _app.ApiClient();
        await TestData.SignedInAsync(client);
        var key = (await (await client.PostAsync("/api/v1/me/2fa/setup", null)).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("sharedKey").GetString()!;
        var last = HttpStatusCode.OK;
        for (var i = 0; i < 5; i++)
            last = (await client.PostAsJsonAsync("/api/v1/me/2fa/enable", new { code = Wrong(key) })).StatusCode;
        Assert.Equal((HttpStatusCode)423, last);
        Assert.False(await TwoFactorOnAsync(client));
    }

    [Fact]
    public async Task Code_attempts_on_2FA_are_rate_limited_with_the_sign_ins_of_the_account()
    {
        var (client, _, key) = await WithTwoFactorAsync();
        HttpResponseMessage? limited = null;
        for (var i = 0; i < 12 && limited is null; i++)
        {
            var response = await client.PostAsJsonAsync("/api/v1/me/2fa/disable", new { code = Wrong(key) });
            if (response.StatusCode == HttpStatusCode.TooManyRequests) limited = response;
        }
        Assert.NotNull(limited);
        Assert.True(limited.Headers.RetryAfter?.Delta > TimeSpan.Zero);
    }

    [Theory]
    [InlineData("{0} {1}")]
    [InlineData("{0}-{1}")]
    [InlineData(" {0}{1} ")]
    public async Task Codes_may_be_typed_with_a_space_or_a_dash_everywhere(string format)
    {
        var (client, phone, key) = await WithTwoFactorAsync();
        string Typed() => string.Format(System.Globalization.CultureInfo.InvariantCulture, format, Totp.Code(key, DateTimeOffset.UtcNow)[..3], Totp.Code(key, DateTimeOffset.UtcNow)[3..]);
        Assert.Equal(HttpStatusCode.OK, (await TestData.TokenAsync(_app.ApiClient(), phone, TestData.Password, Typed())).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsJsonAsync("/api/v1/me/2fa/disable", new { code = Typed() })).StatusCode);
        Assert.False(await TwoFactorOnAsync(client));
    }

    [Fact]
    public async Task The_security_page_locks_the_account_after_wrong_codes_too()
    {
        var (_, phone, key) = await WithTwoFactorAsync();
        var browser = await _app.SignedInBrowserAsync(phone, Totp.Code(key, DateTimeOffset.UtcNow));
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
            statuses.Add((await Forms.SubmitAsync(browser, "/account/security", new Dictionary<string, string> { ["Code"] = Wrong(key) },
                "/account/security?handler=Disable")).StatusCode);
        Assert.Equal((HttpStatusCode)423, statuses[^1]);
        Assert.All(statuses[..^1], s => Assert.Equal(HttpStatusCode.OK, s));
    }
}
