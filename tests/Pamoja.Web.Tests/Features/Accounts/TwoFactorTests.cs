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
}
