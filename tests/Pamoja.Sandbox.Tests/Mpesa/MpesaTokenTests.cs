using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Pamoja.Sandbox.Providers.Mpesa;

namespace Pamoja.Sandbox.Tests.Mpesa;

public sealed class MpesaTokenTests(FastMpesaSandbox fixture) : IClassFixture<FastMpesaSandbox>
{
    private MpesaSandbox Sandbox => fixture.Sandbox;

    [Fact]
    public async Task BasicCredentialsGetATokenWhoseExpiryIsAString()
    {
        using var response = await Sandbox.Client.SendAsync(TokenRequest("Basic " + Convert.ToBase64String("any-key:any-secret"u8.ToArray())));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await MpesaSandbox.JsonAsync(response);
        Assert.Equal(["access_token", "expires_in"], MpesaSandbox.Names(body));
        Assert.Matches("^[A-Za-z0-9]{28}$", body.GetProperty("access_token").GetString());
        Assert.Equal("3599", body.GetProperty("expires_in").GetString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer abc")]
    [InlineData("Basic not-base64!")]
    [InlineData("Basic a2V5LW9ubHk=")] // "key-only": no secret
    public async Task AnythingButBasicKeyAndSecretIsInvalidAuthentication(string? authorization)
    {
        using var response = await Sandbox.Client.SendAsync(TokenRequest(authorization));

        await AssertErrorAsync(response, HttpStatusCode.BadRequest, "400.008.01", "Invalid Authentication passed");
    }

    [Theory]
    [InlineData("/oauth/v1/generate?grant_type=password")]
    [InlineData("/oauth/v1/generate")]
    [InlineData("/oauth/v1/generate?grant_type=CLIENT_CREDENTIALS")]
    public async Task AnyOtherGrantTypeIsRefused(string path)
    {
        using var response = await Sandbox.Client.SendAsync(TokenRequest("Basic " + Convert.ToBase64String("k:s"u8.ToArray()), path));

        await AssertErrorAsync(response, HttpStatusCode.BadRequest, "400.008.02", "Invalid grant type passed");
    }

    [Fact]
    public async Task ApiCallsNeedABearerTokenTheSandboxIssued()
    {
        var body = MpesaSandbox.StkBody(MpesaScripts.Phone(), Sandbox.Receiver.NewUrl());

        using var noHeader = new HttpRequestMessage(HttpMethod.Post, "/mpesa/stkpush/v1/processrequest") { Content = JsonContent(body) };
        using (var response = await Sandbox.Client.SendAsync(noHeader))
        {
            await AssertErrorAsync(response, HttpStatusCode.NotFound, "404.001.04", "Invalid Authentication Header");
        }
        using (var response = await Sandbox.PostAsync("/mpesa/stkpush/v1/processrequest", body, token: "not-a-token-we-issued"))
        {
            await AssertErrorAsync(response, HttpStatusCode.Unauthorized, "404.001.03", "Invalid Access Token");
        }
        // The same body with a real token goes through: only the token was wrong.
        using (var response = await Sandbox.PostAsync("/mpesa/stkpush/v1/processrequest", body))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    [Fact]
    public async Task TokensExpireAfterAnHour()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        await using var sandbox = await MpesaSandbox.StartAsync(clock: clock);
        var token = await sandbox.TokenAsync();
        var query = MpesaSandbox.StkQueryBody("ws_CO_unknown");

        using (var fresh = await sandbox.PostAsync("/mpesa/stkpushquery/v1/query", query, token))
        {
            // Past the token check: refused for the unknown id, not for the token.
            Assert.Equal("400.002.02", (await MpesaSandbox.JsonAsync(fresh)).GetProperty("errorCode").GetString());
        }

        clock.Advance(TimeSpan.FromSeconds(3599));
        using (var stillValid = await sandbox.PostAsync("/mpesa/stkpushquery/v1/query", query, token))
        {
            Assert.Equal("400.002.02", (await MpesaSandbox.JsonAsync(stillValid)).GetProperty("errorCode").GetString());
        }

        clock.Advance(TimeSpan.FromSeconds(1));
        using var expired = await sandbox.PostAsync("/mpesa/stkpushquery/v1/query", query, token);
        await AssertErrorAsync(expired, HttpStatusCode.Unauthorized, "404.001.03", "Invalid Access Token");
    }

    internal static async Task AssertErrorAsync(HttpResponseMessage response, HttpStatusCode status, string code, string message)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var body = await MpesaSandbox.JsonAsync(response);
        Assert.Equal(["requestId", "errorCode", "errorMessage"], MpesaSandbox.Names(body));
        Assert.False(string.IsNullOrEmpty(body.GetProperty("requestId").GetString()));
        Assert.Equal(code, body.GetProperty("errorCode").GetString());
        Assert.Equal(message, body.GetProperty("errorMessage").GetString());
    }

    private static HttpRequestMessage TokenRequest(string? authorization, string path = "/oauth/v1/generate?grant_type=client_credentials")
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }
        return request;
    }

    private static StringContent JsonContent(JsonNode body)
    {
        var content = new StringContent(body.ToJsonString());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }
}

// A clock the test moves by hand. Only "now" is manual: delays still run on real time.
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private readonly Lock _lock = new();
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow()
    {
        lock (_lock) return _now;
    }

    public void Advance(TimeSpan by)
    {
        lock (_lock) _now += by;
    }
}
