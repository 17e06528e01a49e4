using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Npgsql;
using Pamoja.Web.Tests.Infrastructure;

namespace Pamoja.Web.Tests.Http;

/// Malformed, mistyped, missing and oversized input: a 4xx problem naming the field, never a
/// 500, and nothing written.
public sealed class BadInputTests : IAsyncLifetime
{
    private PamojaFactory _app = null!;

    public async Task InitializeAsync() => _app = await PamojaFactory.SharedAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    private static async Task<long> UserCountAsync()
    {
        await using var db = new NpgsqlConnection(TestDatabase.ConnectionString);
        await db.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT count(*) FROM users WHERE full_name = 'Bad Input'", db);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    private Task<HttpResponseMessage> PostRaw(string path, string body, string contentType = "application/json") =>
        _app.ApiClient().PostAsync(path, new StringContent(body, Encoding.UTF8, contentType));

    public static TheoryData<string, string> MalformedRegistrations => new()
    {
        { "{\"phone\": 254712345678, \"fullName\": \"Bad Input\", \"password\": \"long enough pass 1\"}", "phone" },
        { "{\"phone\": \"+254712345678\", \"fullName\": [\"Bad Input\"], \"password\": \"long enough pass 1\"}", "fullName" },
        { "{\"phone\": \"+254712345678\", \"fullName\": \"Bad Input\", \"password\": {\"x\": 1}}", "password" },
        { "{\"phone\": \"+254712345678\", \"fullName\": \"Bad Input\"", "body" },
        { "not json at all", "body" },
        { "[]", "body" },
        { "{\"phone\": \"0712345678\", \"fullName\": \"Bad Input\", \"password\": \"long enough pass 1\"}", "phone" },
        { "{\"phone\": \"+2547123456789999999\", \"fullName\": \"Bad Input\", \"password\": \"long enough pass 1\"}", "phone" },
        { "{\"phone\": \"+254abc\", \"fullName\": \"Bad Input\", \"password\": \"long enough pass 1\"}", "phone" },
        { "{\"fullName\": \"Bad Input\", \"password\": \"long enough pass 1\"}", "phone" },
        { "{\"phone\": \"+254712345678\", \"password\": \"long enough pass 1\"}", "fullName" },
        { "{\"phone\": \"+254712345678\", \"fullName\": \"Bad Input\"}", "password" },
        { "{\"phone\": \"+254712345678\", \"fullName\": \"Bad Input\", \"password\": \"long enough pass 1\", \"email\": \"not-an-email\"}", "email" },
        { "{\"phone\": \"+254712345678\", \"fullName\": \"" + new string('x', 101) + "\", \"password\": \"long enough pass 1\"}", "fullName" },
        { "{\"phone\": \"+254712345678\", \"fullName\": \"Bad Input\", \"password\": \"" + new string('p', 129) + "\"}", "password" },
        { "{\"phone\": \"" + new string('9', 5000) + "\", \"fullName\": \"Bad Input\", \"password\": \"long enough pass 1\"}", "phone" },
    };

    [Theory]
    [MemberData(nameof(MalformedRegistrations))]
    public async Task Malformed_registrations_get_a_400_naming_the_field_and_write_nothing(string body, string field)
    {
        var before = await UserCountAsync();
        var response = await PostRaw("/api/v1/auth/register", body);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await TestData.ProblemAsync(response);
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"expected errors.{field} in {problem}");
        Assert.Equal(before, await UserCountAsync());
    }

    [Fact]
    public async Task An_empty_body_is_a_400()
    {
        var response = await PostRaw("/api/v1/auth/register", "");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_huge_body_is_refused_with_413()
    {
        var response = await PostRaw("/api/v1/auth/register", "{\"phone\":\"" + new string('1', 200_000) + "\"}");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_wrong_content_type_is_a_4xx_not_a_500()
    {
        var response = await PostRaw("/api/v1/auth/token", "login=x&password=y", "application/x-www-form-urlencoded");
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    [Theory]
    [InlineData("/api/v1/auth/token", "{\"login\": 5, \"password\": \"x\"}", "login")]
    [InlineData("/api/v1/auth/token", "{\"login\": \"+254712345678\"}", "password")]
    [InlineData("/api/v1/auth/token", "{\"password\": \"x\"}", "login")]
    [InlineData("/api/v1/auth/password-reset", "{\"login\": null}", "login")]
    [InlineData("/api/v1/auth/password-reset", "{\"login\": true}", "login")]
    [InlineData("/api/v1/auth/password-reset/confirm", "{\"login\": \"+254712345678\", \"newPassword\": \"long enough pass 1\"}", "token")]
    [InlineData("/api/v1/auth/password-reset/confirm", "{\"login\": \"+254712345678\", \"token\": \"ABCDE\"}", "newPassword")]
    [InlineData("/api/v1/auth/refresh", "{}", "refreshToken")]
    public async Task Every_account_endpoint_names_the_bad_field(string path, string body, string field)
    {
        var response = await PostRaw(path, body);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await TestData.ProblemAsync(response)).GetProperty("errors").TryGetProperty(field, out _));
    }

    [Fact]
    public async Task Signed_in_endpoints_validate_their_bodies_too()
    {
        var client = _app.ApiClient();
        await TestData.SignedInAsync(client);
        var response = await client.PostAsync("/api/v1/me/2fa/enable", new StringContent("{\"code\": 123456}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await TestData.ProblemAsync(response)).GetProperty("errors").TryGetProperty("code", out _));
    }

    [Fact]
    public async Task Unknown_api_routes_are_404_problems()
    {
        var response = await _app.ApiClient().GetAsync("/api/v1/nothing-here");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
