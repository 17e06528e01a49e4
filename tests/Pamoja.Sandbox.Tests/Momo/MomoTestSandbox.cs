using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Pamoja.Sandbox.Providers.Momo;

namespace Pamoja.Sandbox.Tests.Momo;

// A sandbox of its own with MoMo's delays cut to milliseconds (or driven by a ManualClock), a
// callback receiver, and one provisioned API user with a token for each product.
internal sealed class MomoTestSandbox : IAsyncDisposable
{
    public const string SubscriptionKey = "test-subscription-key";

    private MomoTestSandbox(WebApplication app, MomoCallbackReceiver receiver, ManualClock? clock)
    {
        App = app;
        Receiver = receiver;
        Clock = clock;
        Client = new HttpClient { BaseAddress = SandboxApp.BoundAddress(app) };
    }

    public WebApplication App { get; }
    public HttpClient Client { get; }
    public MomoCallbackReceiver Receiver { get; }
    public ManualClock? Clock { get; }
    public Guid ApiUser { get; private set; }
    public string ApiKey { get; private set; } = "";
    public string CollectionToken { get; private set; } = "";
    public string DisbursementToken { get; private set; } = "";

    public static readonly TimeSpan OutcomeDelay = TimeSpan.FromMilliseconds(30);
    public static readonly TimeSpan DelayedOutcomeDelay = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan LateCallbackDelay = TimeSpan.FromMinutes(2);
    public static readonly TimeSpan AmbiguousDelay = TimeSpan.FromMinutes(3);

    public static async Task<MomoTestSandbox> StartAsync(ManualClock? clock = null, params string[] settings)
    {
        var receiver = await MomoCallbackReceiver.StartAsync();
        string[] args =
        [
            "--urls", "http://127.0.0.1:0",
            $"--Momo:OutcomeDelay={OutcomeDelay}",
            $"--Momo:DelayedOutcomeDelay={DelayedOutcomeDelay}",
            $"--Momo:LateCallbackDelay={LateCallbackDelay}",
            $"--Momo:AmbiguousDelay={AmbiguousDelay}",
            .. settings,
        ];
        var app = SandboxApp.Build(args, b =>
        {
            if (clock is not null) b.Services.AddSingleton<TimeProvider>(clock);
        });
        await app.StartAsync();
        var sandbox = new MomoTestSandbox(app, receiver, clock);
        (sandbox.ApiUser, sandbox.ApiKey) = await sandbox.ProvisionAsync("127.0.0.1");
        await sandbox.RenewTokensAsync();
        return sandbox;
    }

    // Fresh tokens for both products, e.g. after moving a ManualClock past their hour.
    public async Task RenewTokensAsync()
    {
        CollectionToken = await TokenAsync(MomoProduct.Collection, ApiUser, ApiKey);
        DisbursementToken = await TokenAsync(MomoProduct.Disbursement, ApiUser, ApiKey);
    }

    public string Token(MomoProduct product) => product == MomoProduct.Collection ? CollectionToken : DisbursementToken;

    public async Task<(Guid User, string Key)> ProvisionAsync(string? host)
    {
        var user = Guid.NewGuid();
        using var create = new HttpRequestMessage(HttpMethod.Post, "/v1_0/apiuser")
        {
            Content = Json(host is null ? new JsonObject() : new JsonObject { ["providerCallbackHost"] = host }),
        };
        create.Headers.Add("X-Reference-Id", user.ToString());
        create.Headers.Add(MomoWire.SubscriptionKeyHeader, SubscriptionKey);
        using (var created = await Client.SendAsync(create)) Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        using var keyRequest = new HttpRequestMessage(HttpMethod.Post, $"/v1_0/apiuser/{user}/apikey");
        keyRequest.Headers.Add(MomoWire.SubscriptionKeyHeader, SubscriptionKey);
        using var keyResponse = await Client.SendAsync(keyRequest);
        Assert.Equal(HttpStatusCode.Created, keyResponse.StatusCode);
        return (user, (await ReadJsonAsync(keyResponse)).GetProperty("apiKey").GetString()!);
    }

    public static HttpRequestMessage TokenRequest(MomoProduct product, string? basic, string? subscriptionKey = SubscriptionKey, string? path = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path ?? $"/{product.PathName()}/token/");
        if (basic is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Basic", basic);
        if (subscriptionKey is not null) request.Headers.Add(MomoWire.SubscriptionKeyHeader, subscriptionKey);
        return request;
    }

    public static string Basic(Guid user, string key) => Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{key}"));

