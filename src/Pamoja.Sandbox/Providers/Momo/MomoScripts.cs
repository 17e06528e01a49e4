namespace Pamoja.Sandbox.Providers.Momo;

// Pamoja's own scripted MSISDNs, for what MTN's sandbox cannot show: duplicated, late and
// missing callbacks, a 503 burst and a request carried out without an answer. They sit in a
// made-up Ugandan range (+256 77 000000 0x, one digit longer than a real Ugandan number), far from
// MTN's 46733123450..63 table. All of them succeed; only the conversation around them misbehaves.
// Matched exactly on the partyId of an MSISDN party. README.md and the inbox page list them.
public static class MomoScripts
{
    public const string Provider = "MTN MoMo";

    // The callback is sent DuplicateCallbackCount times, one after another, same body each time.
    public const string DuplicateCallbacks = "2567700000001";
    public const int DuplicateCallbackCount = 5;

    // The outcome is final after Momo:OutcomeDelay (GET shows it) but the callback comes
    // Momo:LateCallbackDelay after that.
    public const string LateCallback = "2567700000002";

    // The outcome is final after Momo:OutcomeDelay but no callback is ever sent: only GET tells.
    public const string NoCallback = "2567700000003";

    // The first BurstLength POSTs naming this number (request-to-pay and transfer together) are
    // answered 503 SERVICE_UNAVAILABLE and recorded nowhere; later ones are accepted. The count
    // lives as long as the sandbox process.
    public const string ServiceUnavailableBurst = "2567700000004";
    public const int BurstLength = 3;

    // The request is recorded and carried out at once, but the POST is answered (202) only after
    // Momo:AmbiguousDelay, longer than any sane client timeout; no callback. Only GET tells.
    public const string Ambiguous = "2567700000005";

    public static IReadOnlyList<string> All { get; } =
        [DuplicateCallbacks, LateCallback, NoCallback, ServiceUnavailableBurst, Ambiguous];
}
