using System.Net.Http.Headers;
using System.Text;
using Pamoja.Sandbox.Timing;

namespace Pamoja.Sandbox.Providers.Mpesa;

// Runs each callback job once it is due, outside any request. Jobs run concurrently so one
// slow receiver (or an 8 s C2B validation wait) does not hold back the others. Failures are
// logged and not retried: whether Daraja retries is unconfirmed (protocols.md §1.7), and a
// client that copes with a lost callback copes with this.
public sealed partial class MpesaCallbackSender(
    MpesaOutbox outbox,
    MpesaCallbackPoster poster,
    TimeProvider time,
    ILogger<MpesaCallbackSender> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var job = outbox.TakeDue(out var nextDue, out var scheduled);
            if (job is not null)
            {
                _ = RunAsync(job, stoppingToken);
                continue;
            }

            // Sleep until the head is due or something new is scheduled, whichever is first.
            using var sleep = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            var delay = nextDue is { } due
                ? time.UntilAsync(due, sleep.Token)
                : Task.Delay(Timeout.InfiniteTimeSpan, sleep.Token);
            await Task.WhenAny(delay, scheduled);
            await sleep.CancelAsync();
        }
    }

    private async Task RunAsync(MpesaCallbackJob job, CancellationToken stoppingToken)
    {
        try
        {
            await job.Run(poster, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: undelivered callbacks die with the process, as on a restart.
        }
        catch (Exception ex)
        {
            // A job is sandbox code reacting to a receiver's answer; whatever it does wrong must
            // not stop the sender.
            LogJobFailed(ex, job.Description);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "M-Pesa callback job {Description} failed")]
    private partial void LogJobFailed(Exception exception, string description);
}

// Posts one JSON body and reports what happened. Never throws for the receiver's trouble.
public sealed partial class MpesaCallbackPoster(IHttpClientFactory httpClients, ILogger<MpesaCallbackPoster> logger)
{
    public const string HttpClientName = "MpesaCallbacks";

    // Enough for a real receiver; short enough that a hung one does not pile up connections.
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    public sealed record Delivery(bool Delivered, int? StatusCode, string? Body);

    public async Task<Delivery> PostAsync(Uri url, string json, string what, CancellationToken stoppingToken, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(url);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        deadline.CancelAfter(timeout ?? DefaultTimeout);
        using var content = new StringContent(json, Encoding.UTF8);
        // Daraja sends plain application/json, no charset parameter.
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        try
        {
            using var response = await httpClients.CreateClient(HttpClientName).PostAsync(url, content, deadline.Token);
            var body = await response.Content.ReadAsStringAsync(deadline.Token);
            if (!response.IsSuccessStatusCode)
            {
                LogRejected(what, url, (int)response.StatusCode);
                return new Delivery(false, (int)response.StatusCode, body);
            }
            return new Delivery(true, (int)response.StatusCode, body);
        }
        catch (HttpRequestException ex)
        {
            LogFailed(ex, what, url);
            return new Delivery(false, null, null);
        }
        catch (OperationCanceledException ex) when (!stoppingToken.IsCancellationRequested)
        {
            // The timeout, not shutdown.
            LogFailed(ex, what, url);
            return new Delivery(false, null, null);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "M-Pesa {What} to {Url} was answered {StatusCode}; not retried")]
    private partial void LogRejected(string what, Uri url, int statusCode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "M-Pesa {What} to {Url} failed; not retried")]
    private partial void LogFailed(Exception exception, string what, Uri url);
}
