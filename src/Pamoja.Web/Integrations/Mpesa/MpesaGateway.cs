using System.Globalization;
using System.Text.RegularExpressions;
using Pamoja.Web.Integrations.Payments;

namespace Pamoja.Web.Integrations.Mpesa;

/// M-Pesa behind IPaymentGateway: collections are STK pushes, payouts are B2C. Every request is
/// sent once; what its reply means is decided here (protocols.md §1.7):
///  - accepted → Pending; the outcome follows by callback (webhooks/mpesa/...?p={id}-{attempt});
///  - a definite refusal (4xx, an STK subscriber lock) → Failed, nothing moved;
///  - a duplicate B2C OriginatorConversationID → Pending: the first send of this attempt arrived;
///  - a timeout, a connection error, a 5xx → Unknown: settled by QueryAsync, never by resending.
public sealed partial class MpesaGateway(DarajaClient daraja, ILogger<MpesaGateway> logger) : IPaymentGateway
{
    public const string ProviderName = "mpesa";

    /// Limits in KES (protocols.md §1.2, §1.4).
    public const long MinCollectionShillings = 1;
    public const long MinPayoutShillings = 10;
    public const long MaxShillings = 250_000;

    /// STK query "still under processing" code seen in newer Daraja replies (unconfirmed);
    /// harmless to treat as pending.
    private const string StillProcessing = "4999";

    public string Provider => ProviderName;

    public string? Refuse(PaymentDirection direction, string phone, long amount, string currency)
    {
        if (!string.Equals(currency, "KES", StringComparison.Ordinal))
            return "M-Pesa moves Kenyan shillings (KES) only.";
        if (amount % 100 != 0)
            return "M-Pesa moves whole shillings only: the amount must have no cents.";
        var shillings = amount / 100;
        var min = direction == PaymentDirection.Payout ? MinPayoutShillings : MinCollectionShillings;
        if (shillings < min)
            return string.Create(CultureInfo.InvariantCulture, $"M-Pesa's minimum for this payment is KES {min:N0}.");
        if (shillings > MaxShillings)
            return string.Create(CultureInfo.InvariantCulture, $"M-Pesa's maximum per transaction is KES {MaxShillings:N0}.");
        if (phone is null || !SafaricomNumber().IsMatch(phone))
            return "M-Pesa needs a Safaricom number in the form +2547XXXXXXXX or +2541XXXXXXXX.";
        return null;
    }

    public async Task<GatewayAnswer> StartAsync(GatewayRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (Refuse(request.Direction, request.Phone, request.Amount, request.Currency) is { } refusal)
            return new GatewayAnswer(GatewayStatus.Failed, null, Code: "REFUSED", Message: refusal);
        return request.Direction == PaymentDirection.Collection
            ? await CollectAsync(request, ct)
            : await PayOutAsync(request, ct);
    }

    public async Task<GatewayAnswer> QueryAsync(GatewayRequest request, string? providerRef, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Direction == PaymentDirection.Collection
            ? await QueryCollectionAsync(providerRef, ct)
            : await QueryPayoutAsync(request, providerRef, ct);
    }

    /// "{paymentId:N}-{attempt}": the "p" Pamoja puts in every callback URL, so a callback finds
    /// its payment even when the synchronous answer (and its handle) never arrived.
    public static string ClientRef(Guid paymentId, int attempt) =>
        string.Create(CultureInfo.InvariantCulture, $"{paymentId:N}-{attempt}");

    public static Uri CallbackUrl(GatewayRequest request, string path)
    {
        ArgumentNullException.ThrowIfNull(request);
        var token = request.CallbackToken is { } t ? "&k=" + Uri.EscapeDataString(t) : "";
        return new Uri(request.CallbackBase, $"webhooks/mpesa/{path}?p={ClientRef(request.PaymentId, request.Attempt)}{token}");
    }

