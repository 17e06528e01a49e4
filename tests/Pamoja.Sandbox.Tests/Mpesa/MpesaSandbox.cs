using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Pamoja.Sandbox.Providers.Mpesa;

namespace Pamoja.Sandbox.Tests.Mpesa;

// A sandbox of its own with short delays, plus a callback receiver, and requests built the way
// a Daraja client builds them. Each test uses fresh phone numbers (MpesaScripts.Phone) and
// fresh callback URLs, so tests sharing one instance never see each other's state.
public sealed class MpesaSandbox : IAsyncDisposable
{
    public const string Passkey = MpesaOptions.PublicTestPasskey;
    public const string StkShortCode = "174379";
    public const string B2cShortCode = "600992";
    public const string Initiator = "testapi";
    public const string InitiatorPassword = "Safaricom999!*!";

    private string? _token;
    private string? _credential;

    private MpesaSandbox(WebApplication app, CallbackReceiver receiver)
    {
        App = app;
        Receiver = receiver;
        Client = new HttpClient { BaseAddress = SandboxApp.BoundAddress(app) };
    }

    public WebApplication App { get; }
    internal CallbackReceiver Receiver { get; }
    public HttpClient Client { get; }

    // Delays of tens of milliseconds: scripted outcomes show up fast, and the few tests that
    // need a push to stay pending use their own instance with a long CallbackDelay.
    public static readonly IReadOnlyDictionary<string, string> Fast = new Dictionary<string, string>
    {
        ["Mpesa:CallbackDelay"] = "00:00:00.050",
        ["Mpesa:LateCallbackDelay"] = "00:00:01.500",
        ["Mpesa:AmbiguousDelay"] = "00:00:30",
        ["Mpesa:StkExpiry"] = "00:00:00.400",
        ["Mpesa:ValidationTimeout"] = "00:00:00.400",
    };

    public static async Task<MpesaSandbox> StartAsync(IReadOnlyDictionary<string, string>? settings = null, TimeProvider? clock = null)
    {
        var receiver = await CallbackReceiver.StartAsync();
        var args = new List<string> { "--urls", "http://127.0.0.1:0" };
        foreach (var (key, value) in settings ?? Fast)
        {
            args.Add($"--{key}={value}");
        }
        var app = SandboxApp.Build([.. args], builder =>
        {
            if (clock is not null)
            {
                builder.Services.AddSingleton(clock);
            }
        });
        await app.StartAsync();
        return new MpesaSandbox(app, receiver);
    }

    public static string Timestamp() => DateTime.UtcNow.AddHours(3).ToString("yyyyMMddHHmmss", System.Globalization.CultureInfo.InvariantCulture);

