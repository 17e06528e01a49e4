using System.Globalization;

namespace Pamoja.Sandbox.Providers.AfricasTalking;

// Cosmetic: AT quotes cost as "<currency> <amount to 4 places>". The amounts are plausible
// per-SMS prices, not AT's tariff; nothing in Pamoja should rely on them.
public static class SmsPricing
{
    // Country calling codes are prefix-free, so the order of this list does not matter.
    private static readonly (string Prefix, string Currency, decimal PerMessage)[] Prices =
    [
        ("+254", "KES", 0.8m),
        ("+255", "TZS", 20m),
        ("+256", "UGX", 30m),
        ("+250", "RWF", 15m),
        ("+234", "NGN", 4m),
        ("+27", "ZAR", 0.3m),
    ];

    public static (string Currency, decimal Amount) PriceFor(string number)
    {
        ArgumentNullException.ThrowIfNull(number);
        foreach (var (prefix, currency, perMessage) in Prices)
        {
            if (number.StartsWith(prefix, StringComparison.Ordinal))
            {
                return (currency, perMessage);
            }
        }
        return ("USD", 0.01m);
    }

    public static string Format(string currency, decimal amount) =>
        $"{currency} {amount.ToString("0.0000", CultureInfo.InvariantCulture)}";

    // "Sent to 2/3 Total Cost: KES 1.6000"; "Total Cost: 0" when nothing was sent, as AT does.
    public static string Summary(int sent, int total, IEnumerable<(string Currency, decimal Amount)> costs)
    {
        var totals = costs
            .GroupBy(c => c.Currency, StringComparer.Ordinal)
            .Select(g => Format(g.Key, g.Sum(c => c.Amount)))
            .ToList();
        var cost = totals.Count == 0 ? "0" : string.Join(", ", totals);
        return string.Create(CultureInfo.InvariantCulture, $"Sent to {sent}/{total} Total Cost: {cost}");
    }
}