    private async Task<GatewayAnswer> CollectAsync(GatewayRequest request, CancellationToken ct)
    {
        var reply = await daraja.StkPushAsync(new StkPushRequest(
            Wire(request.Phone), request.Amount / 100, Cut(request.Reference, 12, "Pamoja"), Cut(request.Description, 13, "Pamoja"),
            CallbackUrl(request, "stk")), ct);
        switch (reply.Kind)
        {
            case DarajaReplyKind.Answered:
                var checkout = reply.Field("CheckoutRequestID");
                var code = reply.Field("ResponseCode");
                if (code == "0" && !string.IsNullOrWhiteSpace(checkout))
                    return new GatewayAnswer(GatewayStatus.Pending, checkout, Code: code, Message: reply.Field("ResponseDescription"));
                // Answered but not accepted: nothing was started.
                if (code is not null && code != "0")
                    return new GatewayAnswer(GatewayStatus.Failed, null, Code: code, Message: reply.Field("ResponseDescription"));
                return Unknown(request, null, reply);
            case DarajaReplyKind.Error when IsRefusal(reply) || reply.ErrorCode == "500.001.1001":
                // 500.001.1001 on a push is the subscriber lock (another push is in progress for
                // this phone) or a merchant/credential refusal: nothing started, the caller may
                // try again later (protocols.md §1.2).
                return Failed(request, reply);
            case DarajaReplyKind.NotSent:
                return Failed(request, reply);
            default:
                return Unknown(request, null, reply);
        }
    }

    private async Task<GatewayAnswer> PayOutAsync(GatewayRequest request, CancellationToken ct)
    {
        var originator = DarajaClient.OriginatorConversationId(request.PaymentId, request.Attempt);
        var reply = await daraja.B2cAsync(new B2cRequest(
            originator, Wire(request.Phone), request.Amount / 100, Remarks(request.Description), Cut(request.Reference, 100, ""),
            CallbackUrl(request, "b2c/result"), CallbackUrl(request, "b2c/timeout")), ct);
        switch (reply.Kind)
        {
            case DarajaReplyKind.Answered when reply.Field("ResponseCode") == "0":
                return new GatewayAnswer(GatewayStatus.Pending, originator, Code: "0", Message: reply.Field("ResponseDescription"));
            case DarajaReplyKind.Error when reply.ErrorCode == "500.002.1001":
                // This attempt's id was seen before: an earlier send of it arrived (its answer was
                // lost). It is in progress, not refused, and must not be paid again.
                return new GatewayAnswer(GatewayStatus.Pending, originator, Code: reply.ErrorCode,
                    Message: "M-Pesa already has this payout (duplicate OriginatorConversationID); its result follows.");
            case DarajaReplyKind.Error when IsRefusal(reply):
            case DarajaReplyKind.NotSent:
                return Failed(request, reply);
            default:
                // Including 500.001.1001 and an odd 200: for a payout, anything unclear is asked
                // about with Transaction Status rather than assumed refused.
                return Unknown(request, originator, reply);
        }
    }

