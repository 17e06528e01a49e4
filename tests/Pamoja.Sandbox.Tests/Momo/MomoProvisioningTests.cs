using System.Net;
using System.Text.Json.Nodes;
using Pamoja.Sandbox.Providers.Momo;

namespace Pamoja.Sandbox.Tests.Momo;

public sealed class MomoProvisioningTests(MomoSandboxFixture fixture) : IClassFixture<MomoSandboxFixture>
{
    private MomoTestSandbox Sandbox => fixture.Sandbox;

    [Fact]
    public async Task ApiUserIsCreatedOnceAndReadBack()
    {
        var user = Guid.NewGuid();

        using (var created = await Sandbox.Client.SendAsync(CreateUser(user, new JsonObject { ["providerCallbackHost"] = "pamoja.example" })))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            Assert.Equal("", await created.Content.ReadAsStringAsync());
        }
        using (var again = await Sandbox.Client.SendAsync(CreateUser(user, new JsonObject { ["providerCallbackHost"] = "other.example" })))
        {
            Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
            Assert.Equal("RESOURCE_ALREADY_EXIST", (await MomoTestSandbox.ReadJsonAsync(again)).GetProperty("code").GetString());
        }

        using var read = new HttpRequestMessage(HttpMethod.Get, $"/v1_0/apiuser/{user}");
        read.Headers.Add(MomoWire.SubscriptionKeyHeader, MomoTestSandbox.SubscriptionKey);
        using var response = await Sandbox.Client.SendAsync(read);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await MomoTestSandbox.ReadJsonAsync(response);
        // The first registration stands; the refused second one changed nothing.
        Assert.Equal("pamoja.example", body.GetProperty("providerCallbackHost").GetString());
        Assert.Equal("sandbox", body.GetProperty("targetEnvironment").GetString());
    }

    [Fact]
    public async Task ApiKeyIsIssuedForAKnownUserOnly()
    {
        var (user, key) = await Sandbox.ProvisionAsync("127.0.0.1");
        Assert.Matches("^[0-9a-f]{32}$", key);

        using var unknown = new HttpRequestMessage(HttpMethod.Post, $"/v1_0/apiuser/{Guid.NewGuid()}/apikey");
        unknown.Headers.Add(MomoWire.SubscriptionKeyHeader, MomoTestSandbox.SubscriptionKey);
        using var response = await Sandbox.Client.SendAsync(unknown);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("RESOURCE_NOT_FOUND", (await MomoTestSandbox.ReadJsonAsync(response)).GetProperty("code").GetString());

        // A second key for the same user does not revoke the first: both log in.
        using var second = new HttpRequestMessage(HttpMethod.Post, $"/v1_0/apiuser/{user}/apikey");
        second.Headers.Add(MomoWire.SubscriptionKeyHeader, MomoTestSandbox.SubscriptionKey);
        using (var r = await Sandbox.Client.SendAsync(second)) Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        Assert.NotEmpty(await Sandbox.TokenAsync(MomoProduct.Collection, user, key));
    }

    [Fact]
    public async Task UnknownUserReadsAs404()
    {
        using var read = new HttpRequestMessage(HttpMethod.Get, $"/v1_0/apiuser/{Guid.NewGuid()}");
        read.Headers.Add(MomoWire.SubscriptionKeyHeader, MomoTestSandbox.SubscriptionKey);
        using var response = await Sandbox.Client.SendAsync(read);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Theory]
    [InlineData("not-a-uuid")]
    [InlineData("6f1c2e1a-3b7d-11ee-be56-0242ac120002")] // a version-1 UUID
    [InlineData("")]
    public async Task ReferenceIdMustBeUuidV4(string referenceId)
    {
        using var request = CreateUser(null, new JsonObject { ["providerCallbackHost"] = "pamoja.example" });
        request.Headers.TryAddWithoutValidation(MomoWire.ReferenceIdHeader, referenceId);
        using var response = await Sandbox.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task MissingSubscriptionKeyIsRefusedByTheGatewayLayer()
    {
        using var request = CreateUser(Guid.NewGuid(), new JsonObject { ["providerCallbackHost"] = "pamoja.example" }, subscriptionKey: null);
        using var response = await Sandbox.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var body = await MomoTestSandbox.ReadJsonAsync(response);
        Assert.Equal(401, body.GetProperty("statusCode").GetInt32());
        Assert.StartsWith("Access denied due to missing subscription key", body.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("pamoja.example")]
    [InlineData("::1")]
    public async Task ProviderCallbackHostMayBeANameOrAnIp(string host)
    {
        using var response = await Sandbox.Client.SendAsync(CreateUser(Guid.NewGuid(), new JsonObject { ["providerCallbackHost"] = host }));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task BadProviderCallbackHostIsRefused()
    {
        using (var r = await Sandbox.Client.SendAsync(CreateUser(Guid.NewGuid(), new JsonObject { ["providerCallbackHost"] = "https://pamoja.example/path" })))
            Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        using (var r = await Sandbox.Client.SendAsync(CreateUser(Guid.NewGuid(), new JsonObject { ["providerCallbackHost"] = 42 })))
            Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        using (var r = await Sandbox.Client.SendAsync(CreateUser(Guid.NewGuid(), new JsonArray())))
            Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
    }

    private static HttpRequestMessage CreateUser(Guid? user, JsonNode body, string? subscriptionKey = MomoTestSandbox.SubscriptionKey)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1_0/apiuser") { Content = MomoTestSandbox.Json(body) };
        if (user is not null) request.Headers.Add(MomoWire.ReferenceIdHeader, user.ToString());
        if (subscriptionKey is not null) request.Headers.Add(MomoWire.SubscriptionKeyHeader, subscriptionKey);
        return request;
    }
}
