using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Pamoja.Sandbox;
using Pamoja.Web.Integrations.Momo;
using Pamoja.Web.Integrations.Payments;

namespace Pamoja.Web.Tests.Integrations.Momo;

internal sealed record ReceivedCallback(string Method, string? Ref, string Body);

// Stands in for Pamoja.Web's public webhook: a loopback Kestrel app recording every PUT or POST.
internal sealed class CallbackReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;

    public ConcurrentQueue<ReceivedCallback> Received { get; } = new();
    public Uri BaseUrl { get; private set; } = null!;

    private CallbackReceiver()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapMethods("/{**path}", ["PUT", "POST"], async (HttpRequest request) =>
        {
            using var reader = new StreamReader(request.Body);
            Received.Enqueue(new ReceivedCallback(request.Method, request.Query["ref"].ToString(), await reader.ReadToEndAsync()));
            return Results.Ok();
        });
    }

    public static async Task<CallbackReceiver> StartAsync()
    {
        var receiver = new CallbackReceiver();
        await receiver._app.StartAsync();
        receiver.BaseUrl = new Uri(receiver._app.Urls.First().TrimEnd('/') + "/");
        return receiver;
    }

    public ReceivedCallback[] For(string reference) => Received.Where(c => c.Ref == reference).ToArray();

    public async Task<ReceivedCallback[]> WaitForAsync(string reference, int count = 1)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (For(reference).Length < count)
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"Expected {count} callback(s) for {reference}, got {For(reference).Length}");
            await Task.Delay(10);
        }
        return For(reference);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

// A Pamoja.Sandbox of the test's own, over real HTTP on loopback, with MoMo's delays cut to
// milliseconds (or held by a ManualClock), plus the webhook receiver its callbacks go to, and
// factories for MomoClient / MomoGateway pointed at it.
internal sealed class MomoTestHost : IAsyncDisposable
{
    public static readonly TimeSpan OutcomeDelay = TimeSpan.FromMilliseconds(30);
    public static readonly TimeSpan DelayedOutcomeDelay = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan LateCallbackDelay = TimeSpan.FromMinutes(2);
    public static readonly TimeSpan AmbiguousDelay = TimeSpan.FromMinutes(3);

    private MomoTestHost(WebApplication app, CallbackReceiver receiver)
    {
        App = app;
        Receiver = receiver;
        Url = SandboxApp.BoundAddress(app);
        Http = new HttpClient { BaseAddress = Url };
    }

    public WebApplication App { get; }
    public CallbackReceiver Receiver { get; }
    public Uri Url { get; }
    public HttpClient Http { get; }

    public static async Task<MomoTestHost> StartAsync(ManualClock? clock = null)
    {
        var receiver = await CallbackReceiver.StartAsync();
        var app = SandboxApp.Build(
        [
            "--urls", "http://127.0.0.1:0",
            $"--Momo:OutcomeDelay={OutcomeDelay}",
            $"--Momo:DelayedOutcomeDelay={DelayedOutcomeDelay}",
            $"--Momo:LateCallbackDelay={LateCallbackDelay}",
            $"--Momo:AmbiguousDelay={AmbiguousDelay}",
        ], b =>
        {
            b.Logging.ClearProviders();
            if (clock is not null) b.Services.AddSingleton<TimeProvider>(clock);
        });
        await app.StartAsync();
        return new MomoTestHost(app, receiver);
    }

    public MomoOptions Options(Action<MomoOptions>? configure = null)
    {
        var options = new MomoOptions
        {
            BaseUrl = Url.ToString(),
            CollectionSubscriptionKey = "test-collection-key",
            DisbursementSubscriptionKey = "test-disbursement-key",
            TargetEnvironment = "sandbox",
            Timeout = TimeSpan.FromSeconds(10),
        };
        configure?.Invoke(options);
        return options;
    }

    // A client as MomoModule builds one: no redirects, the options' timeout.
    public static MomoClient Client(MomoOptions options, TimeProvider? clock = null)
    {
        var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false })
        {
            BaseAddress = new Uri(options.BaseUrl.TrimEnd('/') + "/"),
            Timeout = options.Timeout,
        };
        return new MomoClient(http, Microsoft.Extensions.Options.Options.Create(options), clock ?? TimeProvider.System);
    }

    public MomoGateway Gateway(Action<MomoOptions>? configure = null, TimeProvider? clock = null) => Gateway(Options(configure), clock);

    public static MomoGateway Gateway(MomoOptions options, TimeProvider? clock = null) =>
        new(Client(options, clock), Microsoft.Extensions.Options.Options.Create(options), NullLogger<MomoGateway>.Instance);

    public GatewayRequest Request(PaymentDirection direction, string phone, long amount = 1500, string currency = "UGX", int attempt = 1,
        Guid? paymentId = null, Uri? callbackBase = null, string description = "Pamoja") =>
        new(paymentId ?? Guid.NewGuid(), attempt, direction, phone, amount, currency, "PJ-0001", description, callbackBase ?? Receiver.BaseUrl);

    public async Task<JsonElement[]> TransactionsAsync(string query)
    {
        using var response = await Http.GetAsync("/sandbox/momo/transactions" + query);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return doc.RootElement.Clone().EnumerateArray().ToArray();
    }

    public async Task<JsonElement[]> TokensAsync()
    {
        using var doc = JsonDocument.Parse(await Http.GetStringAsync("/sandbox/momo/tokens"));
        return doc.RootElement.Clone().EnumerateArray().ToArray();
    }

    // Asks until the answer is no longer Pending (or the deadline passes).
    public static async Task<GatewayAnswer> QueryUntilSettledAsync(MomoGateway gateway, GatewayRequest request, string? providerRef)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            var answer = await gateway.QueryAsync(request, providerRef, CancellationToken.None);
            if (answer.Status is not GatewayStatus.Pending) return answer;
            if (DateTime.UtcNow > deadline) Assert.Fail($"Still pending at the deadline: {answer}");
            await Task.Delay(10);
        }
    }

    // A fresh E.164 number no script matches, so tests never see each other's transactions.
    public static string FreshPhone() => Pamoja.Web.Tests.Infrastructure.TestData.Phone("+2567");

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        await Receiver.DisposeAsync();
    }
}

public sealed class MomoTestHostFixture : IAsyncLifetime
{
    internal MomoTestHost Host { get; private set; } = null!;

    public async Task InitializeAsync() => Host = await MomoTestHost.StartAsync();

    public async Task DisposeAsync() => await Host.DisposeAsync();
}
