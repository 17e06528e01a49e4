namespace Pamoja.Core.Money;

/// An amount of one currency in its minor unit (cents). Never a float: 64-bit integers, checked
/// arithmetic (an overflow is an exception, not a wrong balance), and no mixing of currencies.
public readonly record struct Money(long Minor, Currency Currency)
{
    public static Money Zero(Currency currency) => new(0, currency);

    public static Money operator +(Money a, Money b) => new(checked(a.Minor + Same(a, b).Minor), a.Currency);
    public static Money operator -(Money a, Money b) => new(checked(a.Minor - Same(a, b).Minor), a.Currency);
    public static Money operator -(Money a) => new(checked(-a.Minor), a.Currency);

    public bool IsZero => Minor == 0;
    public bool IsPositive => Minor > 0;

    /// Splits the amount into parts proportional to the ratios without losing or inventing a
    /// minor unit: each part gets its floor, and the units left over go one each to the parts
    /// with the largest remainders (ties to the earliest part). Deterministic, so everyone who
    /// recomputes a split gets the same answer.
    public Money[] Allocate(IReadOnlyList<long> ratios)
    {
        ArgumentOutOfRangeException.ThrowIfZero(ratios.Count);
        if (ratios.Any(r => r < 0)) throw new ArgumentException("Ratios must not be negative.", nameof(ratios));
        var total = ratios.Sum(r => (decimal)r);
        if (total == 0) throw new ArgumentException("At least one ratio must be positive.", nameof(ratios));

        var sign = Math.Sign(Minor);
        var amount = Math.Abs((decimal)Minor);
        var parts = new long[ratios.Count];
        var remainders = new decimal[ratios.Count];
        long given = 0;
        for (var i = 0; i < ratios.Count; i++)
        {
            var exact = amount * ratios[i] / total;
            parts[i] = (long)decimal.Floor(exact);
            remainders[i] = exact - parts[i];
            given += parts[i];
        }
        var left = (long)amount - given;
        foreach (var i in Enumerable.Range(0, ratios.Count).OrderByDescending(i => remainders[i]).ThenBy(i => i).Take((int)left))
            parts[i]++;
        var currency = Currency;
        return parts.Select(p => new Money(sign * p, currency)).ToArray();
    }

    /// Splits into n parts as equal as possible (the first parts get the extra minor units).
    public Money[] Split(int n) => Allocate(Enumerable.Repeat(1L, n).ToArray());

    public override string ToString() => Currency.Format(Minor);

    private static Money Same(Money a, Money b) => a.Currency == b.Currency
        ? b
        : throw new InvalidOperationException($"Cannot combine {a.Currency.Code} and {b.Currency.Code}.");
}
