using System.Text;
using System.Text.Json;
using Pamoja.Web.Integrations.Momo;
using Pamoja.Web.Integrations.Payments;
using Pamoja.Web.Tests.Infrastructure;

namespace Pamoja.Web.Tests.Integrations.Momo;

// Tokens and sandbox provisioning, counted by the sandbox itself (/sandbox/momo/tokens). Each
// test has a sandbox of its own so the counts are its own.
public sealed class MomoClientTests
{
    [Fact]
    public async Task OneTokenPerProductIsSharedByEveryPayment()
    {
        await using var host = await MomoTestHost.StartAsync();
        var gateway = host.Gateway();

        for (var i = 0; i < 3; i++)
            Assert.Equal(GatewayStatus.Pending, (await gateway.StartAsync(host.Request(PaymentDirection.Collection, MomoTestHost.FreshPhone()), CancellationToken.None)).Status);
        for (var i = 0; i < 2; i++)
            Assert.Equal(GatewayStatus.Pending, (await gateway.StartAsync(host.Request(PaymentDirection.Payout, MomoTestHost.FreshPhone()), CancellationToken.None)).Status);

        var tokens = await host.TokensAsync();
        Assert.Equal(1, tokens.Count(t => t.GetProperty("product").GetString() == "collection"));
        Assert.Equal(1, tokens.Count(t => t.GetProperty("product").GetString() == "disbursement"));
    }

    [Fact]
    public async Task ConcurrentFirstCallsFetchOneToken()
    {
        await using var host = await MomoTestHost.StartAsync();
        var gateway = host.Gateway();

        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ =>
            gateway.StartAsync(host.Request(PaymentDirection.Payout, MomoTestHost.FreshPhone()), CancellationToken.None)));

        Assert.All(answers, a => Assert.Equal(GatewayStatus.Pending, a.Status));
        Assert.Single(await host.TokensAsync());
    }

    [Fact]
    public async Task TokenIsRefreshedAboutTenMinutesBeforeItExpires()
    {
        await using var host = await MomoTestHost.StartAsync();
        var clock = new TestClock(DateTimeOffset.UtcNow);
        var client = MomoTestHost.Client(host.Options(), clock);

        var first = await client.AccessTokenAsync(MomoProduct.Collection, "127.0.0.1", CancellationToken.None);
        clock.Advance(TimeSpan.FromMinutes(49));
        var stillFirst = await client.AccessTokenAsync(MomoProduct.Collection, "127.0.0.1", CancellationToken.None);
        clock.Advance(TimeSpan.FromMinutes(2));
        var second = await client.AccessTokenAsync(MomoProduct.Collection, "127.0.0.1", CancellationToken.None);

        Assert.NotNull(first.Token);
        Assert.Equal(first.Token, stillFirst.Token);
        Assert.NotEqual(first.Token, second.Token);
        Assert.Equal(2, (await host.TokensAsync()).Length);
    }

    [Fact]
    public async Task SandboxApiUserIsProvisionedWithTheCallbackHostAndFoundAgainAfterARestart()
    {
        await using var host = await MomoTestHost.StartAsync();
        var options = host.Options();

        Assert.NotNull((await MomoTestHost.Client(options).AccessTokenAsync(MomoProduct.Disbursement, "127.0.0.1", CancellationToken.None)).Token);
        // A second process with the same settings (Pamoja restarted) finds the same user: 409, new key.
        Assert.NotNull((await MomoTestHost.Client(options).AccessTokenAsync(MomoProduct.Disbursement, "127.0.0.1", CancellationToken.None)).Token);

        var users = (await host.TokensAsync()).Select(t => t.GetProperty("apiUser").GetString()).Distinct().ToList();
        var user = Assert.Single(users);
        using var read = new HttpRequestMessage(HttpMethod.Get, $"/v1_0/apiuser/{user}");
        read.Headers.Add("Ocp-Apim-Subscription-Key", options.DisbursementSubscriptionKey);
        using var response = await host.Http.SendAsync(read);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("127.0.0.1", doc.RootElement.GetProperty("providerCallbackHost").GetString());
        Assert.Equal("sandbox", doc.RootElement.GetProperty("targetEnvironment").GetString());
        Assert.True(Guid.TryParse(user, out var id) && MomoReference.IsV4(id));
    }

    [Fact]
    public async Task ConfiguredApiUserIsUsedAsIs()
    {
        await using var host = await MomoTestHost.StartAsync();
        var user = Guid.NewGuid();
        using (var create = new HttpRequestMessage(HttpMethod.Post, "/v1_0/apiuser") { Content = new StringContent("""{"providerCallbackHost":"127.0.0.1"}""", Encoding.UTF8, "application/json") })
        {
            create.Headers.Add("X-Reference-Id", user.ToString());
            create.Headers.Add("Ocp-Apim-Subscription-Key", "k");
            (await host.Http.SendAsync(create)).Dispose();
        }
        using var keyRequest = new HttpRequestMessage(HttpMethod.Post, $"/v1_0/apiuser/{user}/apikey");
        keyRequest.Headers.Add("Ocp-Apim-Subscription-Key", "k");
        using var keyResponse = await host.Http.SendAsync(keyRequest);
        using var keyDoc = JsonDocument.Parse(await keyResponse.Content.ReadAsStringAsync());
        var key = keyDoc.RootElement.GetProperty("apiKey").GetString()!;

        var gateway = host.Gateway(o => (o.ApiUser, o.ApiKey) = (user.ToString(), key));
        Assert.Equal(GatewayStatus.Pending, (await gateway.StartAsync(host.Request(PaymentDirection.Collection, MomoTestHost.FreshPhone()), CancellationToken.None)).Status);
        Assert.Equal(user.ToString(), Assert.Single(await host.TokensAsync()).GetProperty("apiUser").GetString());

        // A wrong key is a refusal before anything was sent.
        var wrong = host.Gateway(o => (o.ApiUser, o.ApiKey) = (user.ToString(), "wrong"));
        var answer = await wrong.StartAsync(host.Request(PaymentDirection.Collection, MomoTestHost.FreshPhone()), CancellationToken.None);
        Assert.Equal(GatewayStatus.Failed, answer.Status);
        Assert.Equal("login_failed", answer.Code);
    }

    [Fact]
    public async Task ProductionWithoutCredentialsSendsNothing()
    {
        await using var host = await MomoTestHost.StartAsync();
        var options = host.Options(o => o.TargetEnvironment = "mtnuganda");
        var gateway = MomoTestHost.Gateway(options);

        var answer = await gateway.StartAsync(host.Request(PaymentDirection.Payout, "+256772123456"), CancellationToken.None);

        Assert.Equal(GatewayStatus.Failed, answer.Status);
        Assert.Equal("NOT_CONFIGURED", answer.Code);
        Assert.Empty(await host.TokensAsync());
    }
}
