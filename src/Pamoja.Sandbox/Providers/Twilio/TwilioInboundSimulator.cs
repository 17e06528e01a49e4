using System.Text.Json;
using System.Xml;
using System.Xml.Linq;
using Microsoft.Extensions.Options;
using Pamoja.Sandbox.Messages;

namespace Pamoja.Sandbox.Providers.Twilio;

// POST /sandbox/twilio/inbound — a member's phone sends an SMS or WhatsApp message. The sandbox
// does what Twilio does (protocols.md §4.1): builds the webhook form, signs it, POSTs it to the
// webhook URL, waits up to 15 s for TwiML, and delivers each <Message> of the reply to the
// member. Not part of Twilio's API: the sandbox's own, for tests and the demo.
public static class TwilioInboundSimulator
{
    public const string Path = "/sandbox/twilio/inbound";
    public const string HttpClientName = "TwilioWebhooks";

    // A signature computed with the wrong token: looks right, is not.
    private const string ForgedToken = "not-the-auth-token";

    public sealed record Request(
        string Channel,
        string From,
        string Body,
        string? ProfileName,
        string? ButtonPayload,
        string? MessageSid,
        string? Signature,
        Uri? WebhookUrl);

    public static async Task<IResult> HandleAsync(
        HttpRequest request,
        IOptions<TwilioOptions> options,
        MessageStore store,
        WhatsAppWindows windows,
        IHttpClientFactory httpClients,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(windows);
        ArgumentNullException.ThrowIfNull(httpClients);
        ArgumentNullException.ThrowIfNull(time);
        var o = options.Value;

        var (inbound, problem) = await ReadAsync(request, o, cancellationToken);
        if (inbound is null)
        {
            return Results.Json(new { error = problem }, statusCode: StatusCodes.Status400BadRequest);
        }

        var whatsApp = inbound.Channel == "whatsapp";
        var sid = inbound.MessageSid ?? TwilioWire.NewMessageSid();
        var ours = whatsApp ? o.WhatsAppFrom : o.SmsFrom;
        var form = Form(inbound, sid, o);
        var url = inbound.WebhookUrl!.ToString();

        // The member sent it whatever our app makes of it: the window opens, the phone shows it.
        // A re-delivery (same MessageSid) is the same message, recorded once.
        if (whatsApp)
        {
            windows.Open(inbound.From);
        }
        if (!store.Contains(sid))
        {
            store.Add(new SandboxMessage(sid, inbound.Channel, "twilio", inbound.From, Strip(ours), inbound.Body, time.GetUtcNow(),
                SandboxMessage.Inbound, "received"));
        }

        using var post = new HttpRequestMessage(HttpMethod.Post, url) { Content = new FormUrlEncodedContent(form) };
        switch (inbound.Signature)
        {
            case "none":
                break;
            case "forged":
                post.Headers.TryAddWithoutValidation(TwilioSigner.Header, TwilioSigner.Sign(ForgedToken, url, form));
                break;
            default:
                post.Headers.TryAddWithoutValidation(TwilioSigner.Header, TwilioSigner.Sign(o.AuthToken, url, form));
                break;
        }

        int? webhookStatus = null;
        string? error = null;
        var replies = new List<string>();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(o.WebhookTimeout);
        try
        {
            using var response = await httpClients.CreateClient(HttpClientName).SendAsync(post, deadline.Token);
            webhookStatus = (int)response.StatusCode;
            var text = await response.Content.ReadAsStringAsync(deadline.Token);
            if (!response.IsSuccessStatusCode)
            {
                error = $"11200 HTTP retrieval failure: the webhook answered {webhookStatus}";
            }
            else if (!TryReadTwiml(text, replies))
            {
                error = "12100 Document parse failure: the answer is not TwiML";
            }
        }
        catch (HttpRequestException ex)
        {
            error = "11200 HTTP retrieval failure: " + ex.Message;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            error = $"11205 HTTP connection failure: no answer within {o.WebhookTimeout.TotalSeconds:0.#} s";
        }

        foreach (var reply in replies)
        {
            store.Add(new SandboxMessage(TwilioWire.NewMessageSid(), inbound.Channel, "twilio", ours, inbound.From, reply, time.GetUtcNow(),
                Status: "delivered"));
        }

        return Results.Json(new { messageSid = sid, webhookStatus, replies, error });
    }

