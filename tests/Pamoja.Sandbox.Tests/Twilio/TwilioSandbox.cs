using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Pamoja.Sandbox.Messages;

namespace Pamoja.Sandbox.Tests.Twilio;

// A sandbox of its own with a short status-callback delay, plus a receiver standing in for
// Pamoja's webhooks, and requests built the way Twilio's SDK builds them. Tests use fresh phone
// numbers and fresh receiver URLs, so tests sharing one instance never see each other's state.
public sealed class TwilioSandbox : IAsyncDisposable
{
    public const string AccountSid = "AC00000000000000000000000000000001";
    public const string AuthToken = "sandbox-twilio-auth-token";
    public const string WhatsAppFrom = "whatsapp:+14155238886";
    public const string SmsFrom = "+15005550006";

    private TwilioSandbox(WebApplication app, TwilioReceiver receiver)
    {
        App = app;
        Receiver = receiver;
        Client = new HttpClient { BaseAddress = SandboxApp.BoundAddress(app) };
    }

    public WebApplication App { get; }
    internal TwilioReceiver Receiver { get; }
    public HttpClient Client { get; }

    public static async Task<TwilioSandbox> StartAsync()
    {
        var receiver = await TwilioReceiver.StartAsync();
        var app = SandboxApp.Build(["--urls", "http://127.0.0.1:0", "--Twilio:StatusCallbackDelay=00:00:00.050",
            $"--Twilio:WebhookUrl={receiver.BaseUrl}webhooks/twilio/messages"], b => b.Logging.ClearProviders());
        await app.StartAsync();
        return new TwilioSandbox(app, receiver);
    }

    public static string MessagesPath(string accountSid = AccountSid) => $"/2010-04-01/Accounts/{accountSid}/Messages.json";

    // Fresh numbers ending in the given script suffix ("1234": nothing scripted).
    public static string Phone(string suffix = "1234") => TestPhones.Kenyan(suffix);

    public async Task<HttpResponseMessage> SendAsync(IEnumerable<KeyValuePair<string, string>> form, string? user = AccountSid,
        string? password = AuthToken, string accountSid = AccountSid, HttpClient? client = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Client.BaseAddress!, MessagesPath(accountSid)))
        {
            Content = new FormUrlEncodedContent(form),
        };
        if (user is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
        }
        return await (client ?? Client).SendAsync(request);
    }

    public static Dictionary<string, string> Sms(string to, string body = "Karibu", Uri? statusCallback = null) =>
        Fields(("To", to), ("From", SmsFrom), ("Body", body), ("StatusCallback", statusCallback?.ToString()));

    public static Dictionary<string, string> WhatsApp(string to, string body = "Habari", Uri? statusCallback = null) =>
        Fields(("To", "whatsapp:" + to), ("From", WhatsAppFrom), ("Body", body), ("StatusCallback", statusCallback?.ToString()));

    public static Dictionary<string, string> Template(string to, Uri? statusCallback = null) =>
        Fields(("To", "whatsapp:" + to), ("From", WhatsAppFrom), ("ContentSid", "HX0123456789abcdef0123456789abcdef"),
            ("ContentVariables", """{"1":"Amina","2":"KES 500"}"""), ("StatusCallback", statusCallback?.ToString()));

    public static Dictionary<string, string> Fields(params (string Name, string? Value)[] fields) =>
        fields.Where(f => f.Value is not null).ToDictionary(f => f.Name, f => f.Value!);

    public async Task<JsonElement> InboundAsync(object body, int expectedStatus = 200)
    {
        using var response = await Client.PostAsJsonAsync("/sandbox/twilio/inbound", body);
        var json = await JsonAsync(response);
        Assert.True(expectedStatus == (int)response.StatusCode, $"expected {expectedStatus}, got {(int)response.StatusCode}: {json}");
        return json;
    }

    public async Task<SandboxMessage[]> MessagesAsync(Func<SandboxMessage, bool> which) =>
        ((await Client.GetFromJsonAsync<List<SandboxMessage>>("/sandbox/messages")) ?? []).Where(which).ToArray();

    // Polls the store until the message reaches `status`, or fails the test after 10 s.
    public async Task<SandboxMessage> WaitForStatusAsync(string sid, string status)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            var message = (await MessagesAsync(m => m.Id == sid)).SingleOrDefault();
            if (message?.Status == status)
            {
                return message;
            }
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Message {sid} is {message?.Status ?? "missing"}, expected {status}");
            }
            await Task.Delay(20);
        }
    }

    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response)
    {
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return doc.RootElement.Clone();
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        await Receiver.DisposeAsync();
    }
}