    private async Task<GatewayAnswer> QueryCollectionAsync(string? checkout, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(checkout))
        {
            // Without the CheckoutRequestID there is nothing to ask M-Pesa; the callback (which
            // carries the "p" reference) is the only way this push can still be heard of.
            return new GatewayAnswer(GatewayStatus.Unknown, null,
                Message: "No CheckoutRequestID: M-Pesa cannot be asked about this push; waiting for its callback.");
        }
        var reply = await daraja.StkQueryAsync(checkout, ct);
        if (reply.Kind == DarajaReplyKind.Answered && reply.Field("ResultCode") is { } code)
        {
            var desc = reply.Field("ResultDesc");
            return code switch
            {
                "0" => new GatewayAnswer(GatewayStatus.Succeeded, checkout, Code: code, Message: desc),
                StillProcessing => new GatewayAnswer(GatewayStatus.Pending, checkout, Code: code, Message: desc),
                // 1 insufficient funds, 1032 cancelled, 1037 unreachable, 2001 wrong PIN, ...:
                // a result code means the push is over, and only 0 moved money.
                _ => new GatewayAnswer(GatewayStatus.Failed, checkout, Code: code, Message: desc),
            };
        }
        if (reply.Kind == DarajaReplyKind.Error && reply.ErrorCode == "500.001.1001")
        {
            // "The transaction is being processed": the customer has not acted yet (§1.3).
            return new GatewayAnswer(GatewayStatus.Pending, checkout, Code: reply.ErrorCode, Message: reply.ErrorMessage);
        }
        LogUnclear("STK query", checkout, reply.Describe());
        return new GatewayAnswer(GatewayStatus.Unknown, checkout, Code: reply.ErrorCode, Message: reply.Describe());
    }

    private async Task<GatewayAnswer> QueryPayoutAsync(GatewayRequest request, string? providerRef, CancellationToken ct)
    {
        var originator = string.IsNullOrWhiteSpace(providerRef)
            ? DarajaClient.OriginatorConversationId(request.PaymentId, request.Attempt)
            : providerRef;
        // The id goes in Occasion too: M-Pesa echoes it in the Result, so even a "not found"
        // Result names the payout it is about.
        var reply = await daraja.TransactionStatusAsync(originator, CallbackUrl(request, "status/result"), CallbackUrl(request, "status/timeout"),
            originator, ct);
        if (reply.Kind == DarajaReplyKind.Answered && reply.Field("ResponseCode") == "0")
        {
            return new GatewayAnswer(GatewayStatus.Pending, originator, Code: "0",
                Message: "Transaction Status requested; M-Pesa's answer follows by callback.");
        }
        LogUnclear("Transaction Status", originator, reply.Describe());
        return new GatewayAnswer(GatewayStatus.Unknown, originator, Code: reply.ErrorCode, Message: reply.Describe());
    }

    // 4xx: Daraja refused the request before doing anything with it (validation, token).
    private static bool IsRefusal(DarajaReply reply) => reply.StatusCode is >= 400 and < 500;

    private GatewayAnswer Failed(GatewayRequest request, DarajaReply reply)
    {
        LogRefused(request.PaymentId, request.Attempt, reply.Describe());
        var code = reply.Kind == DarajaReplyKind.NotSent ? "NOT_SENT" : reply.ErrorCode ?? reply.Field("ResponseCode") ?? reply.StatusCode?.ToString(CultureInfo.InvariantCulture);
        return new GatewayAnswer(GatewayStatus.Failed, null, Code: code, Message: reply.Describe());
    }

    private GatewayAnswer Unknown(GatewayRequest request, string? providerRef, DarajaReply reply)
    {
        LogUnclear(request.Direction == PaymentDirection.Collection ? "STK push" : "B2C", ClientRef(request.PaymentId, request.Attempt), reply.Describe());
        return new GatewayAnswer(GatewayStatus.Unknown, providerRef, Code: reply.ErrorCode, Message: reply.Describe());
    }

    private static string Wire(string e164) => e164.TrimStart('+');

    private static string Remarks(string description)
    {
        var text = Cut(description, 100, "Pamoja payout");
        return text.Length >= 2 ? text : "Pamoja payout";
    }

    private static string Cut(string? text, int max, string fallback)
    {
        var trimmed = text?.Trim() ?? "";
        if (trimmed.Length == 0)
            return fallback;
        return trimmed.Length <= max ? trimmed : trimmed[..max];
    }

    [GeneratedRegex(@"^\+254[17]\d{8}$")]
    private static partial Regex SafaricomNumber();

    [LoggerMessage(Level = LogLevel.Warning, Message = "M-Pesa refused payment {PaymentId} attempt {Attempt}: {Reply}")]
    private partial void LogRefused(Guid paymentId, int attempt, string reply);

    [LoggerMessage(Level = LogLevel.Warning, Message = "M-Pesa {Call} for {Reference} gave no clear answer: {Reply}")]
    private partial void LogUnclear(string call, string reference, string reply);
}
