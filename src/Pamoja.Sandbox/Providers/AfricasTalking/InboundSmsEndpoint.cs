using System.Globalization;
using Microsoft.Extensions.Options;
using Pamoja.Sandbox.Messages;

namespace Pamoja.Sandbox.Providers.AfricasTalking;

public sealed record InboundSmsResponse(string Id, int? CallbackStatus, string? CallbackError);

// POST /sandbox/africastalking/sms/inbound — a phone texting the app's short code. Posts AT's
// incoming-SMS form (protocols.md §5.3) to SmsCallbackUrl and says how the app answered. Send
// the same `id` twice to rehearse AT delivering one message twice. AT answers an incoming SMS
// with nothing: the app replies by a separate send through /version1/messaging.
public static class InboundSmsEndpoint
{
    public const string Path = "/sandbox/africastalking/sms/inbound";
    public const int MaxTextLength = 1600;

    private static readonly string[] Fields = ["from", "text", "to", "id", "linkId", "callbackUrl"];

    public static async Task<IResult> HandleAsync(
        HttpRequest request,
        AtCallbackPoster poster,
        MessageStore store,
        IOptions<AfricasTalkingOptions> options,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(poster);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);

        var (root, error) = await SimulatorJson.ReadObjectAsync(request, Fields, cancellationToken);
        if (error is not null
            || !SimulatorJson.TryString(root, "from", out var from, out error)
            || !SimulatorJson.TryString(root, "text", out var text, out error)
            || !SimulatorJson.TryString(root, "to", out var to, out error)
            || !SimulatorJson.TryString(root, "id", out var id, out error)
            || !SimulatorJson.TryString(root, "linkId", out var linkId, out error)
            || !SimulatorJson.TryUrl(root, "callbackUrl", out var callbackUrl, out error))
        {
            return SimulatorJson.BadRequest(error!);
        }
        if (from is null || !SmsScript.IsValidNumber(from))
        {
            return SimulatorJson.BadRequest("'from' is required and must be +E.164, e.g. +254712345678");
        }
        if (text is null || text.Length > MaxTextLength)
        {
            return SimulatorJson.BadRequest($"'text' is required, at most {MaxTextLength} characters");
        }
        foreach (var (name, value) in new[] { ("to", to), ("id", id), ("linkId", linkId) })
        {
            if (value is not null && (value.Length is 0 or > 100 || value.Any(c => c is <= ' ' or > '~')))
            {
                return SimulatorJson.BadRequest($"'{name}' must be 1 to 100 visible ASCII characters");
            }
        }
        var url = callbackUrl ?? options.Value.SmsCallbackUrl;
        if (url is null)
        {
            return SimulatorJson.BadRequest("No callback URL: set AfricasTalking:SmsCallbackUrl or send 'callbackUrl'");
        }

        var now = time.GetUtcNow();
        id ??= Guid.NewGuid().ToString("D");
        to ??= options.Value.SmsShortCode;
        var form = new List<KeyValuePair<string, string>>
        {
            new("from", from),
            new("to", to),
            new("text", text),
            // AT writes "yyyy-MM-dd HH:mm:ss" without a zone; the sandbox writes UTC.
            new("date", now.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)),
            new("id", id),
            new("linkId", linkId ?? Guid.NewGuid().ToString("D")),
            new("networkCode", DeliveryReportSender.SandboxNetworkCode),
        };

        store.Add(new SandboxMessage(id, "sms", "africastalking", from, to, text, now, SandboxMessage.Inbound));
        var result = await poster.PostAsync(url, form, cancellationToken);
        return Results.Json(new InboundSmsResponse(id, result.StatusCode, result.Error));
    }
}
