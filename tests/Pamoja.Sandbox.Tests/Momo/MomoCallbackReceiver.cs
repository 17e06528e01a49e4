using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Pamoja.Sandbox.Tests.Momo;

internal sealed record ReceivedCallback(string Method, string PathAndQuery, string? Ref, string ContentType, string Body);

// A tiny second Kestrel app standing in for Pamoja.Web's MoMo webhook: records every PUT or POST.
internal sealed class MomoCallbackReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;

    public ConcurrentQueue<ReceivedCallback> Received { get; } = new();
    public Uri BaseUrl { get; private set; } = null!;

    private MomoCallbackReceiver()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapMethods("/{**path}", ["PUT", "POST"], async (HttpRequest request) =>
        {
            using var reader = new StreamReader(request.Body);
            var body = await reader.ReadToEndAsync();
            Received.Enqueue(new ReceivedCallback(request.Method, request.Path + request.QueryString, request.Query["ref"].ToString(),
                request.ContentType ?? "", body));
            return Results.Ok();
        });
    }

    public static async Task<MomoCallbackReceiver> StartAsync()
    {
        var receiver = new MomoCallbackReceiver();
        await receiver._app.StartAsync();
        receiver.BaseUrl = new Uri(receiver._app.Urls.First().TrimEnd('/') + "/");
        return receiver;
    }

    public Uri UrlFor(Guid referenceId) => new(BaseUrl, $"webhooks/momo?ref={referenceId:D}");

    public ReceivedCallback[] For(Guid referenceId) =>
        Received.Where(c => c.Ref == referenceId.ToString("D")).ToArray();

    // Bounded poll: returns as soon as `count` callbacks for the reference are in.
    public async Task<ReceivedCallback[]> WaitForAsync(Guid referenceId, int count = 1, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (For(referenceId).Length < count)
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Expected {count} callback(s) for {referenceId}, got {For(referenceId).Length}");
            }
            await Task.Delay(10);
        }
        return For(referenceId);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
