using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Pamoja.Sandbox.Messages;
using Pamoja.Sandbox.Timing;

namespace Pamoja.Sandbox.Providers.Twilio;

// POST /2010-04-01/Accounts/{AccountSid}/Messages.json — Twilio's Messages API (protocols.md
// §4.4). Checks run in a fixed order (credentials, To, From, content, callback URL, then the
// scripted numbers) so a request with several faults always gets the same answer; README.md
// lists the order.
public static class TwilioMessagesEndpoint
{
    public const string Path = "/2010-04-01/Accounts/{accountSid}/Messages.json";

    public const int MaxBody = 1600;

    public static async Task<IResult> HandleAsync(
        string accountSid,
        HttpRequest request,
        HttpResponse response,
        IOptions<TwilioOptions> options,
        MessageStore store,
        WhatsAppWindows windows,
        TwilioStatusOutbox outbox,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(windows);
        ArgumentNullException.ThrowIfNull(outbox);
        ArgumentNullException.ThrowIfNull(time);
        var o = options.Value;

        if (!Authenticated(request, accountSid, o))
        {
            response.Headers.WWWAuthenticate = "Basic realm=\"Twilio API\"";
            return TwilioWire.Error(401, 20003, "Authenticate");
        }

        var form = request.HasFormContentType ? await request.ReadFormAsync(cancellationToken) : FormCollection.Empty;

        var to = form["To"].ToString();
        if (to.Length == 0)
        {
            return TwilioWire.Error(400, 21604, "A 'To' phone number is required.");
        }
        var whatsApp = to.StartsWith(TwilioWire.WhatsAppPrefix, StringComparison.Ordinal);
        var phone = whatsApp ? to[TwilioWire.WhatsAppPrefix.Length..] : to;
        if (!TwilioWire.IsE164(phone) || TwilioScripts.Is(phone, TwilioScripts.InvalidNumber))
        {
            return TwilioWire.Error(400, 21211, $"Invalid 'To' Phone Number: {to}");
        }

        var from = form["From"].ToString();
        if (from.Length == 0)
        {
            return TwilioWire.Error(400, 21603, "A 'From' phone number is required.");
        }
        if (whatsApp && from != o.WhatsAppFrom)
        {
            return TwilioWire.Error(400, 63007, $"Twilio could not find a Channel with the specified From address: {from}");
        }
        if (!whatsApp && from != o.SmsFrom)
        {
            return TwilioWire.Error(400, 21606, $"The From phone number {from} is not a valid, SMS-capable inbound phone number or short code for your account.");
        }

        var body = form["Body"].ToString();
        var contentSid = form["ContentSid"].ToString();
        var contentVariables = form["ContentVariables"].ToString();
        if (body.Length == 0 && contentSid.Length == 0)
        {
            return TwilioWire.Error(400, 21602, "Message body is required.");
        }
        if (body.Length > MaxBody)
        {
            return TwilioWire.Error(400, 21617, "The concatenated message body exceeds the 1600 character limit.");
        }
        if (contentSid.Length > 0 && !TwilioWire.IsContentSid(contentSid))
        {
            return TwilioWire.Error(400, 21655, $"The ContentSid is Invalid: {contentSid}");
        }
        if (contentVariables.Length > 0 && !IsStringObject(contentVariables))
        {
            return TwilioWire.Error(400, 21656, "The ContentVariables Parameter is invalid");
        }

        var statusCallback = form["StatusCallback"].ToString();
        if (statusCallback.Length > 0 &&
            !(Uri.TryCreate(statusCallback, UriKind.Absolute, out var callbackUri) && callbackUri.Scheme is "http" or "https"))
        {
            return TwilioWire.Error(400, 21609, $"The StatusCallback URL {statusCallback} is not a valid URL.");
        }

        if (TwilioScripts.Is(phone, TwilioScripts.ServerError))
        {
            return TwilioWire.Error(500, 20500, "An internal server error has occurred");
        }
        if (TwilioScripts.Is(phone, TwilioScripts.NoAnswer))
        {
            // Hold the request until the client gives up (or the delay passes); nothing is sent.
            try
            {
                await time.UntilAsync(time.GetUtcNow() + o.NoAnswerDelay, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return Results.Empty;
            }
            return Results.StatusCode(StatusCodes.Status504GatewayTimeout);
        }

        // A template is rendered by WhatsApp on the phone; the inbox shows what was asked for.
        var shown = contentSid.Length > 0
            ? $"[template {contentSid}]" + (contentVariables.Length > 0 ? " " + contentVariables : "")
            : body;
        var sid = TwilioWire.NewMessageSid();
        var now = time.GetUtcNow();
        var channel = whatsApp ? "whatsapp" : "sms";
        // Free-form WhatsApp needs the member's message within 24 h; templates never do.
        var outsideWindow = whatsApp && contentSid.Length == 0 && !windows.IsOpen(phone);

        store.Add(new SandboxMessage(sid, channel, "twilio", from, phone, shown, now, Status: "queued"));
        outbox.Enqueue(new TwilioStatusJob(now + o.StatusCallbackDelay, sid, o.AccountSid, from, to, whatsApp,
            statusCallback.Length > 0 ? statusCallback : null, TwilioScripts.Events(phone, channel, outsideWindow)));

        var resource = new JsonObject
        {
            ["account_sid"] = o.AccountSid,
            ["api_version"] = TwilioWire.ApiVersion,
            ["body"] = shown,
            ["date_created"] = TwilioWire.Rfc2822(now),
            ["date_sent"] = null,
            ["date_updated"] = TwilioWire.Rfc2822(now),
            ["direction"] = "outbound-api",
            ["error_code"] = null,
            ["error_message"] = null,
            ["from"] = from,
            ["messaging_service_sid"] = null,
            ["num_media"] = "0",
            ["num_segments"] = TwilioWire.Segments(shown, whatsApp).ToString(CultureInfo.InvariantCulture),
            ["price"] = null,
            ["price_unit"] = "USD",
            ["sid"] = sid,
            ["status"] = "queued",
            ["subresource_uris"] = new JsonObject { ["media"] = $"/{TwilioWire.ApiVersion}/Accounts/{o.AccountSid}/Messages/{sid}/Media.json" },
            ["to"] = to,
            ["uri"] = $"/{TwilioWire.ApiVersion}/Accounts/{o.AccountSid}/Messages/{sid}.json",
        };
        return Results.Text(resource.ToJsonString(), "application/json; charset=utf-8", statusCode: StatusCodes.Status201Created);
    }

    // Basic auth with the account SID and auth token, for the account in the path.
    private static bool Authenticated(HttpRequest request, string accountSid, TwilioOptions o)
    {
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        string credentials;
        try
        {
            credentials = Encoding.UTF8.GetString(Convert.FromBase64String(header["Basic ".Length..].Trim()));
        }
        catch (FormatException)
        {
            return false;
        }
        var colon = credentials.IndexOf(':', StringComparison.Ordinal);
        return colon > 0
            && credentials[..colon] == o.AccountSid
            && credentials[(colon + 1)..] == o.AuthToken
            && accountSid == o.AccountSid;
    }

    // ContentVariables is a JSON object of strings: {"1":"Amina","2":"KES 500"}.
    private static bool IsStringObject(string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            return doc.RootElement.ValueKind == JsonValueKind.Object
                && doc.RootElement.EnumerateObject().All(p => p.Value.ValueKind == JsonValueKind.String);
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
