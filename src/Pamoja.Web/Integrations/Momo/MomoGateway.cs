using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Pamoja.Core.Money;
using Pamoja.Web.Integrations.Payments;

namespace Pamoja.Web.Integrations.Momo;

/// MTN MoMo behind IPaymentGateway: collections are request-to-pay (Collection), payouts are
/// transfers (Disbursement). Money moves at most once per attempt because the X-Reference-Id is
/// derived from the attempt (MomoReference.For) and MTN refuses a repeat with 409; and this class
/// never sends a POST twice: an unclear answer is Unknown, settled by QueryAsync.
public sealed class MomoGateway(MomoClient client, IOptions<MomoOptions> options, ILogger<MomoGateway> logger) : IPaymentGateway
{
    public const string ProviderName = "momo";

    // 500 codes that mean the request was refused before anything happened (§2.3). Any other
    // 500 — INTERNAL_PROCESSING_ERROR above all, but also COULD_NOT_PERFORM_TRANSACTION, which
    // MTN uses for a payer who did not finish — may follow work already done: Unknown.
    private static readonly HashSet<string> DefiniteRefusals = new(StringComparer.Ordinal)
    {
        "NOT_ALLOWED", "NOT_ALLOWED_TARGET_ENVIRONMENT", "INVALID_CALLBACK_URL_HOST", "INVALID_CURRENCY",
        "PAYER_NOT_FOUND", "PAYEE_NOT_FOUND",
    };

    public string Provider => ProviderName;

    public string? Refuse(PaymentDirection direction, string phone, long amount, string currency) =>
        MomoMarkets.Refuse(options.Value.TargetEnvironment, direction, phone, amount, currency);

    public async Task<GatewayAnswer> StartAsync(GatewayRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (Refuse(request.Direction, request.Phone, request.Amount, request.Currency) is { } refusal)
            return new GatewayAnswer(GatewayStatus.Failed, null, Code: "REFUSED", Message: refusal);

        var reference = MomoReference.For(request.PaymentId, request.Attempt, request.Direction);
        var providerRef = reference.ToString("D");
        var msisdn = MomoParty.Msisdn(MomoMarkets.Msisdn(request.Phone)!);
        var amount = MomoMarkets.AmountText(request.Amount, Currency.Get(request.Currency));
        var externalId = MomoReference.ExternalId(request.PaymentId, request.Attempt);
        var callbackUrl = MomoReference.CallbackUrl(request.CallbackBase, reference, request.CallbackToken);

        // payerMessage lands in the payer's history, payeeNote in the payee's (MTN's field
        // descriptions): the member sees the description and reference on their side.
        var forMember = Note($"{request.Description} {request.Reference}");
        var forGroup = Note($"{request.Reference} {request.Description}");
        var reply = request.Direction == PaymentDirection.Collection
            ? await client.RequestToPayAsync(reference, new MomoPaymentRequest(amount, request.Currency, externalId, msisdn, null, forMember, forGroup), callbackUrl, ct)
            : await client.TransferAsync(reference, new MomoPaymentRequest(amount, request.Currency, externalId, null, msisdn, forGroup, forMember), callbackUrl, ct);

        var answer = MapStart(reply, providerRef);
        if (answer.Status == GatewayStatus.Unknown)
            logger.LogWarning("MoMo {Operation} {ReferenceId} for payment {PaymentId} attempt {Attempt} has no clear answer ({Code}); it will be asked about, not resent",
                request.Direction == PaymentDirection.Collection ? "request-to-pay" : "transfer", providerRef, request.PaymentId, request.Attempt, answer.Code);
        return answer;
    }

    public async Task<GatewayAnswer> QueryAsync(GatewayRequest request, string? providerRef, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        // The reference id is derived, so even an attempt whose answer never came can be asked about.
        var reference = MomoCallbacks.NormalizeReference(providerRef) is { } stored
            ? Guid.Parse(stored)
            : MomoReference.For(request.PaymentId, request.Attempt, request.Direction);
        var referenceText = reference.ToString("D");
        var host = request.CallbackBase.DnsSafeHost;
        var reply = request.Direction == PaymentDirection.Collection
            ? await client.RequestToPayStatusAsync(reference, host, ct)
            : await client.TransferStatusAsync(reference, host, ct);
        return MapQuery(reply, referenceText, MomoReference.ExternalId(request.PaymentId, request.Attempt));
    }