    // The exact form Twilio posts for an inbound message (protocols.md §4.1).
    public static List<KeyValuePair<string, string>> Form(Request inbound, string sid, TwilioOptions o)
    {
        ArgumentNullException.ThrowIfNull(inbound);
        ArgumentNullException.ThrowIfNull(o);
        var whatsApp = inbound.Channel == "whatsapp";
        var prefix = whatsApp ? TwilioWire.WhatsAppPrefix : "";
        var form = new List<KeyValuePair<string, string>>
        {
            new("SmsMessageSid", sid),
            new("NumMedia", "0"),
            new("SmsSid", sid),
            new("SmsStatus", "received"),
            new("Body", inbound.Body),
            new("To", whatsApp ? o.WhatsAppFrom : o.SmsFrom),
            new("NumSegments", "1"),
            new("MessageSid", sid),
            new("AccountSid", o.AccountSid),
            new("From", prefix + inbound.From),
            new("ApiVersion", TwilioWire.ApiVersion),
        };
        if (whatsApp)
        {
            form.Add(new("ProfileName", inbound.ProfileName ?? "Sandbox member"));
            form.Add(new("WaId", inbound.From[1..]));
            form.Add(new("MessageType", inbound.ButtonPayload is null ? "text" : "button"));
            if (inbound.ButtonPayload is not null)
            {
                form.Add(new("ButtonPayload", inbound.ButtonPayload));
                form.Add(new("ButtonText", inbound.Body));
            }
        }
        return form;
    }

    // Each <Message> of a <Response>: its <Body>, or its own text. An empty <Response/> is no
    // reply. False when the answer is not TwiML at all.
    public static bool TryReadTwiml(string text, List<string> replies)
    {
        ArgumentNullException.ThrowIfNull(replies);
        XDocument doc;
        try
        {
            // XDocument.Parse prohibits DTDs: no entity tricks from a webhook's answer.
            doc = XDocument.Parse(text);
        }
        catch (XmlException)
        {
            return false;
        }
        if (doc.Root?.Name.LocalName != "Response")
        {
            return false;
        }
        foreach (var message in doc.Root.Elements("Message"))
        {
            var body = message.Element("Body") is { } element
                ? element.Value
                : string.Concat(message.Nodes().OfType<XText>().Select(t => t.Value)).Trim();
            if (body.Length > 0)
            {
                replies.Add(body);
            }
        }
        return true;
    }

    private static async Task<(Request? Request, string? Problem)> ReadAsync(HttpRequest request, TwilioOptions o, CancellationToken ct)
    {
        JsonElement root;
        try
        {
            using var doc = await JsonDocument.ParseAsync(request.Body, cancellationToken: ct);
            root = doc.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            return (null, "The body must be a JSON object: " + ex.Message);
        }
        if (root.ValueKind != JsonValueKind.Object)
        {
            return (null, "The body must be a JSON object");
        }

        string? Text(string name, out string? problem)
        {
            problem = null;
            if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                return null;
            }
            if (value.ValueKind != JsonValueKind.String)
            {
                problem = $"'{name}' must be a string";
                return null;
            }
            return value.GetString();
        }

        var channel = Text("channel", out var p1);
        var from = Text("from", out var p2);
        var body = Text("body", out var p3);
        var profileName = Text("profileName", out var p4);
        var buttonPayload = Text("buttonPayload", out var p5);
        var messageSid = Text("messageSid", out var p6);
        var signature = Text("signature", out var p7);
        var webhookUrl = Text("webhookUrl", out var p8);
        if (new[] { p1, p2, p3, p4, p5, p6, p7, p8 }.FirstOrDefault(p => p is not null) is { } typeProblem)
        {
            return (null, typeProblem);
        }

        if (channel is not ("whatsapp" or "sms"))
        {
            return (null, "'channel' is required: \"whatsapp\" or \"sms\"");
        }
        if (!TwilioWire.IsE164(from))
        {
            return (null, "'from' is required: the member's number in +E.164, e.g. +254712345678");
        }
        if (body is null)
        {
            return (null, "'body' is required (it may be empty)");
        }
        if (body.Length > TwilioMessagesEndpoint.MaxBody)
        {
            return (null, "'body' is longer than Twilio's 1600 characters");
        }
        if (messageSid is not null && !TwilioWire.IsMessageSid(messageSid))
        {
            return (null, "'messageSid' must be \"SM\" + 32 lower-case hex digits");
        }
        if (signature is not (null or "forged" or "none"))
        {
            return (null, "'signature' is \"forged\" or \"none\", or left out for a correct one");
        }
        if (buttonPayload is not null && channel != "whatsapp")
        {
            return (null, "'buttonPayload' is WhatsApp only");
        }
        Uri? url = o.WebhookUrl;
        if (webhookUrl is not null && !(Uri.TryCreate(webhookUrl, UriKind.Absolute, out url) && url.Scheme is "http" or "https"))
        {
            return (null, "'webhookUrl' must be an absolute http(s) URL");
        }
        if (url is null)
        {
            return (null, "No webhook URL: set Twilio:WebhookUrl or pass 'webhookUrl'");
        }
        return (new Request(channel, from!, body, profileName, buttonPayload, messageSid, signature, url), null);
    }

    private static string Strip(string address) =>
        address.StartsWith(TwilioWire.WhatsAppPrefix, StringComparison.Ordinal) ? address[TwilioWire.WhatsAppPrefix.Length..] : address;
}
