using Pamoja.Sandbox.Messages;

namespace Pamoja.Sandbox.Providers.AfricasTalking;

// POST /version1/messaging — Africa's Talking's SMS send (protocols.md §5.2). Checks run in a
// fixed order (credentials, Accept, form, whole-request scripts, then each recipient) so a
// request with several faults always gets the same answer; README.md lists the order.
public static class SmsSendEndpoint
{
    public const string Path = "/version1/messaging";

    // AT's shared sender ID, used when the caller names none.
    public const string DefaultSender = "AFRICASTKNG";

    public static async Task<IResult> HandleAsync(
        HttpRequest request,
        SmsScript script,
        MessageStore store,
        DeliveryReportOutbox deliveryReports,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(script);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(deliveryReports);
        ArgumentNullException.ThrowIfNull(time);

        // Any non-empty key is accepted: the sandbox checks that the client sends one, not which.
        if (string.IsNullOrWhiteSpace(request.Headers["apiKey"]))
        {
            return PlainText(StatusCodes.Status401Unauthorized, "The supplied authentication is invalid");
        }

        // AT answers XML unless asked for JSON; a client that forgets the header would parse XML
        // in production, so refuse here where the mistake is cheap to find.
        if (!AcceptsJson(request))
        {
            return PlainText(StatusCodes.Status406NotAcceptable,
                "The sandbox answers JSON only: send 'Accept: application/json' (Africa's Talking answers XML without it)");
        }

        var form = request.HasFormContentType
            ? await request.ReadFormAsync(cancellationToken)
            : FormCollection.Empty;
        foreach (var field in (string[])["username", "to", "message"])
        {
            if (string.IsNullOrWhiteSpace(form[field]))
            {
                return MissingField(field);
            }
        }

        var numbers = form["to"].ToString()
            .Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (numbers.Length == 0)
        {
            return MissingField("to");
        }

        if (script.GatewayFailure(numbers) is { } failure)
        {
            return PlainText(failure, failure == StatusCodes.Status503ServiceUnavailable
                ? "Service Unavailable"
                : "Internal Server Error");
        }

        var from = string.IsNullOrWhiteSpace(form["from"]) ? DefaultSender : form["from"].ToString();
        var body = form["message"].ToString();
        var recipients = new List<SmsRecipient>(numbers.Length);
        var costs = new List<(string Currency, decimal Amount)>();

        foreach (var number in numbers)
        {
            var (statusCode, status) = SmsScript.RecipientOutcome(number);
            if (statusCode != SmsScript.SentStatusCode)
            {
                // Refused recipients cost nothing and get no id, as on the real gateway.
                recipients.Add(new SmsRecipient(statusCode, number, status, "0", "None"));
                continue;
            }

            var messageId = "ATXid_" + Guid.NewGuid().ToString("N");
            var price = SmsPricing.PriceFor(number);
            costs.Add(price);
            recipients.Add(new SmsRecipient(statusCode, number, status, SmsPricing.Format(price.Currency, price.Amount), messageId));

            store.Add(new SandboxMessage(messageId, "sms", "africastalking", from, number, body, time.GetUtcNow()));
            deliveryReports.Enqueue(messageId, number);
        }

        var summary = SmsPricing.Summary(costs.Count, numbers.Length, costs);
        return Results.Json(new SmsSendResponse(new SmsMessageData(summary, recipients)),
            statusCode: StatusCodes.Status201Created);
    }

    private static bool AcceptsJson(HttpRequest request) =>
        request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase));

    private static IResult MissingField(string field) =>
        PlainText(StatusCodes.Status400BadRequest, $"Request is missing required form field '{field}'");

    private static IResult PlainText(int statusCode, string text) =>
        Results.Text(text, "text/plain; charset=utf-8", statusCode: statusCode);
}
