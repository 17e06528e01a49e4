using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Pamoja.Sandbox.Tests.Mpesa;

// A tiny Kestrel app standing in for Pamoja.Web's webhooks: records every POST (path, query,
// body) and answers 200 {"ResultCode":0,...} unless a test scripted another answer for a path
// (a C2B validation that rejects, or one that answers too late).
internal sealed class CallbackReceiver : IAsyncDisposable
{
    public sealed record Received(string Path, string Query, string Body, DateTimeOffset At)
    {
        public JsonElement Json()
        {
            using var doc = JsonDocument.Parse(Body);
            return doc.RootElement.Clone();
        }
    }

    public sealed record Answer(int StatusCode, string Body, TimeSpan Delay);

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Received> _received = new();
    private readonly ConcurrentDictionary<string, Answer> _answers = new(StringComparer.Ordinal);

    public Uri BaseUrl { get; private set; } = null!;

    private CallbackReceiver()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapPost("/{**path}", async (HttpRequest request, CancellationToken ct) =>
        {
            using var reader = new StreamReader(request.Body);
            var body = await reader.ReadToEndAsync(ct);
            var path = request.Path.Value ?? "";
            _received.Enqueue(new Received(path, request.QueryString.Value ?? "", body, DateTimeOffset.UtcNow));
            var answer = _answers.GetValueOrDefault(path) ?? new Answer(200, """{"ResultCode":0,"ResultDesc":"Accepted"}""", TimeSpan.Zero);
            if (answer.Delay > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(answer.Delay, ct);
                }
                catch (OperationCanceledException)
                {
                    return Results.Empty; // the sandbox stopped waiting
                }
            }
            return Results.Text(answer.Body, "application/json", statusCode: answer.StatusCode);
        });
    }

    public static async Task<CallbackReceiver> StartAsync()
    {
        var receiver = new CallbackReceiver();
        await receiver._app.StartAsync();
        receiver.BaseUrl = new Uri(receiver._app.Urls.First());
        return receiver;
    }

    // A fresh URL for one test, so tests sharing the receiver never see each other's posts.
    public Uri NewUrl(string name = "cb") => new(BaseUrl, $"/{name}/{Guid.NewGuid():N}");

    public void AnswerOn(Uri url, int statusCode, string body, TimeSpan delay = default) =>
        _answers[url.AbsolutePath] = new Answer(statusCode, body, delay);

    public Received[] On(Uri url) => _received.Where(r => r.Path == url.AbsolutePath).ToArray();

    // Bounded poll: returns as soon as `count` posts reached `url`, fails the test after `timeout`.
    public async Task<Received[]> WaitForAsync(Uri url, int count = 1, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
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
