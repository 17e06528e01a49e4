using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http;
using Pamoja.Web.Tests.Infrastructure;

namespace Pamoja.Web.Tests.Http;

/// Network:TrustForwardedHeaders trusts X-Forwarded-For only from Network:KnownProxies (by
/// default the loopback addresses, where nginx runs). Anyone else who reaches the port gets
/// counted by their own address, whatever X-Forwarded-For they send. The sender's address is
/// set on the test server's connection directly, as Kestrel would.
public sealed class ForwardedHeadersTests
{
    private static async Task<int> TokenAttemptAsync(PamojaFactory app, string remoteIp, string forwardedFor)
    {
        var body = Encoding.UTF8.GetBytes($"{{\"login\":\"{TestData.Phone()}\",\"password\":\"whatever password\"}}");
        var context = await app.Server.SendAsync(c =>
        {
            c.Request.Method = "POST";
            c.Request.Path = "/api/v1/auth/token";
            c.Request.ContentType = "application/json";
            c.Request.ContentLength = body.Length;
            c.Request.Body = new MemoryStream(body);
            c.Request.Headers["X-Forwarded-For"] = forwardedFor;
            c.Connection.RemoteIpAddress = IPAddress.Parse(remoteIp);
            c.Features.Set<Microsoft.AspNetCore.Http.Features.IHttpRequestBodyDetectionFeature>(new HasBody());
        });
        if (context.Response.StatusCode is not (401 or 429))
        {
            Assert.Fail($"{context.Response.StatusCode}: {await new StreamReader(context.Response.Body).ReadToEndAsync()}");
        }
        return context.Response.StatusCode;
    }

    private sealed class HasBody : Microsoft.AspNetCore.Http.Features.IHttpRequestBodyDetectionFeature
    {
        public bool CanHaveBody => true;
    }

    /// Five sign-in attempts from one sender, each claiming another client address: true when the
    /// per-IP limit (3 a minute here) stopped them, i.e. X-Forwarded-For was not believed.
    private static async Task<bool> SpoofingIsLimitedAsync(PamojaFactory app, string remoteIp)
    {
        var statuses = new List<int>();
        for (var i = 0; i < 5; i++)
            statuses.Add(await TokenAttemptAsync(app, remoteIp, TestData.Ip()));
        Assert.All(statuses, s => Assert.True(s is 401 or 429, $"status {s}"));
        return statuses.Contains(429);
    }

    private static Task<PamojaFactory> AppAsync(string? knownProxies, bool trust = true) => PamojaFactory.CreateAsync(settings: new Dictionary<string, string?>
    {
        ["Network:TrustForwardedHeaders"] = trust ? "true" : "false",
        ["Network:KnownProxies"] = knownProxies,
        ["RateLimits:SignInPerIpPerMinute"] = "3",
    });

    [Fact]
    public async Task By_default_only_loopback_may_set_the_client_address()
    {
        await using var app = await AppAsync(null);
        Assert.True(await SpoofingIsLimitedAsync(app, $"203.0.113.{Random.Shared.Next(1, 255)}"));
        Assert.False(await SpoofingIsLimitedAsync(app, "127.0.0.1"));
        Assert.False(await SpoofingIsLimitedAsync(app, "::1"));
        Assert.False(await SpoofingIsLimitedAsync(app, "::ffff:127.0.0.1"));
    }

    [Fact]
    public async Task Known_proxies_take_addresses_and_networks()
    {
        await using var app = await AppAsync("192.0.2.10, 10.0.0.0/8 ,2001:db8:5::/48");
        Assert.False(await SpoofingIsLimitedAsync(app, "192.0.2.10"));
        Assert.False(await SpoofingIsLimitedAsync(app, "10.20.30.40"));
        Assert.False(await SpoofingIsLimitedAsync(app, "2001:db8:5:1::7"));
        Assert.True(await SpoofingIsLimitedAsync(app, "192.0.2.11"));
        Assert.True(await SpoofingIsLimitedAsync(app, "127.0.0.1")); // the list replaces the default
    }

    [Fact]
    public async Task A_star_trusts_any_sender_which_only_tests_may_want()
    {
        await using var app = await AppAsync("*");
        Assert.False(await SpoofingIsLimitedAsync(app, $"198.51.100.{Random.Shared.Next(1, 255)}"));
    }

    [Fact]
    public async Task Without_TrustForwardedHeaders_nobody_sets_the_client_address()
    {
        await using var app = await AppAsync("*", trust: false);
        Assert.True(await SpoofingIsLimitedAsync(app, "127.0.0.1"));
    }

    [Theory]
    [InlineData("not-an-address")]
    [InlineData("10.0.0.0/99")]
    [InlineData("10.0.0.1, *")]
    public async Task A_wrong_known_proxy_stops_the_start_with_a_message_naming_the_setting(string value)
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(async () => await AppAsync(value));
        Assert.Contains("Network:KnownProxies", error.ToString(), StringComparison.Ordinal);
    }
}
