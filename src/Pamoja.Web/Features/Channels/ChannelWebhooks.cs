using Microsoft.Extensions.Options;
using Pamoja.Web.Features.Notifications;
using Pamoja.Web.Integrations.AfricasTalking;
using Pamoja.Web.Integrations.Twilio;

namespace Pamoja.Web.Features.Channels;

/// api.md § Provider callbacks, for the messaging providers: Twilio's inbound WhatsApp and SMS
/// (signed: a wrong or missing X-Twilio-Signature is a 403 and nothing is done), Twilio's status
/// callbacks, Africa's Talking's USSD steps, inbound SMS and delivery reports (AT signs nothing:
/// its callback URLs carry a secret token, "k"). Each inbound message is stored raw, handled
/// once however often it arrives, and answered as the provider expects: TwiML, CON/END text.
/// Nothing here answers 500: if handling fails, the member gets a short apology instead.
public static class ChannelWebhooks
{
    private const int MaxFormBytes = 64 * 1024;

    /// Once a message is stored its handling runs to the end (not cut short by the provider
    /// hanging up), within this.
    private static readonly TimeSpan HandlingTimeout = TimeSpan.FromSeconds(30);

    public static WebApplication MapChannelWebhooks(this WebApplication app)
    {
        var hooks = app.MapGroup("/webhooks").WithTags("Provider callbacks").DisableAntiforgery();
        hooks.MapPost("/twilio/messages", TwilioMessageAsync);
        hooks.MapPost("/twilio/status", TwilioStatusAsync);
        hooks.MapPost("/africastalking/ussd", UssdAsync);
        hooks.MapPost("/africastalking/ussd/events", UssdEventAsync);
        hooks.MapPost("/africastalking/sms", AtSmsAsync);
        hooks.MapPost("/africastalking/sms/delivery", AtDeliveryAsync);
        return app;
    }

    // ---- Twilio ----

    private static async Task<IResult> TwilioMessageAsync(HttpContext http, IServiceProvider services, ChatInbox inbox, Conversation conversation,
        ILoggerFactory logs, CancellationToken ct)
    {
        if (services.GetService<IOptions<TwilioOptions>>()?.Value is not { } options || string.IsNullOrEmpty(options.AuthToken))
            return Results.NotFound();
        var request = await TwilioWebhook.ReadVerifiedAsync(http.Request, options, ct);
        if (request is null)
            return Results.Text("Signature check failed.", "text/plain", statusCode: StatusCodes.Status403Forbidden);
        if (!TwilioInbound.TryParse(request.Form, out var message) || message.AccountSid != options.AccountSid)
            return Results.Text(TwiML.Empty, TwiML.ContentType, statusCode: StatusCodes.Status400BadRequest);

        // A PIN is never written down: a message that answers "your PIN?" is stored as a marker.
        var secret = await conversation.AwaitsPinAsync(message.Channel, message.From, message.From, ct);
        var stored = await inbox.StoreAsync("twilio", message.Channel, message.MessageSid, message.From,
            secret ? ChatInbox.Redacted : message.Body, secret ? ChatInbox.Redacted : request.RawBody, ct);
        if (stored.Duplicate)
            return Results.Text(stored.Reply is { Length: > 0 } again ? TwiML.Message(again) : TwiML.Empty, TwiML.ContentType);

        // Stored: from here the work finishes even if Twilio stops waiting (its 15 s), so the
        // row is answered and the session saved with whatever the turn did.
        using var work = new CancellationTokenSource(HandlingTimeout);
        if (message.Channel == ChatChannels.WhatsApp)
            await inbox.NoteWhatsAppAsync(message.From, work.Token);
        var text = string.IsNullOrEmpty(message.ButtonPayload) ? message.Body : message.ButtonPayload;
        var answer = await AnswerAsync(conversation, inbox, stored.Id,
            new ChatTurn(message.Channel, message.From, message.From, text), logs, work.Token);
        return Results.Text(TwiML.Message(answer.Text), TwiML.ContentType);
    }

    private static async Task<IResult> TwilioStatusAsync(HttpContext http, IServiceProvider services, DeliveryReports reports, CancellationToken ct)
    {
        if (services.GetService<IOptions<TwilioOptions>>()?.Value is not { } options || string.IsNullOrEmpty(options.AuthToken))
            return Results.NotFound();
        var request = await TwilioWebhook.ReadVerifiedAsync(http.Request, options, ct);
        if (request is null)
            return Results.Text("Signature check failed.", "text/plain", statusCode: StatusCodes.Status403Forbidden);
        await reports.RecordRawAsync("twilio", "status", request.RawBody, ct);
        if (!TwilioStatusCallback.TryParse(request.Form, out var status))
            return Results.BadRequest();
        await reports.ApplyAsync("twilio", status.MessageSid, status.Status, TwilioStatusCallback.Rank(status.Status),
            TwilioStatusCallback.IsFinal(status.Status), status.Status is "delivered" or "read",
            status.ErrorCode is { } code ? $"Twilio {code}" : null, ct);
        return Results.Ok();
    }

