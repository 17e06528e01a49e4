namespace Pamoja.Sandbox.Providers.Momo;

// Bound from the "Momo" configuration section (e.g. --Momo:OutcomeDelay=00:00:00.050).
// Every delay is configurable so tests can run the same scripts in milliseconds.
public sealed class MomoOptions
{
    public const string Section = "Momo";

    // How long a request stays PENDING before its scripted outcome (a payer typing a PIN).
    public TimeSpan OutcomeDelay { get; set; } = TimeSpan.FromSeconds(2);

    // How long MTN's "Delayed" test numbers (46733123454) stay PENDING before they succeed.
    public TimeSpan DelayedOutcomeDelay { get; set; } = TimeSpan.FromSeconds(60);

    // PUT or POST: the two published versions of MTN's callback page disagree (protocols.md
    // §2.6), so a listener must accept both and the sandbox can send either.
    public string CallbackMethod { get; set; } = "PUT";

    // For MomoScripts.LateCallback: how long after the outcome its callback is sent.
    public TimeSpan LateCallbackDelay { get; set; } = TimeSpan.FromSeconds(30);

    // For MomoScripts.Ambiguous: how long the POST is held after the sandbox has already
    // carried the request out. Longer than a client's timeout, so the client never hears.
    public TimeSpan AmbiguousDelay { get; set; } = TimeSpan.FromSeconds(40);

    // Access tokens live an hour, as MTN's do (protocols.md §2.2).
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(1);

    public HttpMethod CallbackHttpMethod =>
        CallbackMethod.Equals("POST", StringComparison.OrdinalIgnoreCase) ? HttpMethod.Post : HttpMethod.Put;

    public static bool IsValidCallbackMethod(string? method) =>
        method is not null && (method.Equals("PUT", StringComparison.OrdinalIgnoreCase) || method.Equals("POST", StringComparison.OrdinalIgnoreCase));
}