    /// What the answer to a request-to-pay or transfer POST means.
    public static GatewayAnswer MapStart(MomoReply reply, string providerRef)
    {
        ArgumentNullException.ThrowIfNull(reply);
        switch (reply.Kind)
        {
            case MomoReplyKind.NotSent:
                // No token, so no POST: nothing can have happened at MTN. Like the definite
                // refusals below, this speaks for this request; it settles the attempt because the
                // caller sends each attempt once (PaymentSender commits "sent" before calling).
                return new GatewayAnswer(GatewayStatus.Failed, null, Code: reply.Code, Message: reply.Detail ?? "Could not get a MoMo access token.");
            case MomoReplyKind.NoAnswer:
                return new GatewayAnswer(GatewayStatus.Unknown, providerRef, Code: reply.Code, Message: reply.Detail);
        }

        var (code, message) = MomoClient.ErrorFields(reply.Body);
        var status = reply.StatusCode;
        return status switch
        {
            >= 200 and < 300 => new GatewayAnswer(GatewayStatus.Pending, providerRef),
            // The same X-Reference-Id is already at MTN: this attempt was sent before (§2.7).
            // It is in hand, not failed; its outcome comes like any other.
            409 => new GatewayAnswer(GatewayStatus.Pending, providerRef, Code: code ?? "RESOURCE_ALREADY_EXIST",
                Message: "MTN already has this request; waiting for its outcome."),
            // Timeout and throttling at the gateway: it may or may not have passed the request on.
            408 or 429 => new GatewayAnswer(GatewayStatus.Unknown, providerRef, Code: code ?? Http(status), Message: message),
            // Bad request, bad credentials, wrong path: refused before anything was created.
            >= 400 and < 500 => new GatewayAnswer(GatewayStatus.Failed, providerRef, Code: code ?? Http(status), Message: message),
            500 when code is not null && DefiniteRefusals.Contains(code) =>
                new GatewayAnswer(GatewayStatus.Failed, providerRef, Code: code, Message: message),
            // 503 SERVICE_UNAVAILABLE, other 5xx, INTERNAL_PROCESSING_ERROR: perhaps done, perhaps not.
            _ => new GatewayAnswer(GatewayStatus.Unknown, providerRef, Code: code ?? Http(status), Message: message),
        };
    }

    /// What the answer to a status GET means. expectedExternalId guards against reading another
    /// payment's resource: a mismatch is Unknown, for a person to look at, never a settlement.
    public static GatewayAnswer MapQuery(MomoReply reply, string providerRef, string? expectedExternalId)
    {
        ArgumentNullException.ThrowIfNull(reply);
        if (reply.Kind != MomoReplyKind.Answered)
            return new GatewayAnswer(GatewayStatus.Unknown, providerRef, Code: reply.Code, Message: reply.Detail);

        if (reply.StatusCode == 404)
        {
            // MTN has no resource under this reference id, so the request-to-pay or transfer
            // was never created: MTN creates it, under the X-Reference-Id, before it answers the
            // POST 202, and it never goes away. A POST that was answered 503 or cut off by our
            // timeout either created it (this GET would find it) or never will: by the time
            // anyone asks (the payments worker waits at least 30 s after an Unknown, on top of
            // the POST's own 30 s timeout) it is no longer in flight. So nothing moved and the
            // attempt can be closed as Failed, freeing the payment for a new attempt — which
            // gets a new reference id, while this one stays dead.
            var (notFoundCode, notFoundMessage) = MomoClient.ErrorFields(reply.Body);
            return new GatewayAnswer(GatewayStatus.Failed, providerRef, Code: "NOT_FOUND",
                Message: notFoundMessage ?? (notFoundCode is null ? "MTN has no such request." : $"MTN has no such request ({notFoundCode})."));
        }
        if (reply.StatusCode != 200)
        {
            var (code, message) = MomoClient.ErrorFields(reply.Body);
            return new GatewayAnswer(GatewayStatus.Unknown, providerRef, Code: code ?? Http(reply.StatusCode), Message: message);
        }

        MomoStatus? status;
        try
        {
            using var doc = JsonDocument.Parse(reply.Body);
            status = MomoCallbacks.ReadStatus(doc.RootElement);
        }
        catch (JsonException)
        {
            status = null;
        }
        if (status is null)
            return new GatewayAnswer(GatewayStatus.Unknown, providerRef, Code: "UNREADABLE", Message: "MTN's status answer could not be read.");
        if (expectedExternalId is not null && status.ExternalId is not null && status.ExternalId != expectedExternalId)
            return new GatewayAnswer(GatewayStatus.Unknown, providerRef, Code: "EXTERNAL_ID_MISMATCH",
                Message: $"MTN's request {providerRef} belongs to {status.ExternalId}, not {expectedExternalId}.");

        return status.Gateway switch
        {
            GatewayStatus.Succeeded => new GatewayAnswer(GatewayStatus.Succeeded, providerRef, Receipt: status.FinancialTransactionId, Amount: status.Amount),
            GatewayStatus.Failed => new GatewayAnswer(GatewayStatus.Failed, providerRef, Amount: status.Amount, Code: status.Code, Message: status.Message),
            _ => new GatewayAnswer(GatewayStatus.Pending, providerRef),
        };
    }

    /// A note MTN will take: at most 160 characters, and only letters, digits, spaces and plain
    /// punctuation. MTN refuses some characters with a 400 (the apostrophe is the documented one,
    /// §2.3, and member names carry it: Ng'ang'a); anything outside the safe set becomes a space.
    public static string Note(string? text)
    {
        const int max = 160;
        var builder = new StringBuilder(Math.Min(text?.Length ?? 0, max));
        var lastWasSpace = true;
        foreach (var ch in text ?? "")
        {
            var safe = char.IsLetterOrDigit(ch) || ch is '.' or ',' or '-' or '_' or ':' or '/' or '#' or '(' or ')';
            if (safe)
            {
                builder.Append(ch);
                lastWasSpace = false;
            }
            else if (!lastWasSpace)
            {
                builder.Append(' ');
                lastWasSpace = true;
            }
            if (builder.Length >= max)
                break;
        }
        return builder.ToString().Trim();
    }

    private static string Http(int status) => "HTTP_" + status.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
