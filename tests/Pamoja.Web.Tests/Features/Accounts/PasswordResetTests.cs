using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Npgsql;
using Pamoja.Web.Tests.Infrastructure;

namespace Pamoja.Web.Tests.Features.Accounts;

public sealed class PasswordResetTests : IAsyncLifetime
{
    private const string NewPassword = "a brand new passphrase 7";
    private PamojaFactory _app = null!;

    public async Task InitializeAsync() => _app = await PamojaFactory.SharedAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    private static Task<HttpResponseMessage> Confirm(HttpClient client, string login, string token, string newPassword = NewPassword) =>
        client.PostAsJsonAsync("/api/v1/auth/password-reset/confirm", new { login, token, newPassword });

    [Fact]
    public async Task The_code_arrives_by_SMS_resets_the_password_once_and_only_once()
    {
        var client = _app.ApiClient();
        var phone = TestData.Phone();
        await TestData.RegisterAsync(client, phone);

        var requested = await client.PostAsJsonAsync("/api/v1/auth/password-reset", new { login = phone });
        Assert.Equal(HttpStatusCode.Accepted, requested.StatusCode);
        var sms = await TestData.SmsAsync(phone);
        var code = TestData.ResetCodeFrom(sms);
        Assert.Contains("http://pamoja.test/account/reset-password?login=%2B", sms, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.NoContent, (await Confirm(client, phone, code.ToLowerInvariant().Replace("-", " ", StringComparison.Ordinal))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await TestData.TokenAsync(client, phone, TestData.Password)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await TestData.TokenAsync(client, phone, NewPassword)).StatusCode);

        var reused = await Confirm(client, phone, code, "yet another passphrase 8");
        Assert.Equal(HttpStatusCode.BadRequest, reused.StatusCode);
        Assert.True((await TestData.ProblemAsync(reused)).GetProperty("errors").TryGetProperty("token", out _));
        Assert.Equal(HttpStatusCode.OK, (await TestData.TokenAsync(client, phone, NewPassword)).StatusCode);
    }

    [Fact]
    public async Task Known_and_unknown_logins_get_the_same_answer_and_only_the_known_one_gets_an_SMS()
    {
        var client = _app.ApiClient();
        var known = TestData.Phone();
        await TestData.RegisterAsync(client, known);
        var unknown = TestData.Phone();

        var a = await client.PostAsJsonAsync("/api/v1/auth/password-reset", new { login = known });
        var b = await client.PostAsJsonAsync("/api/v1/auth/password-reset", new { login = unknown });
        Assert.Equal(HttpStatusCode.Accepted, a.StatusCode);
        Assert.Equal(a.StatusCode, b.StatusCode);
        Assert.Equal(await a.Content.ReadAsStringAsync(), await b.Content.ReadAsStringAsync());

        await TestData.SmsAsync(known);
        Assert.Empty(await TestData.AllSmsAsync(unknown));
    }

