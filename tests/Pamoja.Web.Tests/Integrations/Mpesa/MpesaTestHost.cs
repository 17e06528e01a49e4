using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Pamoja.Sandbox;
using Pamoja.Web.Integrations.Mpesa;
using Pamoja.Web.Integrations.Payments;

namespace Pamoja.Web.Tests.Integrations.Mpesa;

/// The M-Pesa gateway against a real sandbox over loopback HTTP, with a small receiver standing
/// in for Pamoja's webhooks: callbacks arrive at {receiver}/webhooks/mpesa/...?p={id}-{attempt}
/// exactly as the sandbox posts them, and tests parse them with MpesaCallbacks. No database.
public sealed class MpesaTestHost : IAsyncDisposable
{
    /// Delays of tens of milliseconds so scripted outcomes show up fast.
    public static readonly IReadOnlyDictionary<string, string> Fast = new Dictionary<string, string>
    {
        ["Mpesa:CallbackDelay"] = "00:00:00.050",
        ["Mpesa:LateCallbackDelay"] = "00:00:01.500",
        ["Mpesa:AmbiguousDelay"] = "00:00:30",
        ["Mpesa:StkExpiry"] = "00:00:00.400",
    };

    private readonly List<IDisposable> _owned = [];

    private MpesaTestHost(WebApplication sandbox, WebhookReceiver receiver)
    {
        SandboxApp = sandbox;
        Receiver = receiver;
        SandboxUrl = Pamoja.Sandbox.SandboxApp.BoundAddress(sandbox);
        Sandbox = new HttpClient { BaseAddress = SandboxUrl };
        (Gateway, Daraja, Auth, Requests) = NewGateway();
    }

    public WebApplication SandboxApp { get; }
    public Uri SandboxUrl { get; }
    public HttpClient Sandbox { get; }
    internal WebhookReceiver Receiver { get; }
    public MpesaGateway Gateway { get; }
    public DarajaClient Daraja { get; }
    public DarajaAuth Auth { get; }

    /// Every request the default gateway's client made, by path: token calls are counted here.
    public RequestCounter Requests { get; }

    public static async Task<MpesaTestHost> StartAsync(IReadOnlyDictionary<string, string>? settings = null, TimeProvider? sandboxClock = null)
    {
        var receiver = await WebhookReceiver.StartAsync();
        var args = new List<string> { "--urls", "http://127.0.0.1:0" };
        foreach (var (key, value) in settings ?? Fast)
            args.Add($"--{key}={value}");
        var app = Pamoja.Sandbox.SandboxApp.Build([.. args], b =>
        {
            b.Logging.ClearProviders();
            if (sandboxClock is not null)
                b.Services.AddSingleton(sandboxClock);
        });
        await app.StartAsync();
        return new MpesaTestHost(app, receiver);
    }

    /// The options Pamoja would have against this sandbox (MpesaModule's sandbox defaults).
    public MpesaOptions Options(Action<MpesaOptions>? tweak = null)
    {
        var options = new MpesaOptions { BaseUrl = SandboxUrl.ToString(), Timeout = TimeSpan.FromSeconds(10) };
        options.ApplySandboxDefaults();
        tweak?.Invoke(options);
        return options;
    }

    /// A gateway of its own: own token cache, own counter; different options or clock.
    public (MpesaGateway Gateway, DarajaClient Daraja, DarajaAuth Auth, RequestCounter Requests) NewGateway(Action<MpesaOptions>? tweak = null,
        TimeProvider? clock = null)
    {
        var options = Microsoft.Extensions.Options.Options.Create(Options(tweak));
        var counter = new RequestCounter { InnerHandler = new SocketsHttpHandler { AllowAutoRedirect = false } };
        var http = new HttpClient(counter)
        {
            BaseAddress = new Uri(options.Value.BaseUrl.TrimEnd('/') + "/"),
            Timeout = options.Value.Timeout,
        };
        var auth = new DarajaAuth(options, clock ?? TimeProvider.System);
        var daraja = new DarajaClient(http, options, auth, clock ?? TimeProvider.System);
        _owned.Add(http);
        _owned.Add(auth);
        return (new MpesaGateway(daraja, NullLogger<MpesaGateway>.Instance), daraja, auth, counter);
    }

    public GatewayRequest Collection(string phone, long amount = 10_000, Guid? paymentId = null, int attempt = 1) =>
        new(paymentId ?? Guid.NewGuid(), attempt, PaymentDirection.Collection, phone, amount, "KES", "MWANA01", "Contribution", Receiver.BaseUrl);

