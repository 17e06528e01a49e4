using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Pamoja.Web.Tests.Infrastructure;

namespace Pamoja.Web.Tests.Features.Accounts;

public sealed class RegisterAndTokenTests : IAsyncLifetime
{
    private PamojaFactory _app = null!;

    public async Task InitializeAsync() => _app = await PamojaFactory.SharedAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Register_then_token_then_me_returns_the_account()
    {
        var client = _app.ApiClient();
        var phone = TestData.Phone();
        var id = await TestData.RegisterAsync(client, phone, email: $"{phone[1..]}@example.org");

        var token = await TestData.TokenAsync(client, phone, TestData.Password);
        Assert.Equal(HttpStatusCode.OK, token.StatusCode);
        var body = await token.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Bearer", body.GetProperty("tokenType").GetString());
        Assert.True(body.GetProperty("expiresIn").GetInt32() > 0);

        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", body.GetProperty("accessToken").GetString());
        var me = await client.GetFromJsonAsync<JsonElement>("/api/v1/me");
        Assert.Equal(id, me.GetProperty("id").GetGuid());
        Assert.Equal(phone, me.GetProperty("phone").GetString());
        Assert.Equal("Test Member", me.GetProperty("fullName").GetString());
        Assert.Equal($"{phone[1..]}@example.org", me.GetProperty("email").GetString());
        Assert.False(me.GetProperty("twoFactorEnabled").GetBoolean());
    }

    [Fact]
    public async Task Phone_is_normalised_to_E164_and_email_is_a_login_too()
    {
        var client = _app.ApiClient();
        var phone = TestData.Phone(); // +2547XXXXXXXX
        var spaced = $"{phone[..4]} {phone[4..7]} {phone[7..10]}-{phone[10..]}";
        var email = $"m{phone[1..]}@example.org";
        await TestData.RegisterAsync(client, spaced, email: email);

        Assert.Equal(HttpStatusCode.OK, (await TestData.TokenAsync(client, phone, TestData.Password)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await TestData.TokenAsync(client, email.ToUpperInvariant(), TestData.Password)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await TestData.TokenAsync(client, "00" + phone[1..], TestData.Password)).StatusCode);
    }

    [Fact]
    public async Task A_phone_or_email_registers_once()
    {
        var client = _app.ApiClient();
        var phone = TestData.Phone();
        var email = $"d{phone[1..]}@example.org";
        await TestData.RegisterAsync(client, phone, email: email);

        var samePhone = await client.PostAsJsonAsync("/api/v1/auth/register", new { phone, fullName = "Other", password = TestData.Password });
        Assert.Equal(HttpStatusCode.Conflict, samePhone.StatusCode);
        var sameEmail = await client.PostAsJsonAsync("/api/v1/auth/register", new { phone = TestData.Phone(), fullName = "Other", password = TestData.Password, email });
        Assert.Equal(HttpStatusCode.Conflict, sameEmail.StatusCode);
    }

