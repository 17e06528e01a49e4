using System.Globalization;
using Pamoja.Core.Money;
using Pamoja.Core.Phones;
using Pamoja.Web.Integrations.Payments;

namespace Pamoja.Web.Integrations.Momo;

/// What MoMo can carry: which currencies, which amounts, which phone numbers (the rules behind
/// MomoGateway.Refuse), and how amounts are written on the wire.
public static class MomoMarkets
{
    /// One MTN MoMo market: its X-Target-Environment, country calling code and currency.
    private sealed record Market(string Environment, string CountryCode, string Currency);

    // The production environments protocols.md §2.1 names, plus Rwanda (mtnrwanda), with the
    // currency each market settles in. Guinea (GNF) is left out: Pamoja.Core has no GNF, so
    // Pamoja could not hold its amounts anyway.
    private static readonly Market[] Markets =
    [
        new("mtnuganda", "256", "UGX"),
        new("mtnrwanda", "250", "RWF"),
        new("mtnghana", "233", "GHS"),
        new("mtnzambia", "260", "ZMW"),
        new("mtncameroon", "237", "XAF"),
        new("mtncongo", "242", "XAF"),
        new("mtnivorycoast", "225", "XOF"),
        new("mtnbenin", "229", "XOF"),
        new("mtnswaziland", "268", "SZL"),
        new("mtnliberia", "231", "LRD"),
        new("mtnsouthafrica", "27", "ZAR"),
    ];

    // Largest single payment Pamoja sends through MoMo, in major units. MTN's real caps are set
    // per market and per wallet tier and change (UNCONFIRMED, not published in one place); these
    // round figures sit at or below them, so an absurd amount is refused here with a clear
    // message, and a real cap still comes back from MTN as FAILED PAYER_LIMIT_REACHED.
    private static readonly Dictionary<string, long> MaxMajor = new(StringComparer.Ordinal)
    {
        ["UGX"] = 5_000_000,
        ["RWF"] = 2_000_000,
        ["GHS"] = 20_000,
        ["ZMW"] = 50_000,
        ["XAF"] = 2_000_000,
        ["XOF"] = 2_000_000,
        ["SZL"] = 30_000,
        ["LRD"] = 300_000,
        ["ZAR"] = 30_000,
        // MTN's sandbox moves euros only (§2.8); never offered outside the sandbox.
        ["EUR"] = 10_000,
    };

    /// Currencies MoMo handles under this target environment: the market's own in production;
    /// on the sandbox every MoMo currency plus EUR (MTN's sandbox takes EUR, Pamoja's takes any,
    /// and demo groups keep their real currency); for an environment Pamoja does not know, every
    /// MoMo market currency but EUR.
    public static IReadOnlyCollection<string> Currencies(string targetEnvironment)
    {
        if (targetEnvironment == MomoOptions.SandboxEnvironment)
            return MaxMajor.Keys;
        var market = Markets.FirstOrDefault(m => m.Environment == targetEnvironment);
        return market is not null ? [market.Currency] : Markets.Select(m => m.Currency).Distinct().ToArray();
    }

    /// Null when MoMo can carry this payment; otherwise why not, in words for an official.
    public static string? Refuse(string targetEnvironment, PaymentDirection direction, string phone, long amount, string currency)
    {
        _ = direction; // both directions have the same limits here
        if (!Currency.TryGet(currency, out var known) || !Currencies(targetEnvironment).Contains(currency))
            return $"MTN MoMo does not carry {currency} payments here" +
                   $" (it takes {string.Join(", ", Currencies(targetEnvironment).Order(StringComparer.Ordinal))}).";
        if (amount <= 0)
            return "The amount must be more than zero.";
        // At least one whole unit: no contribution or payout is smaller, and MTN's per-market
        // minimums (UNCONFIRMED) are at least that.
        var min = Pow10(known.Exponent);
        if (amount < min)
            return $"MTN MoMo moves at least {known.Format(min)}.";
        var max = MaxMajor[currency] * Pow10(known.Exponent);
        if (amount > max)
            return $"MTN MoMo payments are limited to {known.Format(max)} each here.";
        if (!PhoneNumber.TryParse(phone, out var number))
            return "The phone number must be in international form, e.g. +256772123456.";
        var market = Markets.FirstOrDefault(m => m.Environment == targetEnvironment);
        if (market is not null && !number.Value.StartsWith("+" + market.CountryCode, StringComparison.Ordinal))
            return $"This MTN MoMo account only reaches +{market.CountryCode} numbers.";
        return null;
    }

    /// Minor units to MoMo's amount string: "1500" for UGX 1,500 (no minor unit), "12.50" for
    /// GHS 12.50. Invariant culture, no grouping.
    public static string AmountText(long minorUnits, Currency currency)
    {
        ArgumentNullException.ThrowIfNull(currency);
        ArgumentOutOfRangeException.ThrowIfNegative(minorUnits);
        if (currency.Exponent == 0)
            return minorUnits.ToString(CultureInfo.InvariantCulture);
        var divisor = Pow10(currency.Exponent);
        return string.Create(CultureInfo.InvariantCulture,
            $"{minorUnits / divisor}.{(minorUnits % divisor).ToString(new string('0', currency.Exponent), CultureInfo.InvariantCulture)}");
    }

    /// MoMo's amount string back to minor units; null when it is not a plain non-negative
    /// decimal or carries more precision than the currency has ("12.345" GHS). "1500.00" UGX is 1500.
    public static long? MinorUnits(string? text, Currency currency)
    {
        ArgumentNullException.ThrowIfNull(currency);
        if (string.IsNullOrEmpty(text) || text.Length > 40)
            return null;
        foreach (var ch in text)
            if (ch is not (>= '0' and <= '9' or '.'))
                return null;
        if (!decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
            return null;
        var scaled = value * Pow10(currency.Exponent);
        if (scaled != decimal.Truncate(scaled) || scaled > long.MaxValue)
            return null;
        return (long)scaled;
    }

    /// An E.164 number as MoMo's MSISDN: the digits without '+'.
    public static string? Msisdn(string phone) =>
        PhoneNumber.TryParse(phone, out var number) ? number.Value[1..] : null;

    private static long Pow10(int exponent)
    {
        long value = 1;
        for (var i = 0; i < exponent; i++) value *= 10;
        return value;
    }
}