    public GatewayRequest Payout(string phone, long amount = 150_000, Guid? paymentId = null, int attempt = 1) =>
        new(paymentId ?? Guid.NewGuid(), attempt, PaymentDirection.Payout, phone, amount, "KES", "ROUND3", "Pamoja payout", Receiver.BaseUrl);

    /// Waits for `count` callbacks for this request at webhooks/mpesa/{kind} and parses each.
    public async Task<ProviderNotice[]> NoticesAsync(GatewayRequest request, string kind, int count = 1)
    {
        var posts = await Receiver.WaitForAsync("/webhooks/mpesa/" + kind, MpesaGateway.ClientRef(request.PaymentId, request.Attempt), count);
        Func<string, ProviderNotice?> parse = kind switch
        {
            "stk" => MpesaCallbacks.ParseStk,
            "b2c/result" => MpesaCallbacks.ParseB2cResult,
            "b2c/timeout" => MpesaCallbacks.ParseB2cTimeout,
            "status/result" => MpesaCallbacks.ParseStatusResult,
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
        return posts.Select(p => parse(p.Body) ?? throw new Xunit.Sdk.XunitException("Unparseable callback: " + p.Body)).ToArray();
    }

    public int Posts(GatewayRequest request, string kind) =>
        Receiver.On("/webhooks/mpesa/" + kind, MpesaGateway.ClientRef(request.PaymentId, request.Attempt)).Length;

    /// What the sandbox did for this phone (its own record, not Daraja's API).
    public async Task<JsonElement[]> TransactionsAsync(string phone) =>
        await Sandbox.GetFromJsonAsync<JsonElement[]>($"sandbox/mpesa/transactions?phone={Uri.EscapeDataString(phone)}") ?? [];

    /// Polls `ask` until it returns something other than Pending, or fails after 10 s.
    public static async Task<GatewayAnswer> UntilSettledAsync(Func<Task<GatewayAnswer>> ask)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            var answer = await ask();
            if (answer.Status != GatewayStatus.Pending)
                return answer;
            if (DateTime.UtcNow > deadline)
                Assert.Fail("Still pending at the deadline: " + answer);
            await Task.Delay(20);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var owned in _owned)
            owned.Dispose();
        Sandbox.Dispose();
        await SandboxApp.StopAsync();
        await SandboxApp.DisposeAsync();
        await Receiver.DisposeAsync();
    }
}

/// Counts the requests a client sends, by path. It observes real HTTP; it fakes nothing.
public sealed class RequestCounter : DelegatingHandler
{
    private readonly ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);

    public int this[string path] => _counts.GetValueOrDefault(path);

    public int TokenCalls => this["/oauth/v1/generate"];

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        _counts.AddOrUpdate(request.RequestUri!.AbsolutePath, 1, (_, n) => n + 1);
        return base.SendAsync(request, cancellationToken);
    }
}

/// Pamoja's webhooks, played by a tiny Kestrel app: records every POST and answers Daraja's
/// acknowledgement.
internal sealed class WebhookReceiver : IAsyncDisposable
{
    public sealed record Received(string Path, string ClientRef, string Body);

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Received> _received = new();

    public Uri BaseUrl { get; private set; } = null!;

    private WebhookReceiver()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapPost("/{**path}", async (HttpRequest request, CancellationToken ct) =>
        {
            using var reader = new StreamReader(request.Body);
            var body = await reader.ReadToEndAsync(ct);
            _received.Enqueue(new Received(request.Path.Value ?? "", request.Query["p"].ToString(), body));
            return Results.Text(MpesaCallbacks.StkAck, "application/json");
        });
    }

    public static async Task<WebhookReceiver> StartAsync()
    {
        var receiver = new WebhookReceiver();
        await receiver._app.StartAsync();
        receiver.BaseUrl = new Uri(receiver._app.Urls.First() + "/");
        return receiver;
    }

    public Received[] On(string path, string clientRef) =>
        _received.Where(r => r.Path == path && r.ClientRef == clientRef).ToArray();

    public async Task<Received[]> WaitForAsync(string path, string clientRef, int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (On(path, clientRef).Length < count)
        {
            if (DateTime.UtcNow > deadline)
                Assert.Fail(string.Create(CultureInfo.InvariantCulture, $"Expected {count} post(s) to {path}?p={clientRef}, got {On(path, clientRef).Length}"));
            await Task.Delay(20);
        }
        return On(path, clientRef);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// One fast sandbox per test class.
public sealed class MpesaHostFixture : IAsyncLifetime
{
    public MpesaTestHost Host { get; private set; } = null!;

    public async Task InitializeAsync() => Host = await MpesaTestHost.StartAsync();

    public async Task DisposeAsync() => await Host.DisposeAsync();
}
