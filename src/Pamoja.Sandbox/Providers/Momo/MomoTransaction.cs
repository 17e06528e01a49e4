using System.Text.Json.Nodes;

namespace Pamoja.Sandbox.Providers.Momo;

public sealed record MomoCallbackAttempt(DateTimeOffset SentAt, string Method, string Url, string Status, int? StatusCode, string? Error);

// What GET /sandbox/momo/transactions shows for one request: enough for a test to prove money
// moved once (one entry per reference id, moneyMoved, duplicateRequests refused with 409).
public sealed record MomoTransactionView(
    Guid ReferenceId,
    string Product,
    string Operation,
    Guid ApiUser,
    string PartyIdType,
    string PartyId,
    string? Msisdn,
    string Amount,
    string Currency,
    string ExternalId,
    string Status,
    string? Reason,
    string? FinancialTransactionId,
    bool MoneyMoved,
    string Script,
    DateTimeOffset CreatedAt,
    DateTimeOffset? OutcomeAt,
    string? CallbackUrl,
    int DuplicateRequests,
    IReadOnlyList<MomoCallbackAttempt> Callbacks);

// One accepted request-to-pay or transfer. Its status is computed from the clock (PENDING until
// OutcomeAt, then the plan's outcome), so GET and callbacks always agree without a timer.
public sealed class MomoTransaction
{
    private static long _sequence;

    private readonly Lock _gate = new();
    private readonly List<MomoCallbackAttempt> _callbacks = [];
    private int _duplicates;

    public required Guid ReferenceId { get; init; }
    public required MomoProduct Product { get; init; }
    public required Guid ApiUser { get; init; }
    public required string Amount { get; init; }
    public required string Currency { get; init; }
    public required string ExternalId { get; init; }
    public required string PartyIdType { get; init; }
    public required string PartyId { get; init; }
    public string? PayerMessage { get; init; }
    public string? PayeeNote { get; init; }
    public Uri? CallbackUrl { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }

    // Null: never final (MTN's "Ongoing" numbers).
    public required DateTimeOffset? OutcomeAt { get; init; }
    public required MomoPlan Plan { get; init; }

    // Fixed when the request is accepted, shown only once the outcome is SUCCESSFUL.
    public string? FinancialTransactionId { get; init; }

    public long Sequence { get; } = Interlocked.Increment(ref _sequence);

    public bool IsFinal(DateTimeOffset now) => OutcomeAt is { } at && now >= at && Plan.Outcome.Status is not null;

    public string StatusAt(DateTimeOffset now) => IsFinal(now) ? Plan.Outcome.Status! : MomoOutcome.Pending;

    public bool MoneyMovedAt(DateTimeOffset now) => StatusAt(now) == MomoOutcome.Successful;

    public void RecordDuplicate() => Interlocked.Increment(ref _duplicates);

    public void RecordCallback(MomoCallbackAttempt attempt)
    {
        lock (_gate)
        {
            _callbacks.Add(attempt);
        }
    }

    // The body of GET .../requesttopay/{id} or .../transfer/{id}, and of the callback
    // (protocols.md §2.4, §2.5, §2.6). Field order follows MTN's samples.
    public JsonObject ToWire(DateTimeOffset now)
    {
        var status = StatusAt(now);
        var body = new JsonObject
        {
            ["amount"] = Amount,
            ["currency"] = Currency,
        };
        if (status == MomoOutcome.Successful && FinancialTransactionId is not null)
        {
            body["financialTransactionId"] = FinancialTransactionId;
        }
        body["externalId"] = ExternalId;
        body[Product.PartyField()] = new JsonObject { ["partyIdType"] = PartyIdType, ["partyId"] = PartyId };
        body["payerMessage"] = PayerMessage ?? "";
        body["payeeNote"] = PayeeNote ?? "";
        body["status"] = status;
        if (status == MomoOutcome.Failed && Plan.Outcome.ReasonCode is { } code)
        {
            body["reason"] = Plan.ReasonAsObject
                ? new JsonObject { ["code"] = code, ["message"] = Plan.Outcome.ReasonMessage ?? code }
                : JsonValue.Create(code);
        }
        return body;
    }

    public MomoTransactionView View(DateTimeOffset now)
    {
        MomoCallbackAttempt[] callbacks;
        lock (_gate)
        {
            callbacks = [.. _callbacks];
        }
        var status = StatusAt(now);
        return new MomoTransactionView(
            ReferenceId,
            Product.PathName(),
            Product.Operation(),
            ApiUser,
            PartyIdType,
            PartyId,
            PartyIdType == "MSISDN" ? PartyId : null,
            Amount,
            Currency,
            ExternalId,
            status,
            status == MomoOutcome.Failed ? Plan.Outcome.ReasonCode : null,
            status == MomoOutcome.Successful ? FinancialTransactionId : null,
            status == MomoOutcome.Successful,
            Plan.Script,
            CreatedAt,
            OutcomeAt,
            CallbackUrl?.ToString(),
            Volatile.Read(ref _duplicates),
            callbacks);
    }
}
