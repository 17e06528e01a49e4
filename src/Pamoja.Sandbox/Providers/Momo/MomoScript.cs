using System.Collections.Concurrent;
using Pamoja.Sandbox.Scripts;

namespace Pamoja.Sandbox.Providers.Momo;

// One final outcome. Status null means the request never leaves PENDING.
public sealed record MomoOutcome(string Name, string? Status, string? ReasonCode = null, string? ReasonMessage = null, bool Delayed = false)
{
    public const string Successful = "SUCCESSFUL";
    public const string Failed = "FAILED";
    public const string Pending = "PENDING";

    public static readonly MomoOutcome Success = new("Successful", Successful);
}

// One row of MTN's sandbox table (protocols.md §2.8): a number and what it does for each product.
public sealed record MomoTestNumber(string Msisdn, MomoOutcome RequestToPay, MomoOutcome Transfer)
{
    public MomoOutcome For(MomoProduct product) => product == MomoProduct.Collection ? RequestToPay : Transfer;
}

public enum MomoCallbackPlan
{
    Once,
    Duplicated,
    Late,
    Never,
}

// Everything the sandbox will do with one accepted request.
// ReasonAsObject: whether `reason` goes out as {"code","message"} or as a bare string. Both shapes
// exist in the wild (§2.4); choosing by number keeps each test deterministic and covers both.
public sealed record MomoPlan(MomoOutcome Outcome, bool ReasonAsObject, MomoCallbackPlan Callbacks, bool Ambiguous, string Script);

// Decides, from the party alone, how the fake MoMo behaves. Holds the only mutable state (the 503
// burst counters), hence a singleton.
public sealed class MomoScript
{
    // MTN's sandbox table (§2.8, MOMO-TEST), read as follows: every failing row is status FAILED
    // with the row's reason (what integrators report MTN's sandbox returning; "Rejected" is
    // APPROVAL_REJECTED, "Expired" is EXPIRED, the generic "Failed" is INTERNAL_PROCESSING_ERROR);
    // "Ongoing" stays PENDING for ever (the payer never finishes); "Delayed" stays PENDING for
    // Momo:DelayedOutcomeDelay and then succeeds, the case where giving up early and paying again
    // would move money twice. The outcomes are asynchronous: the POST is accepted (202) and the
    // reason shows in GET and the callback. Real header faults (wrong target environment, callback
    // host) are refused synchronously by the endpoint, whatever the number.
    public static readonly IReadOnlyList<MomoTestNumber> MtnTable =
    [
        Row("46733123450", Fail("PayerFailed", "INTERNAL_PROCESSING_ERROR", "The payer's transaction failed."),
                           Fail("PayeeFailed", "INTERNAL_PROCESSING_ERROR", "The transfer failed.")),
        Row("46733123451", Fail("PayerRejected", "APPROVAL_REJECTED", "The payer rejected the request."),
                           Fail("PayeeRejected", "APPROVAL_REJECTED", "The transfer was rejected.")),
        Row("46733123452", Fail("PayerExpired", "EXPIRED", "The payer did not approve in time."),
                           Fail("PayeeExpired", "EXPIRED", "The transfer expired.")),
        Row("46733123453", new MomoOutcome("PayerOngoing", null), new MomoOutcome("PayeeOngoing", null)),
        Row("46733123454", new MomoOutcome("PayerDelayed", MomoOutcome.Successful, Delayed: true),
                           new MomoOutcome("PayeeDelayed", MomoOutcome.Successful, Delayed: true)),
        Row("46733123455", Fail("PayerNotFound", "PAYER_NOT_FOUND", "The payer was not found."),
                           Fail("PayeeNotEnoughFunds", "NOT_ENOUGH_FUNDS", "The account does not hold enough funds.")),
        Row("46733123456", Fail("PayerPayeeNotAllowedToReceive", "PAYEE_NOT_ALLOWED_TO_RECEIVE", "The payee is not allowed to receive."),
                           Fail("PayeePayerLimitReached", "PAYER_LIMIT_REACHED", "The payer's limit has been reached.")),
        Row("46733123457", Fail("PayerNotAllowed", "NOT_ALLOWED", "The operation is not allowed."),
                           Fail("PayeeNotFound", "PAYEE_NOT_FOUND", "The payee was not found.")),
        Row("46733123458", Fail("PayerNotAllowedTargetEnvironment", "NOT_ALLOWED_TARGET_ENVIRONMENT", "Access to the target environment is forbidden."),
                           Fail("PayeeNotAllowed", "NOT_ALLOWED", "The operation is not allowed.")),
        Row("46733123459", Fail("PayerInvalidCallbackUrlHost", "INVALID_CALLBACK_URL_HOST", "The callback URL host is not valid."),
                           Fail("PayeeNotAllowedTargetEnvironment", "NOT_ALLOWED_TARGET_ENVIRONMENT", "Access to the target environment is forbidden.")),
        Row("46733123460", Fail("PayerInvalidCurrency", "INVALID_CURRENCY", "The currency is not supported."),
                           Fail("PayeeInvalidCallbackUrlHost", "INVALID_CALLBACK_URL_HOST", "The callback URL host is not valid.")),
        Row("46733123461", Fail("PayerInternalProcessingError", "INTERNAL_PROCESSING_ERROR", "An internal error occurred."),
                           Fail("PayeeInvalidCurrency", "INVALID_CURRENCY", "The currency is not supported.")),
        Row("46733123462", Fail("PayerServiceUnavailable", "SERVICE_UNAVAILABLE", "The service is unavailable."),
                           Fail("PayeeInternalProcessingError", "INTERNAL_PROCESSING_ERROR", "An internal error occurred.")),
        Row("46733123463", Fail("PayerCouldNotPerformTransaction", "COULD_NOT_PERFORM_TRANSACTION", "The transaction could not be performed."),
                           Fail("PayeeServiceUnavailable", "SERVICE_UNAVAILABLE", "The service is unavailable.")),
    ];

