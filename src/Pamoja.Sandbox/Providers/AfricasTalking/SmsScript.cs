using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Pamoja.Sandbox.Scripts;

namespace Pamoja.Sandbox.Providers.AfricasTalking;

// Decides, from the recipient numbers alone, how the fake gateway behaves. Keyed on the last
// four digits so any country's number can trigger a script and tests can use fresh numbers.
// Holds the only mutable state (the 503 burst counters), hence a singleton.
public sealed partial class SmsScript
{
    public const int BurstLength = 3;
    public const int SentStatusCode = 101;

    // The per-number table shown on the inbox page and in README.md; keep the three in step.
    public static readonly IReadOnlyList<ScriptedNumber> Table =
    [
        new("Africa's Talking SMS", "0405", "Recipient status 405 InsufficientBalance; not delivered"),
        new("Africa's Talking SMS", "0406", "Recipient status 406 UserInBlacklist; not delivered"),
        new("Africa's Talking SMS", "0500", "HTTP 500 for the whole request; nothing delivered"),
        new("Africa's Talking SMS", "0503", $"HTTP 503 for the first {BurstLength} requests to that number, then sent"),
    ];

    private readonly ConcurrentDictionary<string, int> _requestsSeen = new(StringComparer.Ordinal);

    // The AT SDK's own client-side check; the real gateway reports such numbers per recipient.
    [GeneratedRegex(@"^\+\d{1,3}\d{3,}$")]
    private static partial Regex ValidNumber();

    public static bool IsValidNumber(string number) => ValidNumber().IsMatch(number);

    // A whole-request failure, decided before any recipient is processed; null means carry on.
    // Every 0503 number in the request counts one request, whether or not the request fails.
    public int? GatewayFailure(IReadOnlyList<string> numbers)
    {
        ArgumentNullException.ThrowIfNull(numbers);
        var valid = numbers.Where(IsValidNumber).ToList();
        if (valid.Any(n => n.EndsWith("0500", StringComparison.Ordinal)))
        {
            return StatusCodes.Status500InternalServerError;
        }

        var inBurst = false;
        foreach (var number in valid.Where(n => n.EndsWith("0503", StringComparison.Ordinal)).Distinct(StringComparer.Ordinal))
        {
            var seen = _requestsSeen.AddOrUpdate(number, 1, (_, count) => count + 1);
            inBurst |= seen <= BurstLength;
        }
        return inBurst ? StatusCodes.Status503ServiceUnavailable : null;
    }

    // The per-recipient status code and name AT would report (protocols.md §5.2).
    public static (int StatusCode, string Status) RecipientOutcome(string number)
    {
        ArgumentNullException.ThrowIfNull(number);
        if (!IsValidNumber(number))
        {
            return (403, "InvalidPhoneNumber");
        }
        if (number.EndsWith("0405", StringComparison.Ordinal))
        {
            return (405, "InsufficientBalance");
        }
        if (number.EndsWith("0406", StringComparison.Ordinal))
        {
            return (406, "UserInBlacklist");
        }
        return (SentStatusCode, "Success");
    }
}
