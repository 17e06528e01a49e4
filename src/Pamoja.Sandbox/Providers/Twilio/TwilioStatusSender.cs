using Microsoft.Extensions.Options;
using Pamoja.Sandbox.Messages;
using Pamoja.Sandbox.Timing;

namespace Pamoja.Sandbox.Providers.Twilio;

// Plays each message's delivery once its delay has passed: moves the message's status in the
// store (never backwards) and POSTs each status callback (protocols.md §4.5), form-encoded and
// signed like every Twilio webhook. Failures are logged and dropped: the app must cope with a
// missing callback, as with the real Twilio.
public sealed partial class TwilioStatusSender(
    TwilioStatusOutbox outbox,
    MessageStore store,
    IHttpClientFactory httpClients,
    IOptions<TwilioOptions> options,
    TimeProvider time,
    ILogger<TwilioStatusSender> logger) : BackgroundService
{
    public const string HttpClientName = "TwilioStatusCallbacks";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var job in outbox.Reader.ReadAllAsync(stoppingToken))
        {
            await time.UntilAsync(job.DueAt, stoppingToken);
            foreach (var status in job.Events)
            {
                store.Update(job.MessageSid, m => TwilioScripts.Rank(status.Status) > TwilioScripts.Rank(m.Status) && m.Failed is false
                    ? m with { Status = status.Status, ErrorCode = status.ErrorCode }
                    : m);
                if (job.StatusCallback is not null)
                {
                    await PostAsync(job, status, stoppingToken);
                }
            }
        }
    }

    public static List<KeyValuePair<string, string>> Form(TwilioStatusJob job, TwilioStatusEvent status)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(status);
        var form = new List<KeyValuePair<string, string>>
        {
            new("MessageSid", job.MessageSid),
            new("SmsSid", job.MessageSid),
            new("AccountSid", job.AccountSid),
            new("From", job.From),
            new("To", job.To),
            new("ApiVersion", TwilioWire.ApiVersion),
            new("MessageStatus", status.Status),
            new("SmsStatus", status.Status),
        };
        if (status.ErrorCode is { } code)
        {
            form.Add(new("ErrorCode", code.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }
        if (job.WhatsApp)
        {
            form.Add(new("ChannelPrefix", "whatsapp"));
            form.Add(new("ChannelToAddress", job.To[TwilioWire.WhatsAppPrefix.Length..]));
        }
        return form;
    }

    private async Task PostAsync(TwilioStatusJob job, TwilioStatusEvent status, CancellationToken stoppingToken)
    {
        var url = job.StatusCallback!;
        var form = Form(job, status);
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new FormUrlEncodedContent(form) };
        request.Headers.TryAddWithoutValidation(TwilioSigner.Header, TwilioSigner.Sign(options.Value.AuthToken, url, form));
        try
        {
            using var response = await httpClients.CreateClient(HttpClientName).SendAsync(request, stoppingToken);
            if (!response.IsSuccessStatusCode)
            {
                LogRejected(job.MessageSid, status.Status, url, (int)response.StatusCode);
            }
        }
        catch (HttpRequestException ex)
        {
            LogFailed(ex, job.MessageSid, status.Status, url);
        }
        catch (TaskCanceledException ex) when (!stoppingToken.IsCancellationRequested)
        {
            // The client's timeout, not shutdown.
            LogFailed(ex, job.MessageSid, status.Status, url);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Twilio status {Status} for {MessageSid} to {Url} was answered {StatusCode}; not retried")]
    private partial void LogRejected(string messageSid, string status, string url, int statusCode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Twilio status {Status} for {MessageSid} to {Url} failed; not retried")]
    private partial void LogFailed(Exception exception, string messageSid, string status, string url);
}
