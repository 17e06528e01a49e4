using System.Collections.Concurrent;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Pamoja.Sandbox.Messages;
using Pamoja.Web.Integrations.Twilio;

namespace Pamoja.Web.Tests.Integrations.Twilio;

/// TwilioMessageSender against a real sandbox over loopback HTTP, with a small receiver playing
/// Pamoja's Twilio webhooks built from the real pieces: TwilioWebhook.ReadVerifiedAsync, the
/// parsers and TwiML. The sandbox signs with its own code; these pieces check with theirs.
public sealed class TwilioTestHost : IAsyncDisposable
{
    private readonly List<IDisposable> _owned = [];

    private TwilioTestHost(WebApplication sandbox, TwilioWebhookReceiver receiver)
    {
        SandboxApp = sandbox;
        Receiver = receiver;
        SandboxUrl = Pamoja.Sandbox.SandboxApp.BoundAddress(sandbox);
        Sandbox = new HttpClient { BaseAddress = SandboxUrl };
        Sender = NewSender();
    }

    public WebApplication SandboxApp { get; }
    public Uri SandboxUrl { get; }
    public HttpClient Sandbox { get; }
    internal TwilioWebhookReceiver Receiver { get; }
    public TwilioMessageSender Sender { get; }

    public static async Task<TwilioTestHost> StartAsync()
    {
        var receiver = await TwilioWebhookReceiver.StartAsync();
        var app = Pamoja.Sandbox.SandboxApp.Build(["--urls", "http://127.0.0.1:0", "--Twilio:StatusCallbackDelay=00:00:00.050",
            $"--Twilio:WebhookUrl={receiver.BaseUrl}webhooks/twilio/messages"], b => b.Logging.ClearProviders());
        await app.StartAsync();
        return new TwilioTestHost(app, receiver);
    }

    /// The options Pamoja would have against this sandbox (TwilioModule's sandbox defaults).
    public TwilioOptions Options(Action<TwilioOptions>? tweak = null)
    {
        var options = new TwilioOptions { Timeout = TimeSpan.FromSeconds(10) };
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["PAMOJA_SANDBOX_URL"] = SandboxUrl.ToString(),
        }).Build();
        options.ApplyDefaults(configuration);
        tweak?.Invoke(options);
        return options;
    }

    public TwilioMessageSender NewSender(Action<TwilioOptions>? tweak = null)
    {
        var options = Options(tweak);
        var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false })
        {
            BaseAddress = new Uri(options.BaseUrl.TrimEnd('/') + "/"),
            Timeout = options.Timeout,
        };
        _owned.Add(http);
        return new TwilioMessageSender(http, Microsoft.Extensions.Options.Options.Create(options));
    }

    public async Task<SandboxMessage[]> MessagesAsync(Func<SandboxMessage, bool> which) =>
        ((await Sandbox.GetFromJsonAsync<List<SandboxMessage>>("sandbox/messages")) ?? []).Where(which).ToArray();

    public async Task<SandboxMessage> WaitForStatusAsync(string sid, string status)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            var message = (await MessagesAsync(m => m.Id == sid)).SingleOrDefault();
            if (message?.Status == status)
                return message;
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"Message {sid} is {message?.Status ?? "missing"}, expected {status}");
            await Task.Delay(20);
        }
    }

    /// A member writes through the sandbox's simulator; returns its JSON answer.
    public async Task<System.Text.Json.JsonElement> InboundAsync(object body)
    {
        using var response = await Sandbox.PostAsJsonAsync("sandbox/twilio/inbound", body);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
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

/// Pamoja's Twilio webhooks in miniature: verify, parse, answer. Refused posts are counted too.
internal sealed class TwilioWebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;

    public ConcurrentQueue<TwilioInbound> Inbound { get; } = new();
    public ConcurrentQueue<(string Path, TwilioStatus Status, string RawBody)> Statuses { get; } = new();
    public ConcurrentQueue<string> Refused { get; } = new();
    public Uri BaseUrl { get; private set; } = null!;

    /// The auth token the receiver checks with, as Pamoja would have it configured.
    public TwilioOptions Options { get; } = new() { AuthToken = TwilioOptions.SandboxAuthToken };

    private TwilioWebhookReceiver()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapPost("/webhooks/twilio/messages", async (HttpRequest request, CancellationToken ct) =>
        {
            var verified = await TwilioWebhook.ReadVerifiedAsync(request, Options, ct);
            if (verified is null || !TwilioInbound.TryParse(verified.Form, out var inbound))
            {
                Refused.Enqueue(request.Path.Value ?? "");
                return Results.StatusCode(403);
            }
            Inbound.Enqueue(inbound);
            return Results.Text(TwiML.Message($"Umeandika <{inbound.Body}> & {inbound.ProfileName}"), TwiML.ContentType);
        });
        _app.MapPost("/webhooks/twilio/status/{id}", async (HttpRequest request, CancellationToken ct) =>
        {
            var verified = await TwilioWebhook.ReadVerifiedAsync(request, Options, ct);
            if (verified is null || !TwilioStatusCallback.TryParse(verified.Form, out var status))
            {
                Refused.Enqueue(request.Path.Value ?? "");
                return Results.StatusCode(403);
            }
            Statuses.Enqueue((request.Path.Value ?? "", status, verified.RawBody));
            return Results.Ok();
        });
    }

    public static async Task<TwilioWebhookReceiver> StartAsync()
    {
        var receiver = new TwilioWebhookReceiver();
        await receiver._app.StartAsync();
        receiver.BaseUrl = new Uri(receiver._app.Urls.First() + "/");
        return receiver;
    }

    public Uri NewStatusUrl() => new(BaseUrl, $"webhooks/twilio/status/{Guid.NewGuid():N}");

    public TwilioStatus[] StatusesOn(Uri url) => Statuses.Where(s => s.Path == url.AbsolutePath).Select(s => s.Status).ToArray();

    public async Task<TwilioStatus[]> WaitForStatusesAsync(Uri url, int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (StatusesOn(url).Length < count)
        {
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"Expected {count} status callback(s) on {url.AbsolutePath}, got {StatusesOn(url).Length}; refused {Refused.Count}");
            await Task.Delay(20);
        }
        return StatusesOn(url);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

public sealed class TwilioHostFixture : IAsyncLifetime
{
    public TwilioTestHost Host { get; private set; } = null!;

    public async Task InitializeAsync() => Host = await TwilioTestHost.StartAsync();

    public async Task DisposeAsync() => await Host.DisposeAsync();
}
