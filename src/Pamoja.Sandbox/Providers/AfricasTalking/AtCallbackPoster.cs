using System.Globalization;
using System.Text;
using Microsoft.Extensions.Options;

namespace Pamoja.Sandbox.Providers.AfricasTalking;

public sealed record AtCallbackResult(int? StatusCode, string Body, string? Error);

// POSTs one AT form to the app and reads the answer the way AT would: within CallbackTimeout,
// no redirects followed, the body read up to a cap. Never throws for anything the app does;
// only the caller's own cancellation escapes.
public sealed class AtCallbackPoster(IHttpClientFactory httpClients, IOptions<AfricasTalkingOptions> options)
{
    public const string HttpClientName = "AfricasTalkingCallbacks";
    private const int MaxAnswerBytes = 64 * 1024;

    public async Task<AtCallbackResult> PostAsync(Uri url, IEnumerable<KeyValuePair<string, string>> form, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(url);
        var timeout = options.Value.CallbackTimeout;
        // Real time, not TimeProvider: a test's manual clock must not stop the app timing out.
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        // The token in ?k= stays out of messages shown to users of the sandbox.
        var where = url.GetLeftPart(UriPartial.Path);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new FormUrlEncodedContent(form) };
            using var response = await httpClients.CreateClient(HttpClientName)
                .SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
            var body = await ReadCappedAsync(response.Content, cts.Token);
            return body is null
                ? new AtCallbackResult((int)response.StatusCode, "", $"The app's answer is over {MaxAnswerBytes} bytes")
                : new AtCallbackResult((int)response.StatusCode, body, null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new AtCallbackResult(null, "", string.Create(CultureInfo.InvariantCulture,
                $"No answer from the app at {where} within {timeout.TotalSeconds:0.###} s"));
        }
        catch (HttpRequestException ex)
        {
            return new AtCallbackResult(null, "", $"Could not reach the app at {where}: {ex.Message}");
        }
    }

    private static async Task<string?> ReadCappedAsync(HttpContent content, CancellationToken cancellationToken)
    {
        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxAnswerBytes)
            {
                return null;
            }
            buffer.Write(chunk, 0, read);
        }
        // AT reads UTF-8; bytes that are not become U+FFFD, which the GSM check then names.
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
