using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Pamoja.Sandbox.Tests;

// A tiny second Kestrel app standing in for Pamoja.Web's delivery-report callback.
// `failFirst` answers the first N posts with 500 to prove the sandbox carries on.
internal sealed class ReportReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _failuresLeft;

    public ConcurrentQueue<Dictionary<string, string>> Received { get; } = new();
    public ConcurrentQueue<DateTimeOffset> ReceivedAt { get; } = new();
    public Uri Url { get; private set; } = null!;

    private ReportReceiver(int failFirst)
    {
        _failuresLeft = failFirst;
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapPost("/hooks/at/dlr", async (HttpRequest request) =>
        {
            var form = await request.ReadFormAsync();
            Received.Enqueue(form.ToDictionary(f => f.Key, f => f.Value.ToString()));
            ReceivedAt.Enqueue(DateTimeOffset.UtcNow);
            return Interlocked.Decrement(ref _failuresLeft) >= 0 ? Results.StatusCode(500) : Results.Ok();
        });
    }

    public static async Task<ReportReceiver> StartAsync(int failFirst = 0)
    {
        var receiver = new ReportReceiver(failFirst);
        await receiver._app.StartAsync();
        receiver.Url = new Uri(new Uri(receiver._app.Urls.First()), "/hooks/at/dlr");
        return receiver;
    }

    // Bounded poll: returns as soon as `count` reports are in, fails the test after `timeout`.
    public async Task<Dictionary<string, string>[]> WaitForAsync(int count, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (Received.Count < count)
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Expected {count} delivery report(s), got {Received.Count} before the deadline");
            }
            await Task.Delay(20);
        }
        return Received.ToArray();
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    // A port nothing listens on, for the "receiver is down" case.
    public static Uri UnreachableUrl() => new($"http://127.0.0.1:{LocalPorts.Free()}/hooks/at/dlr");
}