// The test's own X-Twilio-Signature, written from protocols.md §4.2 and checked against its
// test vector, so the sandbox's signer is verified by independent code.
internal static class TestSignature
{
    public static string Compute(string authToken, string url, IEnumerable<KeyValuePair<string, string>> form)
    {
        var data = url + string.Concat(form.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + p.Value));
        using var hmac = new HMACSHA1(Encoding.UTF8.GetBytes(authToken));
        return Convert.ToBase64String(hmac.ComputeHash(Encoding.UTF8.GetBytes(data)));
    }
}

// Pamoja's webhooks, played by a tiny Kestrel app: records every form POST with its signature
// header and answers what the test scripted for the path (TwiML <Response/> by default).
internal sealed class TwilioReceiver : IAsyncDisposable
{
    public sealed record Received(string Path, string Url, string ContentType, string? Signature, List<KeyValuePair<string, string>> Form)
    {
        public string this[string name] => Form.Single(f => f.Key == name).Value;

        public Dictionary<string, string> Fields => Form.ToDictionary(f => f.Key, f => f.Value);
    }

    public sealed record Answer(int StatusCode, string Body, string ContentType, TimeSpan Delay);

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Received> _received = new();
    private readonly ConcurrentDictionary<string, Answer> _answers = new(StringComparer.Ordinal);

    public Uri BaseUrl { get; private set; } = null!;

    private TwilioReceiver()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapPost("/{**path}", async (HttpRequest request, CancellationToken ct) =>
        {
            var form = await request.ReadFormAsync(ct);
            var pairs = form.SelectMany(f => f.Value.Select(v => new KeyValuePair<string, string>(f.Key, v ?? ""))).ToList();
            var path = request.Path.Value ?? "";
            var url = new Uri(BaseUrl, path + request.QueryString.Value).ToString();
            _received.Enqueue(new Received(path, url, request.ContentType ?? "", request.Headers["X-Twilio-Signature"].FirstOrDefault(), pairs));
            var answer = _answers.GetValueOrDefault(path) ?? new Answer(200, "<Response/>", "text/xml", TimeSpan.Zero);
            if (answer.Delay > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(answer.Delay, ct);
                }
                catch (OperationCanceledException)
                {
                    return Results.Empty;
                }
            }
            return Results.Text(answer.Body, answer.ContentType, statusCode: answer.StatusCode);
        });
    }

    public static async Task<TwilioReceiver> StartAsync()
    {
        var receiver = new TwilioReceiver();
        await receiver._app.StartAsync();
        receiver.BaseUrl = new Uri(receiver._app.Urls.First() + "/");
        return receiver;
    }

    public Uri NewUrl(string name = "status") => new(BaseUrl, $"{name}/{Guid.NewGuid():N}");

    public void AnswerOn(Uri url, int statusCode, string body, string contentType = "text/xml", TimeSpan delay = default) =>
        _answers[url.AbsolutePath] = new Answer(statusCode, body, contentType, delay);

    public Received[] On(Uri url) => _received.Where(r => r.Path == url.AbsolutePath).ToArray();

    public async Task<Received[]> WaitForAsync(Uri url, int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (On(url).Length < count)
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Expected {count} post(s) to {url.AbsolutePath}, got {On(url).Length} before the deadline");
            }
            await Task.Delay(20);
        }
        return On(url);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

// One sandbox per test class that asks for it.
public sealed class TwilioSandboxFixture : IAsyncLifetime
{
    public TwilioSandbox Sandbox { get; private set; } = null!;

    public async Task InitializeAsync() => Sandbox = await TwilioSandbox.StartAsync();

    public async Task DisposeAsync() => await Sandbox.DisposeAsync();
}
