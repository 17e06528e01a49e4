namespace Pamoja.Web.Integrations.Payments;

/// Which way money moves through a provider: from a member's phone into the group's account
/// (M-Pesa STK push, MoMo request-to-pay), or out of it to a member (B2C, MoMo transfer).
public enum PaymentDirection
{
    Collection,
    Payout,
}

/// What Pamoja knows about a payment at a provider. Unknown is not a failure: the request may or
/// may not have been carried out (a timeout, a 5xx after the provider may have acted). It is
/// settled by asking the provider (QueryAsync), never by sending again.
public enum GatewayStatus
{
    Pending,
    Succeeded,
    Failed,
    Unknown,
}

/// One request to a provider. Amount is in minor units of Currency (KES 1,500.00 = 150000);
/// the gateway converts to the provider's units. PaymentId and Attempt make the provider-side
/// idempotency key (B2C OriginatorConversationID, MoMo X-Reference-Id): the same attempt sent
/// twice is refused by the provider as a duplicate, never carried out twice. Reference is what
/// the payer sees (M-Pesa AccountReference, at most 12 characters); Description a short note.
/// CallbackBase is the app's public base URL; each gateway appends its own webhook path, and
/// CallbackToken (when given) as the "k" query value of every callback URL: providers sign
/// nothing, so the token is what shows a callback came from a URL Pamoja gave out.
public sealed record GatewayRequest(
    Guid PaymentId,
    int Attempt,
    PaymentDirection Direction,
    string Phone,
    long Amount,
    string Currency,
    string Reference,
    string Description,
    Uri CallbackBase,
    string? CallbackToken = null);

/// A provider's answer, synchronous or by callback. ProviderRef is the handle Pamoja keeps to
/// match callbacks and to ask for the status later (CheckoutRequestID, the B2C
/// OriginatorConversationID, the MoMo X-Reference-Id). Receipt is the provider's transaction id
/// once money moved (MpesaReceiptNumber / TransactionReceipt, financialTransactionId). Amount,
/// when the provider states one, in minor units. Code and Message: the provider's result code
/// and text, kept for officials and for reconciliation.
public sealed record GatewayAnswer(
    GatewayStatus Status,
    string? ProviderRef,
    string? Receipt = null,
    long? Amount = null,
    string? Code = null,
    string? Message = null);

/// Result codes every gateway uses the same way, so features can act on them without knowing
/// the provider.
public static class GatewayCodes
{
    /// The provider has no record of the request (M-Pesa Transaction Status R000001, MoMo 404).
    /// Reported as Failed; the payments feature believes it only once the attempt is old enough
    /// that the provider cannot merely be slow to show it (a payout queued at M-Pesa for a while
    /// must not be sent again).
    public const string NotFound = "NOT_FOUND";
}

/// A callback a provider sent, parsed. NoticeKey is unique per provider event, so the same
/// callback delivered five times is processed once (e.g. "stk:" + CheckoutRequestID). Null from a
/// parser means the body is not a valid callback of that kind: it is quarantined, never a 500.
public sealed record ProviderNotice(
    string Provider,
    string NoticeKey,
    string ProviderRef,
    GatewayStatus Status,
    string? Receipt = null,
    long? Amount = null,
    string? Code = null,
    string? Message = null);

/// One mobile-money provider behind one interface, so features never see a wire format and an
/// Interledger Open Payments gateway can be added beside these. Implementations throw nothing
/// for provider trouble: a refusal is Failed, anything that may have gone through is Unknown.
public interface IPaymentGateway
{
    /// "mpesa" or "momo": the name stored on each payment and used in the API.
    string Provider { get; }

    /// Null when the provider can carry this payment; otherwise why not (for a 422): a currency
    /// it does not handle, an amount it cannot express (M-Pesa moves whole shillings), below its
    /// minimum or above its maximum, a phone number outside its network's format.
    string? Refuse(PaymentDirection direction, string phone, long amount, string currency);

    /// Sends the request. Pending: accepted, the outcome follows by callback. Failed: refused
    /// for sure (nothing moved). Unknown: no clear answer.
    Task<GatewayAnswer> StartAsync(GatewayRequest request, CancellationToken ct);

    /// Asks the provider what became of a request StartAsync sent (providerRef from its answer,
    /// or null when that answer never came: the gateway then derives what it can from
    /// PaymentId and Attempt). Pending while the provider still works on it.
    Task<GatewayAnswer> QueryAsync(GatewayRequest request, string? providerRef, CancellationToken ct);
}
