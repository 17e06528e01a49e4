namespace Pamoja.Sandbox.Providers.AfricasTalking;

// Bound from the "AfricasTalking" configuration section
// (e.g. --AfricasTalking:DeliveryReportUrl=http://localhost:5000/hooks/at/dlr).
public sealed class AfricasTalkingOptions
{
    public const string Section = "AfricasTalking";

    // Where to POST delivery reports (§5.3). Unset means no reports, like an AT app whose
    // dashboard has no delivery-report callback configured.
    public Uri? DeliveryReportUrl { get; set; }

    // Real reports arrive seconds after the send; a delay keeps callers honest about the
    // report racing the send response.
    public TimeSpan DeliveryReportDelay { get; set; } = TimeSpan.FromSeconds(1);
}