    public async Task<string> TokenAsync(MomoProduct product, Guid user, string key)
    {
        using var response = await Client.SendAsync(TokenRequest(product, Basic(user, key)));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await ReadJsonAsync(response)).GetProperty("access_token").GetString()!;
    }

    // A request-to-pay or transfer exactly as MTN documents it; `edit` bends it for negative tests.
    public static JsonObject Body(MomoProduct product, string partyId, string amount = "500", string currency = "EUR", string partyIdType = "MSISDN") =>
        new()
        {
            ["amount"] = amount,
            ["currency"] = currency,
            ["externalId"] = "ext-" + Guid.NewGuid().ToString("N")[..8],
            [product.PartyField()] = new JsonObject { ["partyIdType"] = partyIdType, ["partyId"] = partyId },
            ["payerMessage"] = "Group contribution",
            ["payeeNote"] = "March",
        };

    public HttpRequestMessage PaymentRequest(MomoProduct product, Guid referenceId, JsonNode? body, Uri? callbackUrl = null,
        string? token = null, string? targetEnvironment = "sandbox", string? subscriptionKey = SubscriptionKey, string? referenceHeader = null,
        string? path = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path ?? MomoPaymentEndpoints.Path(product));
        if (body is not null) request.Content = Json(body);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token ?? Token(product));
        if (targetEnvironment is not null) request.Headers.Add(MomoWire.TargetEnvironmentHeader, targetEnvironment);
        if (subscriptionKey is not null) request.Headers.Add(MomoWire.SubscriptionKeyHeader, subscriptionKey);
        request.Headers.TryAddWithoutValidation(MomoWire.ReferenceIdHeader, referenceHeader ?? referenceId.ToString());
        if (callbackUrl is not null) request.Headers.Add(MomoWire.CallbackUrlHeader, callbackUrl.ToString());
        return request;
    }

    // POSTs an ordinary request with a callback to the receiver; returns its reference id.
    public async Task<Guid> PayAsync(MomoProduct product, string partyId, string amount = "500", bool callback = true)
    {
        var referenceId = Guid.NewGuid();
        using var response = await Client.SendAsync(PaymentRequest(product, referenceId, Body(product, partyId, amount),
            callback ? Receiver.UrlFor(referenceId) : null));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("", await response.Content.ReadAsStringAsync());
        return referenceId;
    }

    public HttpRequestMessage StatusRequest(MomoProduct product, string referenceId, string? token = null, string? targetEnvironment = "sandbox")
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"{MomoPaymentEndpoints.Path(product)}/{referenceId}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token ?? Token(product));
        if (targetEnvironment is not null) request.Headers.Add(MomoWire.TargetEnvironmentHeader, targetEnvironment);
        request.Headers.Add(MomoWire.SubscriptionKeyHeader, SubscriptionKey);
        return request;
    }

    public async Task<JsonElement> StatusAsync(MomoProduct product, Guid referenceId)
    {
        using var response = await Client.SendAsync(StatusRequest(product, referenceId.ToString()));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await ReadJsonAsync(response);
    }

    // Polls GET until the status is no longer PENDING; fails the test after the deadline.
    public async Task<JsonElement> WaitForFinalAsync(MomoProduct product, Guid referenceId)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            var status = await StatusAsync(product, referenceId);
            if (status.GetProperty("status").GetString() != "PENDING") return status;
            if (DateTime.UtcNow > deadline) Assert.Fail($"{referenceId} still PENDING at the deadline");
            await Task.Delay(10);
        }
    }

    public async Task<JsonElement[]> TransactionsAsync(string query = "")
    {
        using var response = await Client.GetAsync(MomoSandboxApi.TransactionsPath + query);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await ReadJsonAsync(response)).EnumerateArray().ToArray();
    }

    public async Task<JsonElement> TransactionAsync(Guid referenceId) =>
        Assert.Single(await TransactionsAsync($"?referenceId={referenceId}"));

    // The sandbox records a callback once its answer is back, a moment after the receiver has
    // seen it: poll the record rather than assume.
    public async Task<JsonElement[]> RecordedCallbacksAsync(Guid referenceId, int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            var callbacks = (await TransactionAsync(referenceId)).GetProperty("callbacks").EnumerateArray().ToArray();
            if (callbacks.Length >= count) return callbacks;
            if (DateTime.UtcNow > deadline) Assert.Fail($"Expected {count} recorded callback(s) for {referenceId}, got {callbacks.Length}");
            await Task.Delay(10);
        }
    }

    public static StringContent Json(JsonNode body) => new(body.ToJsonString(), Encoding.UTF8, "application/json");

    public static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response)
    {
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return doc.RootElement.Clone();
    }

    // A fresh MSISDN that no script matches, so tests never see each other's transactions.
    public static string FreshMsisdn() => "2567" + Random.Shared.NextInt64(10_000_000, 99_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        await Receiver.DisposeAsync();
    }
}

// One sandbox per test class, so classes run in parallel and the burst counters stay their own.
public sealed class MomoSandboxFixture : IAsyncLifetime
{
    internal MomoTestSandbox Sandbox { get; private set; } = null!;

    public async Task InitializeAsync() => Sandbox = await MomoTestSandbox.StartAsync();

    public async Task DisposeAsync() => await Sandbox.DisposeAsync();
}
