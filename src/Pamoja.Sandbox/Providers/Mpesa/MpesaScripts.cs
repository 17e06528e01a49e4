using System.Collections.Concurrent;
using System.Globalization;
using Pamoja.Sandbox.Scripts;

namespace Pamoja.Sandbox.Providers.Mpesa;

// The phone-number scripts of the Daraja sandbox: the last four digits of the payer (STK
// PhoneNumber) or the payee (B2C PartyB) pick an outcome, so any Kenyan number can trigger one
// and tests can use fresh numbers. Other test projects reference these constants; README.md and
// the inbox page show the same table (Table below): keep the three in step.
public static class MpesaScripts
{
    public const string Provider = "M-Pesa (Daraja)";

    // STK callback ResultCode 1; B2C result ResultCode 1. Nothing moves.
    public const string InsufficientFunds = "0001";

    // STK callback ResultCode 1032, the customer dismissed the prompt. STK only.
    public const string Cancelled = "1032";

    // STK: no callback ever; the query says "being processed" until StkExpiry, then
    // ResultCode "1037". STK only.
    public const string Unreachable = "1037";

    // STK: wrong M-PESA PIN (ResultCode 2001). B2C: ResultCode 2001, initiator invalid.
    public const string WrongPin = "2001";

    // Success, and the same callback (or result) is delivered 5 times.
    public const string DuplicateCallbacks = "9005";

    // Success decided after CallbackDelay (queries see it) but the callback comes only after
    // LateCallbackDelay.
    public const string LateCallback = "9030";

    // Success, but the callback never comes: only the STK query or Transaction Status tells.
    public const string LostCallback = "9404";

    // HTTP 503 for the first 3 requests (STK push or B2C) naming that number, then normal.
    public const string ServiceUnavailableBurst = "9503";

    // B2C only: paid at once, the request answered only after AmbiguousDelay, no result
    // callback. Only Transaction Status tells.
    public const string Ambiguous = "9408";

    public const int DuplicateDeliveries = 5;
    public const int BurstLength = 3;

    public static readonly IReadOnlyList<ScriptedNumber> Table =
    [
        new(Provider, InsufficientFunds, "Insufficient funds: STK and B2C ResultCode 1; nothing moves"),
        new(Provider, Cancelled, "STK: cancelled by the customer, ResultCode 1032"),
        new(Provider, Unreachable, "STK: phone unreachable, no callback; the query answers 1037 once the prompt expires"),
        new(Provider, WrongPin, "STK: wrong PIN, ResultCode 2001; B2C: ResultCode 2001 (initiator invalid)"),
        new(Provider, DuplicateCallbacks, $"Success; the callback is delivered {DuplicateDeliveries} times"),
        new(Provider, LateCallback, "Success; the callback comes only after Mpesa:LateCallbackDelay (30 s)"),
        new(Provider, LostCallback, "Success, but no callback: only the STK query / Transaction Status tell"),
        new(Provider, ServiceUnavailableBurst, $"HTTP 503 for the first {BurstLength} STK/B2C requests naming that number, then normal"),
        new(Provider, Ambiguous, "B2C: paid, but answered only after Mpesa:AmbiguousDelay (40 s) and no result callback"),
    ];

    private static int _nextPhone = Random.Shared.Next(0, 5_000);

    // A fresh E.164 number ("+2547" + four unique digits + suffix) so per-number state (the
    // subscriber lock, the 503 burst count) never leaks between tests. The default suffix
    // matches no script.
    public static string Phone(string suffix = "1234")
    {
        ArgumentNullException.ThrowIfNull(suffix);
        if (suffix.Length != 4 || !suffix.All(char.IsAsciiDigit))
        {
            throw new ArgumentException("A script suffix is four digits", nameof(suffix));
        }
        var unique = (Interlocked.Increment(ref _nextPhone) % 10_000).ToString("D4", CultureInfo.InvariantCulture);
        return "+2547" + unique + suffix;
    }

    // Daraja writes MSISDNs without the '+': +254712345678 → 254712345678.
    public static string Wire(string e164)
    {
        ArgumentNullException.ThrowIfNull(e164);
        return e164.TrimStart('+');
    }