    public static string Password(string timestamp, string shortCode = StkShortCode, string passkey = Passkey) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(shortCode + passkey + timestamp));

    public async Task<string> TokenAsync()
    {
        if (_token is not null)
        {
            return _token;
        }
        using var request = new HttpRequestMessage(HttpMethod.Get, "/oauth/v1/generate?grant_type=client_credentials");
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String("key:secret"u8.ToArray()));
        using var response = await Client.SendAsync(request);
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return _token = body.GetProperty("access_token").GetString()!;
    }

    // The initiator password encrypted as a client must: RSA PKCS#1 v1.5 with the served certificate.
    public async Task<string> CredentialAsync(string password = InitiatorPassword)
    {
        if (password == InitiatorPassword && _credential is not null)
        {
            return _credential;
        }
        var pem = await Client.GetStringAsync("/sandbox/mpesa/certificate");
        using var certificate = X509Certificate2.CreateFromPem(pem);
        using var rsa = certificate.GetRSAPublicKey()!;
        var credential = Convert.ToBase64String(rsa.Encrypt(Encoding.UTF8.GetBytes(password), RSAEncryptionPadding.Pkcs1));
        if (password == InitiatorPassword)
        {
            _credential = credential;
        }
        return credential;
    }

    public async Task<HttpResponseMessage> PostAsync(string path, JsonNode body, string? token = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token ?? await TokenAsync());
        return await Client.SendAsync(request);
    }

    public static JsonObject StkBody(string phone, Uri callbackUrl, long amount = 10, string reference = "PAMOJA01")
    {
        var timestamp = Timestamp();
        var msisdn = long.Parse(MpesaScripts.Wire(phone), System.Globalization.CultureInfo.InvariantCulture);
        return new JsonObject
        {
            ["BusinessShortCode"] = 174379,
            ["Password"] = Password(timestamp),
            ["Timestamp"] = timestamp,
            ["TransactionType"] = "CustomerPayBillOnline",
            ["Amount"] = amount,
            ["PartyA"] = msisdn,
            ["PartyB"] = 174379,
            ["PhoneNumber"] = msisdn,
            ["CallBackURL"] = callbackUrl.ToString(),
            ["AccountReference"] = reference,
            ["TransactionDesc"] = "Contribution",
        };
    }

    public static JsonObject StkQueryBody(string checkoutRequestId)
    {
        var timestamp = Timestamp();
        return new JsonObject
        {
            ["BusinessShortCode"] = 174379,
            ["Password"] = Password(timestamp),
            ["Timestamp"] = timestamp,
            ["CheckoutRequestID"] = checkoutRequestId,
        };
    }

    public async Task<JsonObject> B2cBodyAsync(string phone, Uri resultUrl, long amount = 100, string? originatorConversationId = null)
    {
        return new JsonObject
        {
            ["OriginatorConversationID"] = originatorConversationId ?? "test-" + Guid.NewGuid().ToString("N"),
            ["InitiatorName"] = Initiator,
            ["SecurityCredential"] = await CredentialAsync(),
            ["CommandID"] = "BusinessPayment",
            ["Amount"] = amount,
            ["PartyA"] = 600992,
            ["PartyB"] = long.Parse(MpesaScripts.Wire(phone), System.Globalization.CultureInfo.InvariantCulture),
            ["Remarks"] = "Pamoja payout",
            ["QueueTimeOutURL"] = new Uri(resultUrl, "/timeout/" + Guid.NewGuid().ToString("N")).ToString(),
            ["ResultURL"] = resultUrl.ToString(),
            ["Occassion"] = "Round 3",
        };
    }

    public async Task<JsonObject> StatusBodyAsync(Uri resultUrl, string? originalConversationId = null, string? transactionId = null, string? occasion = null)
    {
        var body = new JsonObject
        {
            ["Initiator"] = Initiator,
            ["SecurityCredential"] = await CredentialAsync(),
            ["CommandID"] = "TransactionStatusQuery",
            ["PartyA"] = 600992,
            ["IdentifierType"] = "4",
            ["ResultURL"] = resultUrl.ToString(),
            ["QueueTimeOutURL"] = new Uri(resultUrl, "/timeout/" + Guid.NewGuid().ToString("N")).ToString(),
            ["Remarks"] = "status check",
        };
        if (originalConversationId is not null) body["OriginalConversationID"] = originalConversationId;
        if (transactionId is not null) body["TransactionID"] = transactionId;
        if (occasion is not null) body["Occasion"] = occasion;
        return body;
    }

    public async Task<JsonElement[]> TransactionsAsync(string phone)
    {
        var list = await Client.GetFromJsonAsync<JsonElement[]>($"/sandbox/mpesa/transactions?phone={Uri.EscapeDataString(phone)}");
        return list ?? [];
    }

    // Polls the sandbox's own record until `done` holds for the one transaction of this id.
    public async Task<JsonElement> WaitForTransactionAsync(string phone, string id, Func<JsonElement, bool> done)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            var found = (await TransactionsAsync(phone)).SingleOrDefault(t => t.GetProperty("id").GetString() == id);
            if (found.ValueKind == JsonValueKind.Object && done(found))
            {
                return found;
            }
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Transaction {id} did not reach the expected state: {found}");
            }
            await Task.Delay(20);
        }
    }

    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response)
    {
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return doc.RootElement.Clone();
    }

    public static string[] Names(JsonElement element) => element.EnumerateObject().Select(p => p.Name).ToArray();

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        await Receiver.DisposeAsync();
    }
}

// One fast sandbox per test class that asks for it.
public sealed class FastMpesaSandbox : IAsyncLifetime
{
    public MpesaSandbox Sandbox { get; private set; } = null!;

    public async Task InitializeAsync() => Sandbox = await MpesaSandbox.StartAsync();

    public async Task DisposeAsync() => await Sandbox.DisposeAsync();
}

// Callbacks 30 s away: every push stays pending for the whole test (subscriber lock, "being
// processed"), and nothing is ever posted.
public sealed class SlowMpesaSandbox : IAsyncLifetime
{
    public MpesaSandbox Sandbox { get; private set; } = null!;

    public async Task InitializeAsync() => Sandbox = await MpesaSandbox.StartAsync(new Dictionary<string, string> { ["Mpesa:CallbackDelay"] = "00:00:30" });

    public async Task DisposeAsync() => await Sandbox.DisposeAsync();
}