    [Fact]
    public async Task Concurrent_confirmations_with_one_code_succeed_once()
    {
        var phone = TestData.Phone();
        await TestData.RegisterAsync(_app.ApiClient(), phone);
        await _app.ApiClient().PostAsJsonAsync("/api/v1/auth/password-reset", new { login = phone });
        var code = TestData.ResetCodeFrom(await TestData.SmsAsync(phone));

        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => Confirm(_app.ApiClient(), phone, code, $"racing passphrase number {i}")));
        Assert.Single(results, r => r.StatusCode == HttpStatusCode.NoContent);
        Assert.All(results.Where(r => r.StatusCode != HttpStatusCode.NoContent), r => Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode));
    }

    [Fact]
    public async Task A_new_code_replaces_the_old_one_and_wrong_codes_fail()
    {
        var client = _app.ApiClient();
        var phone = TestData.Phone();
        await TestData.RegisterAsync(client, phone);

        await client.PostAsJsonAsync("/api/v1/auth/password-reset", new { login = phone });
        var first = TestData.ResetCodeFrom(await TestData.SmsAsync(phone));
        await client.PostAsJsonAsync("/api/v1/auth/password-reset", new { login = phone });
        var second = TestData.ResetCodeFrom(await TestData.SmsAsync(phone, body => !body.Contains(first, StringComparison.Ordinal)));

        Assert.Equal(HttpStatusCode.BadRequest, (await Confirm(client, phone, "ABCDE-FGHJK")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await Confirm(client, phone, first)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await Confirm(client, TestData.Phone(), second)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await Confirm(client, phone, second)).StatusCode);
    }

    [Fact]
    public async Task A_weak_new_password_is_refused_without_using_up_the_code()
    {
        var client = _app.ApiClient();
        var phone = TestData.Phone();
        await TestData.RegisterAsync(client, phone);
        await client.PostAsJsonAsync("/api/v1/auth/password-reset", new { login = phone });
        var code = TestData.ResetCodeFrom(await TestData.SmsAsync(phone));

        var weak = await Confirm(client, phone, code, "password123");
        Assert.Equal(HttpStatusCode.BadRequest, weak.StatusCode);
        Assert.True((await TestData.ProblemAsync(weak)).GetProperty("errors").TryGetProperty("newPassword", out _));
        Assert.Equal(HttpStatusCode.NoContent, (await Confirm(client, phone, code)).StatusCode);
    }

    [Fact]
    public async Task A_reset_ends_a_lockout()
    {
        var phone = TestData.Phone();
        await TestData.RegisterAsync(_app.ApiClient(), phone);
        for (var i = 0; i < 5; i++)
            await TestData.TokenAsync(_app.ApiClient(), phone, "wrong password " + i);
        Assert.Equal((HttpStatusCode)423, (await TestData.TokenAsync(_app.ApiClient(), phone, TestData.Password)).StatusCode);

        await _app.ApiClient().PostAsJsonAsync("/api/v1/auth/password-reset", new { login = phone });
        var code = TestData.ResetCodeFrom(await TestData.SmsAsync(phone));
        Assert.Equal(HttpStatusCode.NoContent, (await Confirm(_app.ApiClient(), phone, code)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await TestData.TokenAsync(_app.ApiClient(), phone, NewPassword)).StatusCode);
    }

    [Fact]
    public async Task Reset_requests_are_rate_limited_per_login()
    {
        var phone = TestData.Phone();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
            statuses.Add((await _app.ApiClient().PostAsJsonAsync("/api/v1/auth/password-reset", new { login = phone })).StatusCode);
        Assert.Equal([HttpStatusCode.Accepted, HttpStatusCode.Accepted, HttpStatusCode.Accepted,
            HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);
    }

    [Fact]
    public async Task The_code_is_stored_only_as_a_hash_and_its_SMS_body_is_erased_after_sending()
    {
        var phone = TestData.Phone();
        await TestData.RegisterAsync(_app.ApiClient(), phone);
        await _app.ApiClient().PostAsJsonAsync("/api/v1/auth/password-reset", new { login = phone });
        var code = TestData.ResetCodeFrom(await TestData.SmsAsync(phone));

        await using var db = new NpgsqlConnection(TestDatabase.ConnectionString);
        await db.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT body, status FROM notification_outbox WHERE recipient = $1", db) { Parameters = { new() { Value = phone } } };
        var deadline = DateTime.UtcNow.AddSeconds(10);
        (object Body, string Status) row;
        do
        {
            await using var reader = await cmd.ExecuteReaderAsync();
            Assert.True(await reader.ReadAsync());
            row = (reader.GetValue(0), reader.GetString(1));
        } while (row.Status != "sent" && DateTime.UtcNow < deadline);
        Assert.Equal("sent", row.Status);
        Assert.Equal(DBNull.Value, row.Body);

        await using var tokens = new NpgsqlCommand(
            "SELECT t.token_hash FROM password_reset_tokens t JOIN users u ON u.id = t.user_id WHERE u.user_name = $1", db)
        { Parameters = { new() { Value = phone } } };
        var stored = (byte[])(await tokens.ExecuteScalarAsync())!;
        var expected = System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(code.Replace("-", "", StringComparison.Ordinal)));
        Assert.Equal(expected, stored);
    }
}

/// Expiry on a clock the test moves: its own app instance, so moving time cannot disturb others.
public sealed class PasswordResetExpiryTests : IAsyncLifetime
{
    private readonly TestClock _clock = new(DateTimeOffset.UtcNow);
    private PamojaFactory _app = null!;

    public async Task InitializeAsync() => _app = await PamojaFactory.CreateAsync(_clock);
    public async Task DisposeAsync() => await _app.DisposeAsync();

    private static async Task<string> RequestCodeAsync(string phone, HttpClient client, string? previous = null)
    {
        Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsJsonAsync("/api/v1/auth/password-reset", new { login = phone })).StatusCode);
        return TestData.ResetCodeFrom(await TestData.SmsAsync(phone, body => previous is null || !body.Contains(previous, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_code_works_until_just_before_three_minutes_and_not_at_three_minutes()
    {
        var client = _app.ApiClient();
        var phone = TestData.Phone();
        await TestData.RegisterAsync(client, phone);

        var expired = await RequestCodeAsync(phone, client);
        _clock.Advance(TimeSpan.FromMinutes(3));
        var late = await client.PostAsJsonAsync("/api/v1/auth/password-reset/confirm", new { login = phone, token = expired, newPassword = "first new passphrase 1" });
        Assert.Equal(HttpStatusCode.BadRequest, late.StatusCode);

        var fresh = await RequestCodeAsync(phone, client, previous: expired);
        _clock.Advance(TimeSpan.FromMinutes(3) - TimeSpan.FromMilliseconds(1));
        var inTime = await client.PostAsJsonAsync("/api/v1/auth/password-reset/confirm", new { login = phone, token = fresh, newPassword = "second new passphrase 2" });
        Assert.Equal(HttpStatusCode.NoContent, inTime.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await TestData.TokenAsync(client, phone, "second new passphrase 2")).StatusCode);
    }
}
