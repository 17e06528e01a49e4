namespace Pamoja.Web.Features.Payments;

/// Section "Payments".
public sealed class PaymentOptions
{
    /// Where providers send callbacks: the app's public URL (behind nginx, the https one). Empty:
    /// Network:PublicBaseUrl, else PAMOJA_URL (PublicUrls).
    public string CallbackBaseUrl { get; set; } = "";

    /// How long after a send without a result the worker first asks the provider, and the
    /// longest wait between later checks (they back off in between).
    public TimeSpan FirstCheckAfter { get; set; } = TimeSpan.FromMinutes(2);
    public TimeSpan MaxCheckInterval { get; set; } = TimeSpan.FromMinutes(30);

    /// How often the payments worker looks for payments to send or check.
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// How long a worker holds a payment it is sending or checking before another may take it.
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(2);

    /// How often reconciliation runs; and how long after a business day ends its payments must
    /// have settled before an open one becomes an exception.
    public TimeSpan ReconcileEvery { get; set; } = TimeSpan.FromMinutes(5);
    public TimeSpan DayCloseGrace { get; set; } = TimeSpan.FromHours(2);

    /// A provider's "no such request" is final only for an attempt sent at least this long ago;
    /// before that the payment stays unknown and is asked about again.
    public TimeSpan NotFoundFinalAfter { get; set; } = TimeSpan.FromHours(1);

    /// Off in tests that drive the worker by hand.
    public bool WorkerEnabled { get; set; } = true;

    /// Register the M-Pesa paybill's C2B URLs at start-up (the demo; production registers once).
    public bool RegisterPaybillOnStartup { get; set; }
}
