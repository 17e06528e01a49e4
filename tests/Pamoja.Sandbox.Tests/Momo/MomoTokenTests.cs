using System.Net;
using System.Text;
using Pamoja.Sandbox.Providers.Momo;

namespace Pamoja.Sandbox.Tests.Momo;

public sealed class MomoTokenTests(MomoSandboxFixture fixture) : IClassFixture<MomoSandboxFixture>
{
    private MomoTestSandbox Sandbox => fixture.Sandbox;

    [Theory]
    [InlineData(MomoProduct.Collection)]
    [InlineData(MomoProduct.Disbursement)]
    public async Task TokenIsIssuedForAnHourToAValidApiUser(MomoProduct product)
    {
        using var response = await Sandbox.Client.SendAsync(MomoTestSandbox.TokenRequest(product, MomoTestSandbox.Basic(Sandbox.ApiUser, Sandbox.ApiKey)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await MomoTestSandbox.ReadJsonAsync(response);
        Assert.Equal("access_token", body.GetProperty("token_type").GetString());
        Assert.Equal(3600, body.GetProperty("expires_in").GetInt32());
        // Shaped like MTN's JWTs: three base64url parts.
        Assert.Matches(@"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$", body.GetProperty("access_token").GetString());
    }

    public static TheoryData<string?> BadBasics() => new()
    {
        null,
        "!!!not base64!!!",
        Convert.ToBase64String(Encoding.UTF8.GetBytes("no-colon")),
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Guid.NewGuid()}:some-key")),
        Convert.ToBase64String(Encoding.UTF8.GetBytes("not-a-guid:some-key")),
    };

    [Theory]
    [MemberData(nameof(BadBasics))]
    public async Task BadBasicCredentialsAreLoginFailed(string? basic)
    {
        using var response = await Sandbox.Client.SendAsync(MomoTestSandbox.TokenRequest(MomoProduct.Collection, basic));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("login_failed", (await MomoTestSandbox.ReadJsonAsync(response)).GetProperty("error").GetString());
    }

    [Fact]
    public async Task WrongApiKeyIsLoginFailed()
    {
        using var response = await Sandbox.Client.SendAsync(
            MomoTestSandbox.TokenRequest(MomoProduct.Disbursement, MomoTestSandbox.Basic(Sandbox.ApiUser, "0123456789abcdef0123456789abcdef")));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task TokenNeedsASubscriptionKey()
    {
        using var response = await Sandbox.Client.SendAsync(
            MomoTestSandbox.TokenRequest(MomoProduct.Collection, MomoTestSandbox.Basic(Sandbox.ApiUser, Sandbox.ApiKey), subscriptionKey: null));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(401, (await MomoTestSandbox.ReadJsonAsync(response)).GetProperty("statusCode").GetInt32());
    }

    [Fact]
    public async Task TokenPathNeedsItsTrailingSlash()
    {
        using var response = await Sandbox.Client.SendAsync(
            MomoTestSandbox.TokenRequest(MomoProduct.Collection, MomoTestSandbox.Basic(Sandbox.ApiUser, Sandbox.ApiKey), path: "/collection/token"));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task CollectionTokenIsRefusedOnDisbursementAndTheOtherWayRound()
    {
        var id = Guid.NewGuid();
        using (var transfer = await Sandbox.Client.SendAsync(Sandbox.PaymentRequest(MomoProduct.Disbursement, id,
                   MomoTestSandbox.Body(MomoProduct.Disbursement, MomoTestSandbox.FreshMsisdn()), token: Sandbox.CollectionToken)))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, transfer.StatusCode);
            Assert.Equal("UNAUTHORIZED", (await MomoTestSandbox.ReadJsonAsync(transfer)).GetProperty("code").GetString());
        }
        using (var status = await Sandbox.Client.SendAsync(Sandbox.StatusRequest(MomoProduct.Collection, id.ToString(), token: Sandbox.DisbursementToken)))
            Assert.Equal(HttpStatusCode.Unauthorized, status.StatusCode);

        // Nothing was recorded by the refused transfer.
        Assert.Empty(await Sandbox.TransactionsAsync($"?referenceId={id}"));
    }

    [Fact]
    public async Task UnknownBearerTokenIsRefused()
    {
        using var response = await Sandbox.Client.SendAsync(Sandbox.PaymentRequest(MomoProduct.Collection, Guid.NewGuid(),
            MomoTestSandbox.Body(MomoProduct.Collection, MomoTestSandbox.FreshMsisdn()), token: "eyJ.forged.token"));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task ExpiredTokenIsRefused()
    {
        var clock = new ManualClock();
        await using var sandbox = await MomoTestSandbox.StartAsync(clock);
        var before = Guid.NewGuid();
        using (var r = await sandbox.Client.SendAsync(sandbox.PaymentRequest(MomoProduct.Collection, before,
                   MomoTestSandbox.Body(MomoProduct.Collection, MomoTestSandbox.FreshMsisdn()))))
            Assert.Equal(HttpStatusCode.Accepted, r.StatusCode);

        clock.Advance(TimeSpan.FromHours(1));

        using var response = await sandbox.Client.SendAsync(sandbox.StatusRequest(MomoProduct.Collection, before.ToString()));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("expired", (await MomoTestSandbox.ReadJsonAsync(response)).GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task EveryIssuedTokenIsListed()
    {
        var (user, key) = await Sandbox.ProvisionAsync("127.0.0.1");
        await Sandbox.TokenAsync(MomoProduct.Collection, user, key);
        await Sandbox.TokenAsync(MomoProduct.Collection, user, key);
        await Sandbox.TokenAsync(MomoProduct.Disbursement, user, key);

        var listed = (await MomoTestSandbox.ReadJsonAsync(await Sandbox.Client.GetAsync(MomoSandboxApi.TokensPath)))
            .EnumerateArray().Where(t => t.GetProperty("apiUser").GetGuid() == user).ToArray();

        Assert.Equal(2, listed.Count(t => t.GetProperty("product").GetString() == "collection"));
        Assert.Equal(1, listed.Count(t => t.GetProperty("product").GetString() == "disbursement"));
        Assert.All(listed, t => Assert.False(t.TryGetProperty("token", out _)));
    }
}
