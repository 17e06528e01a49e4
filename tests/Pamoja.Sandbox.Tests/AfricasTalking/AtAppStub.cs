using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Pamoja.Sandbox.Tests.AfricasTalking;

// A tiny Kestrel app standing in for Pamoja.Web's Africa's Talking webhooks. Records every
// form POSTed (with its query string) and answers each path from a queue of scripted answers,
// the last one repeating; by default 200 "END ok".
internal sealed class AtAppStub : IAsyncDisposable
{
    public sealed record Received(string Path, string Query, string ContentType, Dictionary<string, string> Form);

    // Hold: the answer waits until the test completes it.
    public sealed record Answer(int StatusCode, string Body, TimeSpan Delay = default, TaskCompletionSource? Hold = null);

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Received> _received = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<Answer>> _answers = new(StringComparer.Ordinal);

    public Uri BaseUrl { get; private set; } = null!;

    private AtAppStub()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapPost("/{**path}", async (HttpRequest request, CancellationToken ct) =>
        {
            var form = await request.ReadFormAsync(ct);
            var path = request.Path.Value ?? "";
            _received.Enqueue(new Received(path, request.QueryString.Value ?? "", request.ContentType ?? "",
                form.ToDictionary(f => f.Key, f => f.Value.ToString())));
            var answer = Next(path);
            if (answer.Delay > TimeSpan.Zero || answer.Hold is not null)
            {
                try
                {
                    await (answer.Hold?.Task ?? Task.Delay(answer.Delay, ct)).WaitAsync(ct);
                }
                catch (OperationCanceledException)
                {
                    return Results.Empty; // the sandbox stopped waiting
                }
            }
            return Results.Text(answer.Body, "text/plain; charset=utf-8", statusCode: answer.StatusCode);
        });
    }

    public static async Task<AtAppStub> StartAsync()
    {
        var stub = new AtAppStub();
        await stub._app.StartAsync();
        stub.BaseUrl = new Uri(stub._app.Urls.First());
        return stub;
    }

    // A fresh URL per test, so tests sharing the stub never see each other's posts.
    public Uri NewUrl(string name = "ussd") => new(BaseUrl, $"/{name}/{Guid.NewGuid():N}?k=test-token");

    public void Answers(Uri url, params Answer[] answers) => _answers[url.AbsolutePath] = new ConcurrentQueue<Answer>(answers);

    public void Answers(Uri url, params string[] bodies) => Answers(url, bodies.Select(b => new Answer(200, b)).ToArray());

    public Received[] On(Uri url) => _received.Where(r => r.Path == url.AbsolutePath).ToArray();

    public async Task<Received[]> WaitForAsync(Uri url, int count = 1)
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

    private Answer Next(string path)
    {
        if (!_answers.TryGetValue(path, out var queue))
        {
            return new Answer(200, "END ok");
        }
        if (queue.Count > 1 && queue.TryDequeue(out var next))
        {
            return next;
        }
        return queue.TryPeek(out var last) ? last : new Answer(200, "END ok");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
