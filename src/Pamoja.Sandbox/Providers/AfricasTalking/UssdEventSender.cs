using System.Globalization;
using Microsoft.Extensions.Options;

namespace Pamoja.Sandbox.Providers.AfricasTalking;

// Posts AT's end-of-session notification (protocols.md §5.1; field list from public
// integrations) to UssdEventsUrl when a session ends. In the background, as AT does: the
// simulator's answer never waits for it. Not retried; failures are logged.
public sealed partial class UssdEventSender(
    AtCallbackPoster poster,
    IOptions<AfricasTalkingOptions> options,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<UssdEventSender> logger)
{
    public void SessionEnded(UssdSession session, string errorMessage)
    {
        ArgumentNullException.ThrowIfNull(session);
        var url = options.Value.UssdEventsUrl;
        if (url is null)
        {
            return;
        }

        var now = time.GetUtcNow();
        var (currency, _) = SmsPricing.PriceFor(session.PhoneNumber);
        var form = new List<KeyValuePair<string, string>>
        {
            new("date", now.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)),
            new("sessionId", session.Id),
            new("serviceCode", session.ServiceCode),
            new("networkCode", DeliveryReportSender.SandboxNetworkCode),
            new("phoneNumber", session.PhoneNumber),
            new("status", session.EndStatus ?? "Incomplete"),
            new("cost", SmsPricing.Format(currency, 0m)),
            new("durationInMillis", ((long)(now - session.StartedAt).TotalMilliseconds).ToString(CultureInfo.InvariantCulture)),
            new("hopsCount", session.Hops.ToString(CultureInfo.InvariantCulture)),
            new("input", session.Text),
            new("lastAppResponse", session.LastAppResponse ?? ""),
            new("errorMessage", errorMessage),
        };
        _ = Task.Run(() => SendAsync(url, session.Id, form));
    }

    private async Task SendAsync(Uri url, string sessionId, List<KeyValuePair<string, string>> form)
    {
        try
        {
            var result = await poster.PostAsync(url, form, lifetime.ApplicationStopping);
            if (result.Error is not null)
            {
                LogFailed(sessionId, result.Error);
            }
            else if (result.StatusCode is not (>= 200 and < 300))
            {
                LogFailed(sessionId, $"HTTP {result.StatusCode}");
            }
        }
        catch (OperationCanceledException)
        {
            // Shutting down.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "USSD end-of-session event for {SessionId} failed: {Reason}; not retried")]
    private partial void LogFailed(string sessionId, string reason);
}