    [Fact]
    public async Task Concurrent_registrations_of_one_phone_create_one_account()
    {
        var phone = TestData.Phone();
        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
            _app.ApiClient().PostAsJsonAsync("/api/v1/auth/register", new { phone, fullName = "Racer", password = TestData.Password })));
        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.Created), r => Assert.Equal(HttpStatusCode.Conflict, r.StatusCode));
    }

    [Theory]
    [InlineData("short", "at least 10")]
    [InlineData("password123", "commonly used")]
    [InlineData("QWERTYUIOP", "commonly used")]
    [InlineData("1234567890", "commonly used")]
    public async Task Weak_passwords_are_refused_with_the_reason(string password, string reason)
    {
        var client = _app.ApiClient();
        var response = await client.PostAsJsonAsync("/api/v1/auth/register", new { phone = TestData.Phone(), fullName = "Weak", password });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await TestData.ProblemAsync(response);
        var messages = problem.GetProperty("errors").GetProperty("password").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Contains(messages, m => m!.Contains(reason, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task A_password_containing_the_phone_number_is_refused()
    {
        var phone = TestData.Phone();
        var response = await _app.ApiClient().PostAsJsonAsync("/api/v1/auth/register",
            new { phone, fullName = "Lazy", password = "mypin" + phone[1..] });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Wrong_password_and_unknown_login_get_the_same_401()
    {
        var client = _app.ApiClient();
        var phone = TestData.Phone();
        await TestData.RegisterAsync(client, phone);

        var wrong = await TestData.TokenAsync(client, phone, "not the password at all");
        var unknown = await TestData.TokenAsync(client, TestData.Phone(), "not the password at all");
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
        var a = await TestData.ProblemAsync(wrong);
        var b = await TestData.ProblemAsync(unknown);
        Assert.Equal(a.GetProperty("title").GetString(), b.GetProperty("title").GetString());
        Assert.Equal(a.GetProperty("detail").GetString(), b.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Five_wrong_passwords_lock_the_account_with_423_even_for_the_right_password()
    {
        var phone = TestData.Phone();
        await TestData.RegisterAsync(_app.ApiClient(), phone);

        for (var i = 0; i < 4; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await TestData.TokenAsync(_app.ApiClient(), phone, "wrong password " + i)).StatusCode);
        var fifth = await TestData.TokenAsync(_app.ApiClient(), phone, "wrong password 5");
        Assert.Equal((HttpStatusCode)423, fifth.StatusCode);

        var right = await TestData.TokenAsync(_app.ApiClient(), phone, TestData.Password);
        Assert.Equal((HttpStatusCode)423, right.StatusCode);
        Assert.NotNull(right.Headers.RetryAfter);
        Assert.Equal("Account locked", (await TestData.ProblemAsync(right)).GetProperty("title").GetString());
    }

    [Fact]
    public async Task Sign_in_is_rate_limited_per_ip_with_retry_after()
    {
        var ip = TestData.Ip();
        HttpResponseMessage? limited = null;
        // Default: 20 sign-in attempts per IP per minute, each for a different login.
        for (var i = 0; i < 25 && limited is null; i++)
        {
            var response = await TestData.TokenAsync(_app.ApiClient(ip), TestData.Phone(), "whatever password");
            if (response.StatusCode == HttpStatusCode.TooManyRequests) limited = response;
            else Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }
        Assert.NotNull(limited);
        Assert.True(limited.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        Assert.Equal(HttpStatusCode.Unauthorized, (await TestData.TokenAsync(_app.ApiClient(), TestData.Phone(), "whatever password")).StatusCode);
    }

    [Fact]
    public async Task Sign_in_is_rate_limited_per_login_across_ips()
    {
        var login = TestData.Phone(); // no account: the limit applies before the lookup, so it cannot enumerate
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 12; i++)
            statuses.Add((await TestData.TokenAsync(_app.ApiClient(), login, "guess " + i)).StatusCode);
        Assert.Equal(10, statuses.Count(s => s == HttpStatusCode.Unauthorized));
        Assert.Equal(2, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
    }

    [Fact]
    public async Task The_api_refuses_missing_and_forged_tokens_and_cookies()
    {
        var client = _app.ApiClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/me")).StatusCode);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "CfDJ8forged-token");
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/me")).StatusCode);
    }

    [Fact]
    public async Task A_refresh_token_gives_a_new_access_token()
    {
        var client = _app.ApiClient();
        var phone = TestData.Phone();
        await TestData.RegisterAsync(client, phone);
        var first = await (await TestData.TokenAsync(client, phone, TestData.Password)).Content.ReadFromJsonAsync<JsonElement>();

        var refreshed = await client.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = first.GetProperty("refreshToken").GetString() });
        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        var bogus = await client.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = "nonsense" });
        Assert.Equal(HttpStatusCode.Unauthorized, bogus.StatusCode);
    }
}
