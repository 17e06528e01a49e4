using Microsoft.Extensions.Options;
using Pamoja.Sandbox.Timing;

namespace Pamoja.Sandbox.Providers.AfricasTalking;

// POSTs each report (protocols.md §5.3) once its delay has passed. One report at a time, in
// send order: due times are monotonic, so waiting on the head never holds back an earlier one.
// Failures are logged and dropped; the sandbox does not retry, so the app must cope with a
// missing report, exactly as it must with the real provider.
public sealed partial class DeliveryReportSender(
    DeliveryReportOutbox outbox,
    IHttpClientFactory httpClients,
    IOptions<AfricasTalkingOptions> options,
    TimeProvider time,
    ILogger<DeliveryReportSender> logger) : BackgroundService
{
    public const string HttpClientName = "AfricasTalkingDeliveryReports";

    // The sandbox's networkCode; community fixtures show AT's sandbox using 99999.
    public const string SandboxNetworkCode = "99999";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var report in outbox.Reader.ReadAllAsync(stoppingToken))
        {
            await time.UntilAsync(report.DueAt, stoppingToken);
            await PostAsync(report, stoppingToken);
        }
    }

    private async Task PostAsync(PendingDeliveryReport report, CancellationToken stoppingToken)
    {
        var url = options.Value.DeliveryReportUrl;
        if (url is null)
        {
            return;
        }

        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["id"] = report.MessageId,
            ["status"] = "Success",
            ["phoneNumber"] = report.PhoneNumber,
            ["networkCode"] = SandboxNetworkCode,
            ["retryCount"] = "0",
        });

        try
        {
            using var response = await httpClients.CreateClient(HttpClientName).PostAsync(url, form, stoppingToken);
            if (!response.IsSuccessStatusCode)
            {
                LogRejected(report.MessageId, url, (int)response.StatusCode);
            }
        }
        catch (HttpRequestException ex)
        {
            LogFailed(ex, report.MessageId, url);
        }
        catch (TaskCanceledException ex) when (!stoppingToken.IsCancellationRequested)
        {
            // The client's timeout, not shutdown.
            LogFailed(ex, report.MessageId, url);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivery report for {MessageId} to {Url} was answered {StatusCode}; not retried")]
    private partial void LogRejected(string messageId, Uri url, int statusCode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivery report for {MessageId} to {Url} failed; not retried")]
    private partial void LogFailed(Exception exception, string messageId, Uri url);
}
