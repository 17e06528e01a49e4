using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Pamoja.Sandbox.Messages;

namespace Pamoja.Sandbox.Tests;

// One sandbox on a real Kestrel port, shared by the "sandbox" collection. The collection runs
// its tests one after another, and each test uses fresh phone numbers, so tests never see each
// other's messages even though the store is shared.
public sealed class SandboxFixture : IAsyncLifetime
{
    private WebApplication? _app;

    public HttpClient Client { get; private set; } = null!;

    public WebApplication App => _app ?? throw new InvalidOperationException("Not started");

    public async Task InitializeAsync()
    {
        _app = SandboxApp.Build(["--urls", "http://127.0.0.1:0"]);
        await _app.StartAsync();
        Client = new HttpClient { BaseAddress = SandboxApp.BoundAddress(_app) };
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    public Task<HttpResponseMessage> SendSmsAsync(string to, string message, string? from = null) =>
        Client.SendAsync(AtSms.SendRequest(to, message, from));

    public async Task<IReadOnlyList<SandboxMessage>> MessagesToAsync(string to)
    {
        var list = await Client.GetFromJsonAsync<List<SandboxMessage>>($"/sandbox/messages?to={Uri.EscapeDataString(to)}");
        return list ?? throw new InvalidOperationException("null message list");
    }
}

[CollectionDefinition(Name)]
public sealed class SharedSandbox : ICollectionFixture<SandboxFixture>
{
    public const string Name = "sandbox";
}
