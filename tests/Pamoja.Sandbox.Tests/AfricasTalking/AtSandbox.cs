using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Pamoja.Sandbox.Messages;

namespace Pamoja.Sandbox.Tests.AfricasTalking;

// A sandbox of its own, its end-of-session events going to the stub, and an optional manual
// clock for expiry. The app's answers are awaited for AT's 10 s (a busy test machine must not
// turn a slow stub into a violation); the timeout test sets a short one of its own.
internal sealed class AtSandbox : IAsyncDisposable
{

    private AtSandbox(WebApplication app, AtAppStub stub, Uri eventsUrl)
    {
        App = app;
        Stub = stub;
        EventsUrl = eventsUrl;
        Client = new HttpClient { BaseAddress = SandboxApp.BoundAddress(app) };
    }

    public WebApplication App { get; }
    public AtAppStub Stub { get; }
    public Uri EventsUrl { get; }
    public HttpClient Client { get; }

    public static async Task<AtSandbox> StartAsync(TimeProvider? clock = null, IDictionary<string, string>? settings = null)
    {
        var stub = await AtAppStub.StartAsync();
        var eventsUrl = stub.NewUrl("events");
        var args = new List<string>
        {
            "--urls", "http://127.0.0.1:0",
            $"--AfricasTalking:UssdEventsUrl={eventsUrl}",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
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
        return new AtSandbox(app, stub, eventsUrl);
    }

    public Task<HttpResponseMessage> UssdAsync(JsonObject body) => Client.PostAsJsonAsync("/sandbox/africastalking/ussd", body);

    public async Task<JsonElement> UssdOkAsync(JsonObject body)
    {
        using var response = await UssdAsync(body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {text}");
        using var doc = JsonDocument.Parse(text);
        return doc.RootElement.Clone();
    }

    public static JsonObject Dial(string phone, Uri callbackUrl) => new() { ["phoneNumber"] = phone, ["callbackUrl"] = callbackUrl.ToString() };

    public static JsonObject Step(string sessionId, string input) => new() { ["sessionId"] = sessionId, ["input"] = input };

    public async Task<SandboxMessage[]> MessagesOfAsync(string phone)
    {
        var all = await Client.GetFromJsonAsync<SandboxMessage[]>("/sandbox/messages") ?? [];
        return all.Where(m => m.From == phone || m.To == phone).ToArray();
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        await Stub.DisposeAsync();
    }
}
