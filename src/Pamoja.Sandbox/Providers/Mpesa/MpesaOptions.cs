namespace Pamoja.Sandbox.Providers.Mpesa;

// Bound from the "Mpesa" configuration section (e.g. --Mpesa:CallbackDelay=00:00:00.050).
// The defaults are Daraja's public sandbox values (protocols.md §1.8), so a client configured
// for Safaricom's sandbox works here unchanged.
public sealed class MpesaOptions
{
    public const string Section = "Mpesa";

    // The Lipa na M-Pesa Online passkey of the STK shortcode, recovered from the official
    // sample Password (protocols.md §1.8).
    public const string PublicTestPasskey = "bfb279f9aa9bdbcf158e97dd71a467cd2e0c893059b10f78e6b72ada1ed2c919";

    public string StkShortCode { get; set; } = "174379";

    public string Passkey { get; set; } = PublicTestPasskey;

    public string B2cShortCode { get; set; } = "600992";

    public string InitiatorName { get; set; } = "testapi";

    // Safaricom hands out the sandbox initiator password on its portal; this is only the
    // sandbox's own default, configurable so a client's secret handling can be exercised.
    public string InitiatorPassword { get; set; } = "Safaricom999!*!";

    // How long after a request its outcome is decided and its callback (or result) is posted.
    // Real callbacks take seconds; a delay keeps callers honest about the race with the answer.
    public TimeSpan CallbackDelay { get; set; } = TimeSpan.FromSeconds(2);

    // The "late callback" script: the outcome is decided after CallbackDelay (a query already
    // sees it) but the callback arrives only after this.
    public TimeSpan LateCallbackDelay { get; set; } = TimeSpan.FromSeconds(30);

    // The "ambiguous" B2C script answers the request only after this, longer than any sane
    // client timeout, so the client cannot know whether the payout went through.
    public TimeSpan AmbiguousDelay { get; set; } = TimeSpan.FromSeconds(40);

    // How long an STK prompt waits for the customer before M-Pesa gives up (the "unreachable"
    // script's push stays pending, and holds the subscriber lock, until then).
    public TimeSpan StkExpiry { get; set; } = TimeSpan.FromSeconds(60);

    // How long M-Pesa waits for a C2B validation answer before applying the registered
    // ResponseType (about 8 s, protocols.md §1.6).
    public TimeSpan ValidationTimeout { get; set; } = TimeSpan.FromSeconds(8);

    // Daraja tokens live an hour; expires_in says 3599 so a client refreshing at the stated
    // expiry is never a second late.
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromSeconds(3600);
}