    // ---- Africa's Talking ----

    private static async Task<IResult> UssdAsync(HttpContext http, IOptions<AfricasTalkingOptions> options, ChatInbox inbox, Conversation conversation,
        ILoggerFactory logs, CancellationToken ct)
    {
        if (!AtCallbackToken.Matches(options.Value.CallbackToken, http.Request.Query["k"]))
            return Results.Text("END Not authorised.", UssdReply.ContentType, statusCode: StatusCodes.Status403Forbidden);
        var (form, raw) = await ReadFormAsync(http.Request, ct);
        if (form is null || !UssdRequest.TryParse(form, out var request, out var error))
            return Results.Text(UssdReply.End("Sorry, that request could not be read."), UssdReply.ContentType, statusCode: StatusCodes.Status400BadRequest);

        // AT sends the whole session's input every time (a PIN among it), and a session only goes
        // forward: the session and the number of inputs identify the step. The cumulative text
        // is never stored: the raw form keeps the other fields and the newest input, which is a
        // marker when it answers "your PIN?".
        var stepId = request.SessionId + "#" + request.Inputs.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var secret = await conversation.AwaitsPinAsync(ChatChannels.Ussd, request.SessionId, request.PhoneNumber.Value, ct);
        var input = secret ? ChatInbox.Redacted : request.LastInput;
        var keptRaw = FormText(form, "text") + "&inputs=" + request.Inputs.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)
            + "&last=" + Uri.EscapeDataString(input ?? "");
        var stored = await inbox.StoreAsync("africastalking", ChatChannels.Ussd, stepId, request.PhoneNumber.Value, input, keptRaw, ct);
        if (stored.Duplicate)
            return Results.Text(stored.Reply ?? UssdReply.End("Please dial again."), UssdReply.ContentType);
        var turn = new ChatTurn(ChatChannels.Ussd, request.PhoneNumber.Value, request.SessionId, request.LastInput ?? "", Start: request.Inputs.Count == 0);
        using var work = new CancellationTokenSource(HandlingTimeout);
        var answer = await AnswerAsync(conversation, inbox, stored.Id, turn, logs, work.Token, UssdScreen);
        return Results.Text(UssdScreen(answer), UssdReply.ContentType);
    }

    private static async Task<IResult> UssdEventAsync(HttpContext http, IOptions<AfricasTalkingOptions> options, DeliveryReports reports, CancellationToken ct)
    {
        if (!AtCallbackToken.Matches(options.Value.CallbackToken, http.Request.Query["k"]))
            return Results.StatusCode(StatusCodes.Status403Forbidden);
        var (form, _) = await ReadFormAsync(http.Request, ct);
        if (form is null || !AtUssdSessionEvent.TryParse(form, out _))
            return Results.BadRequest();
        // Kept without "input" (the session's whole text, a PIN among it).
        await reports.RecordRawAsync("africastalking", "ussd_event",
            FormText(form, "input"), ct);
        return Results.Ok();
    }

    private static async Task<IResult> AtSmsAsync(HttpContext http, IOptions<AfricasTalkingOptions> options, ChatInbox inbox, Conversation conversation,
        DeliveryReports reports, OutboxSignal signal, ILoggerFactory logs, CancellationToken ct)
    {
        if (!AtCallbackToken.Matches(options.Value.CallbackToken, http.Request.Query["k"]))
            return Results.StatusCode(StatusCodes.Status403Forbidden);
        var (form, raw) = await ReadFormAsync(http.Request, ct);
        if (form is null)
            return Results.BadRequest();
        // One callback URL may be set for both: a delivery report has a status, an SMS a text.
        if (!form.ContainsKey("text") && AtDeliveryReport.TryParse(form, out var report))
            return await ApplyAtReportAsync(reports, report, ct);
        if (!AtInboundSms.TryParse(form, out var sms))
            return Results.BadRequest();

        var secret = await conversation.AwaitsPinAsync(ChatChannels.Sms, sms.From.Value, sms.From.Value, ct);
        var stored = await inbox.StoreAsync("africastalking", ChatChannels.Sms, sms.Id, sms.From.Value,
            secret ? ChatInbox.Redacted : sms.Text, secret ? ChatInbox.Redacted : raw!, ct);
        if (stored.Duplicate)
        {
            // Answered before: queue that reply again (a no-op if it was queued), in case the
            // first delivery stopped between answering and queuing.
            if (stored.Reply is { Length: > 0 } before)
                await inbox.QueueSmsReplyAsync(sms.From.Value, before, "reply:at:" + sms.Id, ct);
            return Results.Ok();
        }
        using var work = new CancellationTokenSource(HandlingTimeout);
        var answer = await AnswerAsync(conversation, inbox, stored.Id,
            new ChatTurn(ChatChannels.Sms, sms.From.Value, sms.From.Value, sms.Text), logs, work.Token);
        // Africa's Talking answers an SMS with an SMS: through the outbox, once per inbound id.
        await inbox.QueueSmsReplyAsync(sms.From.Value, answer.Text, "reply:at:" + sms.Id, work.Token);
        signal.Notify();
        return Results.Ok();
    }

    private static async Task<IResult> AtDeliveryAsync(HttpContext http, IOptions<AfricasTalkingOptions> options, DeliveryReports reports, CancellationToken ct)
    {
        if (!AtCallbackToken.Matches(options.Value.CallbackToken, http.Request.Query["k"]))
            return Results.StatusCode(StatusCodes.Status403Forbidden);
        var (form, raw) = await ReadFormAsync(http.Request, ct);
        if (form is null || !AtDeliveryReport.TryParse(form, out var report))
            return Results.BadRequest();
        await reports.RecordRawAsync("africastalking", "sms_delivery", raw!, ct);
        return await ApplyAtReportAsync(reports, report, ct);
    }

    private static async Task<IResult> ApplyAtReportAsync(DeliveryReports reports, AtDeliveryReport report, CancellationToken ct)
    {
        // Africa's Talking's order: Sent (to the network), Submitted, Buffered, then Success or a failure.
        var rank = report.Status switch
        {
            AtDeliveryStatus.Sent => 2,
            AtDeliveryStatus.Submitted or AtDeliveryStatus.Buffered => 3,
            AtDeliveryStatus.Success => 4,
            _ => 6,
        };
        await reports.ApplyAsync("africastalking", report.Id, report.Status.ToString().ToLowerInvariant(), rank, report.IsFinal && !report.IsDelivered,
            report.IsDelivered,
            report.FailureReason is { Length: > 0 } reason ? "Africa's Talking: " + reason : null, ct);
        return Results.Ok();
    }

    // ---- Shared ----

    /// Hands the turn to the conversation and stores the reply as the provider gets it
    /// (`stored`: the text, or the USSD screen). A failure becomes a short apology, never a 500.
    private static async Task<ChatAnswer> AnswerAsync(Conversation conversation, ChatInbox inbox, Guid inboundId, ChatTurn turn, ILoggerFactory logs,
        CancellationToken ct, Func<ChatAnswer, string>? stored = null)
    {
        ChatAnswer answer;
        try
        {
            answer = await conversation.HandleAsync(turn, ct);
        }
        catch (Exception ex)
        {
            logs.CreateLogger(typeof(ChannelWebhooks)).LogError(ex, "{Channel} message {InboundId} failed", turn.Channel, inboundId);
            answer = new ChatAnswer(MessageTexts.Render("chat.failed", null), End: true);
        }
        await inbox.AnswerAsync(inboundId, stored?.Invoke(answer) ?? answer.Text, answer.Secret, ct);
        return answer;
    }

    private static string UssdScreen(ChatAnswer answer) => answer.End ? UssdReply.End(answer.Text) : UssdReply.Continue(answer.Text);

    /// A form as name=value&… without the named field (the stored copy of a callback).
    private static string FormText(IReadOnlyDictionary<string, string> form, string without) =>
        string.Join("&", form.Where(f => f.Key != without).Select(f => Uri.EscapeDataString(f.Key) + "=" + Uri.EscapeDataString(f.Value)));

    /// An Africa's Talking form body of at most 64 KiB as name → value, and the raw body;
    /// (null, null) for anything else.
    private static async Task<(IReadOnlyDictionary<string, string>? Form, string? Raw)> ReadFormAsync(HttpRequest request, CancellationToken ct)
    {
        if (!request.HasFormContentType || request.ContentLength > MaxFormBytes)
            return (null, null);
        request.EnableBuffering(MaxFormBytes);
        string raw;
        using (var reader = new StreamReader(request.Body, leaveOpen: true))
        {
            var buffer = new char[MaxFormBytes + 1];
            var read = await reader.ReadBlockAsync(buffer, ct);
            if (read > MaxFormBytes) return (null, null);
            raw = new string(buffer, 0, read).Replace('\0', '\uFFFD');
        }
        request.Body.Position = 0;
        try
        {
            // A field sent twice is no Africa's Talking form: AtForm.Read refuses it.
            return AtForm.Read(await request.ReadFormAsync(ct)) is { } form ? (form, raw) : (null, null);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or FormatException)
        {
            return (null, null);
        }
    }
}