    public static MpesaOutcome StkOutcome(string msisdn) => Suffix(msisdn) switch
    {
        InsufficientFunds => MpesaOutcome.InsufficientFunds,
        Cancelled => MpesaOutcome.Cancelled,
        Unreachable => MpesaOutcome.Unreachable,
        WrongPin => MpesaOutcome.WrongPin,
        DuplicateCallbacks => MpesaOutcome.DuplicateCallbacks,
        LateCallback => MpesaOutcome.LateCallback,
        LostCallback => MpesaOutcome.LostCallback,
        _ => MpesaOutcome.Success,
    };

    public static MpesaOutcome B2cOutcome(string msisdn) => Suffix(msisdn) switch
    {
        InsufficientFunds => MpesaOutcome.InsufficientFunds,
        WrongPin => MpesaOutcome.WrongPin,
        DuplicateCallbacks => MpesaOutcome.DuplicateCallbacks,
        LateCallback => MpesaOutcome.LateCallback,
        LostCallback => MpesaOutcome.LostCallback,
        Ambiguous => MpesaOutcome.Ambiguous,
        _ => MpesaOutcome.Success,
    };

    private static string Suffix(string msisdn) => msisdn.Length >= 4 ? msisdn[^4..] : "";
}

public enum MpesaOutcome
{
    Success,
    InsufficientFunds,
    Cancelled,
    Unreachable,
    WrongPin,
    DuplicateCallbacks,
    LateCallback,
    LostCallback,
    Ambiguous,
    // Not a phone script: a B2C whose InitiatorName or SecurityCredential was wrong.
    InvalidCredential,
}

public static class MpesaOutcomes
{
    // Whether money moves once the outcome is decided.
    public static bool Pays(this MpesaOutcome outcome) => outcome is MpesaOutcome.Success or MpesaOutcome.DuplicateCallbacks
        or MpesaOutcome.LateCallback or MpesaOutcome.LostCallback or MpesaOutcome.Ambiguous;

    public static string Name(this MpesaOutcome outcome) => outcome switch
    {
        MpesaOutcome.Success => "success",
        MpesaOutcome.InsufficientFunds => "insufficient_funds",
        MpesaOutcome.Cancelled => "cancelled",
        MpesaOutcome.Unreachable => "unreachable",
        MpesaOutcome.WrongPin => "wrong_pin",
        MpesaOutcome.DuplicateCallbacks => "duplicate_callbacks",
        MpesaOutcome.LateCallback => "late_callback",
        MpesaOutcome.LostCallback => "lost_callback",
        MpesaOutcome.Ambiguous => "ambiguous",
        MpesaOutcome.InvalidCredential => "invalid_credential",
        _ => "unknown",
    };

    // STK callback / query codes and texts (protocols.md §1.2).
    public static (int Code, string Desc) Stk(this MpesaOutcome outcome) => outcome switch
    {
        MpesaOutcome.InsufficientFunds => (1, "The balance is insufficient for the transaction."),
        MpesaOutcome.Cancelled => (1032, "Request cancelled by user"),
        MpesaOutcome.Unreachable => (1037, "DS timeout user cannot be reached"),
        MpesaOutcome.WrongPin => (2001, "The initiator information is invalid."),
        _ => (0, "The service request is processed successfully."),
    };

    // B2C result codes and texts (protocols.md §1.4).
    public static (int Code, string Desc) B2c(this MpesaOutcome outcome) => outcome switch
    {
        MpesaOutcome.InsufficientFunds => (1, "The balance is insufficient for the transaction."),
        MpesaOutcome.WrongPin or MpesaOutcome.InvalidCredential => (2001, "The initiator information is invalid."),
        _ => (0, "The service request is processed successfully."),
    };
}

// Counts requests per number for the 503 script. The only mutable script state, hence a singleton.
public sealed class MpesaBurstCounter
{
    private readonly ConcurrentDictionary<string, int> _seen = new(StringComparer.Ordinal);

    // True while this request is one of the first BurstLength naming a burst number.
    public bool Refuse(string? msisdn)
    {
        if (msisdn is null || !msisdn.EndsWith(MpesaScripts.ServiceUnavailableBurst, StringComparison.Ordinal))
        {
            return false;
        }
        return _seen.AddOrUpdate(msisdn, 1, (_, count) => count + 1) <= MpesaScripts.BurstLength;
    }
}
