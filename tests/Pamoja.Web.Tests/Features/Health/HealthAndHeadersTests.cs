using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Pamoja.Web.Tests.Infrastructure;

namespace Pamoja.Web.Tests.Features.Health;

public sealed class HealthAndHeadersTests : IAsyncLifetime
{
    private PamojaFactory _app = null!;

    public async Task InitializeAsync() => _app = await PamojaFactory.SharedAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Health_is_200_healthy_when_the_database_answers()
    {
        var response = await _app.ApiClient().GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("healthy", body.GetProperty("status").GetString());
        Assert.Equal("healthy", body.GetProperty("checks").GetProperty("database").GetString());
    }

    [Fact]
    public async Task Health_is_503_when_the_database_is_gone()
    {
        // Port 1 on loopback: nothing listens, so every connection is refused at once.
        await using var app = await PamojaFactory.CreateAsync(settings: new Dictionary<string, string?>
        {
            ["Database:MigrateOnStartup"] = "false",
        }, connectionString: "Host=127.0.0.1;Port=1;Database=none;Username=none;Password=none;Timeout=2");
        var response = await app.ApiClient().GetAsync("/health");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("unhealthy", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/account/sign-in")]
    [InlineData("/health")]
    [InlineData("/api/v1/me")]
    public async Task Every_response_carries_the_security_headers(string path)
    {
        var response = await _app.ApiClient().GetAsync(path);
        var csp = string.Join(' ', response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.Contains("default-src 'self'", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("DENY", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
        Assert.Equal("no-referrer", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
    }

    [Fact]
    public async Task Hsts_is_sent_over_https_outside_development()
    {
        var client = _app.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://pamoja.example") });
        var response = await client.GetAsync("/health");
        Assert.Contains("max-age=31536000", string.Join(' ', response.Headers.GetValues("Strict-Transport-Security")), StringComparison.Ordinal);
    }
}
