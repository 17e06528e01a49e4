using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Pamoja.Web.Features.Notifications;

namespace Pamoja.Web.Integrations.Twilio;

/// SMS and WhatsApp through Twilio's Messages API (protocols.md §4.4): one form POST per
/// message, Basic auth with the account SID and auth token. 201 means queued, not delivered:
/// delivery (or a WhatsApp 63016 failure) arrives later at the message's StatusCallback.
/// Errors start "Twilio {code}" so the caller can tell 63016 (send a template instead) from
/// the rest.
public sealed class TwilioMessageSender(HttpClient http, IOptions<TwilioOptions> options) : IMessageSender
{
    /// Codes after which sending the same message again cannot succeed.
    public static readonly IReadOnlySet<int> PermanentCodes = new HashSet<int>
    {
        20003, // authentication failed: wrong SID or token
        21211, // invalid To number
        21408, // sending to that region is not enabled
        21602, // no body (nor content): the same request fails again
        21604, // no To: likewise
        21610, // the recipient replied STOP
        21614, // To is not a mobile number
        63003, // the channel could not find the To address (not on WhatsApp)
        63016, // free-form WhatsApp outside the 24-hour window: send a template
    };

    private const int MaxDetail = 200;

    public async Task<SendResult> SendAsync(OutgoingMessage message, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        var o = options.Value;

        var recipient = message.Recipient.StartsWith(TwilioIds.WhatsAppPrefix, StringComparison.Ordinal)
            ? message.Recipient[TwilioIds.WhatsAppPrefix.Length..]
            : message.Recipient;
        if (!TwilioIds.TryAddress(recipient, out _, out var phone))
            return SendResult.GiveUp("Not an E.164 number: Twilio cannot send to it");
        var (to, from) = message.Channel switch
        {
            "whatsapp" => (TwilioIds.WhatsAppPrefix + phone, o.WhatsAppFrom),
            "sms" => (phone, o.SmsFrom),
            _ => (null, null),
        };
        if (to is null)
            return SendResult.GiveUp($"Twilio does not carry the '{message.Channel}' channel");

        var form = new List<KeyValuePair<string, string>> { new("To", to), new("From", from ?? "") };
        if (!string.IsNullOrEmpty(message.ContentSid))
        {
            // An approved template: Twilio renders it; Body would be refused outside the window.
            form.Add(new("ContentSid", message.ContentSid));
            if (!string.IsNullOrEmpty(message.ContentVariables))
                form.Add(new("ContentVariables", message.ContentVariables));
        }
        else
        {
            form.Add(new("Body", message.Body));
        }
        if (message.StatusCallback is { } callback)
            form.Add(new("StatusCallback", callback.AbsoluteUri));

        using var request = new HttpRequestMessage(HttpMethod.Post, $"2010-04-01/Accounts/{Uri.EscapeDataString(o.AccountSid)}/Messages.json")
        {
            Content = new FormUrlEncodedContent(form),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes(o.AccountSid + ":" + o.AuthToken)));
        request.Headers.Accept.ParseAdd("application/json");

        HttpStatusCode status;
        string text;
        try
        {
            using var response = await http.SendAsync(request, ct);
            status = response.StatusCode;
            text = await response.Content.ReadAsStringAsync(ct);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // HttpClient's timeout. Twilio may have queued it; the retry may send a duplicate.
            return SendResult.Retry("Twilio did not answer in time");
        }
        catch (HttpRequestException ex)
        {
            return SendResult.Retry("Twilio could not be reached: " + ex.Message);
        }

        return Interpret((int)status, text);
    }

    /// What an answer means. Public for the tests of its odd cases; never throws.
    public static SendResult Interpret(int status, string? text)
    {
        text ??= "";
        if (status is >= 200 and < 300)
        {
            var sid = Field(text, "sid");
            return TwilioIds.IsMessageSid(sid)
                ? SendResult.Ok(sid)
                : SendResult.Retry(string.Create(CultureInfo.InvariantCulture, $"Twilio HTTP {status}: unreadable answer {Truncate(text)}"));
        }

        var code = Code(text);
        var detail = Field(text, "message") ?? Truncate(text);
        if (code is null)
        {
            // No Twilio error body: a proxy or load balancer answered. Only bad credentials are
            // worth stopping for.
            var error = string.Create(CultureInfo.InvariantCulture, $"Twilio HTTP {status}: {Truncate(detail)}");
            return status is 401 ? SendResult.GiveUp(error) : SendResult.Retry(error);
        }

        var message = string.Create(CultureInfo.InvariantCulture, $"Twilio {code}: {Truncate(detail)}");
        // 429 and 5xx are Twilio's trouble whatever the code says; a 4xx with a known
        // permanent code is ours or the recipient's.
        return status is >= 400 and < 500 and not 429 && PermanentCodes.Contains(code.Value)
            ? SendResult.GiveUp(message)
            : SendResult.Retry(message);
    }

    private static int? Code(string text)
    {
        try
        {
            using var doc = JsonDocument.Parse(text);
            if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty("code", out var code))
                return null;
            return code.ValueKind switch
            {
                JsonValueKind.Number when code.TryGetInt32(out var n) => n,
                JsonValueKind.String when int.TryParse(code.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) => n,
                _ => null,
            };
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Field(string text, string name)
    {
        try
        {
            using var doc = JsonDocument.Parse(text);
            return doc.RootElement.ValueKind == JsonValueKind.Object
                   && doc.RootElement.TryGetProperty(name, out var value)
                   && value.ValueKind == JsonValueKind.String
                ? value.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Truncate(string s) => s.Length <= MaxDetail ? s : s[..MaxDetail];
}
