using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Options;
using Pamoja.Sandbox.Timing;

namespace Pamoja.Sandbox.Providers.Momo;

// Sends each callback (protocols.md §2.6) when it falls due: the same body GET would return at
// that moment, by PUT (or POST, Momo:CallbackMethod), to the request's X-Callback-Url. One at a
// time in due order; a failure (connection error, timeout after 10 s, non-2xx) is recorded on the
// transaction and not retried — one of MTN's two published behaviours, and the harder one for a
// client, which must then poll.
public sealed partial class MomoCallbackSender(
    MomoCallbackOutbox outbox,
    MomoState state,
    IHttpClientFactory httpClients,
    IOptions<MomoOptions> options,
    TimeProvider time,
    ILogger<MomoCallbackSender> logger) : BackgroundService
{
    public const string HttpClientName = "MomoCallbacks";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var job = outbox.TakeDue(time.GetUtcNow(), out var nextDue, out var changed);
            if (job is not null)
            {
                await SendAsync(job, stoppingToken);
                continue;
            }

            using var wake = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            var sleep = nextDue is { } due
                ? time.UntilAsync(due, wake.Token)
                : Task.Delay(Timeout.InfiniteTimeSpan, wake.Token);
            // Whichever comes first: the head falls due, something new is queued, or shutdown.
            await Task.WhenAny(sleep, changed);
            await wake.CancelAsync();
        }
    }

    private async Task SendAsync(MomoCallbackJob job, CancellationToken stoppingToken)
    {
        if (state.Find(job.Product, job.ReferenceId) is not { } transaction)
        {
            return;
        }

        var method = options.Value.CallbackHttpMethod;
        var now = time.GetUtcNow();
        var body = transaction.ToWire(now);
        var status = body["status"]?.GetValue<string>() ?? "";
        using var request = new HttpRequestMessage(method, job.Url)
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
        };

        try
        {
            using var response = await httpClients.CreateClient(HttpClientName).SendAsync(request, stoppingToken);
            transaction.RecordCallback(new MomoCallbackAttempt(now, method.Method, job.Url.ToString(), status, (int)response.StatusCode, null));
            if (!response.IsSuccessStatusCode)
            {
                LogRejected(job.ReferenceId, job.Url, (int)response.StatusCode);
            }
        }
        catch (HttpRequestException ex)
        {
            transaction.RecordCallback(new MomoCallbackAttempt(now, method.Method, job.Url.ToString(), status, null, ex.Message));
            LogFailed(ex, job.ReferenceId, job.Url);
        }
        catch (TaskCanceledException ex) when (!stoppingToken.IsCancellationRequested)
        {
            // The client's timeout, not shutdown.
            transaction.RecordCallback(new MomoCallbackAttempt(now, method.Method, job.Url.ToString(), status, null, "timeout"));
            LogFailed(ex, job.ReferenceId, job.Url);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "MoMo callback for {ReferenceId} to {Url} was answered {StatusCode}; not retried")]
    private partial void LogRejected(Guid referenceId, Uri url, int statusCode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "MoMo callback for {ReferenceId} to {Url} failed; not retried")]
    private partial void LogFailed(Exception exception, Guid referenceId, Uri url);
}
