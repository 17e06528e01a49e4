namespace Pamoja.Sandbox.Providers.AfricasTalking;

// Bound from the "AfricasTalking" configuration section
// (e.g. --AfricasTalking:DeliveryReportUrl=http://localhost:5000/hooks/at/dlr).
public sealed class AfricasTalkingOptions
{
    public const string Section = "AfricasTalking";

    // What Pamoja.Web checks in the `k` query parameter of every AT callback (AT signs nothing,
    // protocols.md §5.3); the web app uses the same default when it runs against the sandbox.
    public const string DefaultCallbackToken = "sandbox-at-callback-token";

    // Where to POST delivery reports (§5.3). Unset means no reports, like an AT app whose
    // dashboard has no delivery-report callback configured.
    public Uri? DeliveryReportUrl { get; set; }

    // Real reports arrive seconds after the send; a delay keeps callers honest about the
    // report racing the send response.
    public TimeSpan DeliveryReportDelay { get; set; } = TimeSpan.FromSeconds(1);

    public string CallbackToken { get; set; } = DefaultCallbackToken;

    // The app's USSD and incoming-SMS callbacks. Unset: {PAMOJA_URL or http://localhost:5000}
    // /webhooks/africastalking/ussd (or /sms) ?k={CallbackToken}, filled in by AfricasTalkingSetup.
    public Uri? UssdCallbackUrl { get; set; }
    public Uri? SmsCallbackUrl { get; set; }

    // AT's end-of-session notifications (§5.1). Unset means none are sent.
    public Uri? UssdEventsUrl { get; set; }

    // The code the simulator "dials" unless a request names another.
    public string ServiceCode { get; set; } = "*384*1234#";

    // The short code simulated incoming SMS are written to unless a request names another.
    public string SmsShortCode { get; set; } = "12345";

    // How long the simulator waits for the app's answer to a USSD step or an incoming SMS
    // (AT: 10 s to connect, 15 s to answer, for Kenyan telcos; the stricter figure here).
    public TimeSpan CallbackTimeout { get; set; } = TimeSpan.FromSeconds(10);

    // A session nobody moved on for this long has expired (AT: sessions last up to 180 s).
    public TimeSpan UssdSessionTimeout { get; set; } = TimeSpan.FromSeconds(180);

    // Sessions kept in memory; beyond this the least recently active one is forgotten.
    public int MaxUssdSessions { get; set; } = 10_000;
}