    // The inbox page and README.md list these; keep the three in step.
    public static readonly IReadOnlyList<ScriptedNumber> Table =
    [
        .. MtnTable.Select(r => new ScriptedNumber(MomoScripts.Provider, r.Msisdn,
            $"MTN test number. Request to pay: {Describe(r.RequestToPay)}. Transfer: {Describe(r.Transfer)}")),
        new(MomoScripts.Provider, MomoScripts.DuplicateCallbacks, $"Succeeds; the callback is sent {MomoScripts.DuplicateCallbackCount} times"),
        new(MomoScripts.Provider, MomoScripts.LateCallback, "Succeeds; the callback comes Momo:LateCallbackDelay (30 s) after the outcome"),
        new(MomoScripts.Provider, MomoScripts.NoCallback, "Succeeds; no callback ever, only GET tells"),
        new(MomoScripts.Provider, MomoScripts.ServiceUnavailableBurst, $"HTTP 503 SERVICE_UNAVAILABLE for the first {MomoScripts.BurstLength} POSTs, nothing recorded; then accepted"),
        new(MomoScripts.Provider, MomoScripts.Ambiguous, "Carried out at once, but the POST is answered only after Momo:AmbiguousDelay (40 s); no callback, only GET tells"),
    ];

    private static readonly Dictionary<string, MomoTestNumber> ByMsisdn = MtnTable.ToDictionary(r => r.Msisdn, StringComparer.Ordinal);

    private readonly ConcurrentDictionary<string, int> _burstSeen = new(StringComparer.Ordinal);

    public static MomoPlan Plan(MomoProduct product, string partyIdType, string partyId)
    {
        ArgumentNullException.ThrowIfNull(partyId);
        var isMsisdn = string.Equals(partyIdType, "MSISDN", StringComparison.Ordinal);
        // Odd last digit: reason as an object; even: as a string. Every failure row pair
        // (…450 string, …451 object, …) so both shapes appear for both products.
        var reasonAsObject = partyId.Length > 0 && (partyId[^1] - '0') % 2 == 1;

        if (isMsisdn && ByMsisdn.TryGetValue(partyId, out var row))
        {
            var outcome = row.For(product);
            return new MomoPlan(outcome, reasonAsObject, outcome.Status is null ? MomoCallbackPlan.Never : MomoCallbackPlan.Once, false, outcome.Name);
        }

        return (isMsisdn ? partyId : null) switch
        {
            MomoScripts.DuplicateCallbacks => new MomoPlan(MomoOutcome.Success, reasonAsObject, MomoCallbackPlan.Duplicated, false, "DuplicateCallbacks"),
            MomoScripts.LateCallback => new MomoPlan(MomoOutcome.Success, reasonAsObject, MomoCallbackPlan.Late, false, "LateCallback"),
            MomoScripts.NoCallback => new MomoPlan(MomoOutcome.Success, reasonAsObject, MomoCallbackPlan.Never, false, "NoCallback"),
            MomoScripts.Ambiguous => new MomoPlan(MomoOutcome.Success, reasonAsObject, MomoCallbackPlan.Never, true, "Ambiguous"),
            MomoScripts.ServiceUnavailableBurst => new MomoPlan(MomoOutcome.Success, reasonAsObject, MomoCallbackPlan.Once, false, "ServiceUnavailableBurst"),
            _ => new MomoPlan(MomoOutcome.Success, reasonAsObject, MomoCallbackPlan.Once, false, "Successful"),
        };
    }

    // Counts one POST for the burst number and says whether it falls inside the burst.
    public bool InServiceUnavailableBurst(string partyIdType, string partyId)
    {
        if (!string.Equals(partyIdType, "MSISDN", StringComparison.Ordinal) || !string.Equals(partyId, MomoScripts.ServiceUnavailableBurst, StringComparison.Ordinal))
        {
            return false;
        }
        return _burstSeen.AddOrUpdate(partyId, 1, (_, count) => count + 1) <= MomoScripts.BurstLength;
    }

    private static MomoTestNumber Row(string msisdn, MomoOutcome requestToPay, MomoOutcome transfer) => new(msisdn, requestToPay, transfer);

    private static MomoOutcome Fail(string name, string code, string message) => new(name, MomoOutcome.Failed, code, message);

    private static string Describe(MomoOutcome outcome) => outcome switch
    {
        { Status: null } => $"{outcome.Name}, PENDING for ever",
        { Delayed: true } => $"{outcome.Name}, PENDING for Momo:DelayedOutcomeDelay (60 s), then SUCCESSFUL",
        { ReasonCode: { } code } => $"{outcome.Name}, FAILED {code}",
        _ => $"{outcome.Name}, {outcome.Status}",
    };
}
