namespace Pamoja.Core.Money;

/// An ISO 4217 currency and its exponent (how many decimal places its minor unit has). Amounts
/// are always integers of the minor unit: KES 1,500.00 is 150000; RWF and UGX have no minor
/// unit, so RWF 5,000 is 5000.
public sealed record Currency
{
    public string Code { get; }
    public int Exponent { get; }
    public string Name { get; }

    private Currency(string code, int exponent, string name) => (Code, Exponent, Name) = (code, exponent, name);

    // The currencies of the places Pamoja's groups live in and send money from. ISO 4217 exponents.
    private static readonly Dictionary<string, Currency> Known = new[]
    {
        new Currency("KES", 2, "Kenyan shilling"),
        new Currency("TZS", 2, "Tanzanian shilling"),
        new Currency("UGX", 0, "Ugandan shilling"),
        new Currency("RWF", 0, "Rwandan franc"),
        new Currency("BIF", 0, "Burundian franc"),
        new Currency("ETB", 2, "Ethiopian birr"),
        new Currency("SOS", 2, "Somali shilling"),
        new Currency("ZAR", 2, "South African rand"),
        new Currency("BWP", 2, "Botswana pula"),
        new Currency("NAD", 2, "Namibian dollar"),
        new Currency("LSL", 2, "Lesotho loti"),
        new Currency("SZL", 2, "Swazi lilangeni"),
        new Currency("ZMW", 2, "Zambian kwacha"),
        new Currency("MWK", 2, "Malawian kwacha"),
        new Currency("MZN", 2, "Mozambican metical"),
        new Currency("NGN", 2, "Nigerian naira"),
        new Currency("GHS", 2, "Ghanaian cedi"),
        new Currency("XOF", 0, "West African CFA franc"),
        new Currency("XAF", 0, "Central African CFA franc"),
        new Currency("SLE", 2, "Sierra Leonean leone"),
        new Currency("LRD", 2, "Liberian dollar"),
        new Currency("GMD", 2, "Gambian dalasi"),
        new Currency("CDF", 2, "Congolese franc"),
        new Currency("EGP", 2, "Egyptian pound"),
        new Currency("MAD", 2, "Moroccan dirham"),
        new Currency("GBP", 2, "Pound sterling"),
        new Currency("EUR", 2, "Euro"),
        new Currency("USD", 2, "US dollar"),
        new Currency("CAD", 2, "Canadian dollar"),
        new Currency("INR", 2, "Indian rupee"),
        new Currency("HTG", 2, "Haitian gourde"),
        new Currency("JMD", 2, "Jamaican dollar"),
    }.ToDictionary(c => c.Code, StringComparer.Ordinal);

    public static IEnumerable<Currency> All => Known.Values.OrderBy(c => c.Code, StringComparer.Ordinal);

    public static bool TryGet(string? code, out Currency currency)
    {
        currency = null!;
        // Codes are capitals, as ISO 4217 writes them: "kes" is refused rather than guessed at.
        return code is { Length: 3 } && Known.TryGetValue(code, out currency!);
    }

    public static Currency Get(string code) =>
        TryGet(code, out var currency) ? currency : throw new ArgumentException($"Unknown currency '{code}'.", nameof(code));

    /// "KES 1,500.00" for 150000 minor units.
    public string Format(long minorUnits)
    {
        var divisor = Pow10(Exponent);
        var sign = minorUnits < 0 ? "-" : "";
        var abs = minorUnits == long.MinValue ? (ulong)long.MaxValue + 1 : (ulong)Math.Abs(minorUnits);
        var major = abs / (ulong)divisor;
        var minor = abs % (ulong)divisor;
        var majorText = major.ToString("#,0", System.Globalization.CultureInfo.InvariantCulture);
        return Exponent == 0
            ? $"{sign}{Code} {majorText}"
            : $"{sign}{Code} {majorText}.{minor.ToString(new string('0', Exponent), System.Globalization.CultureInfo.InvariantCulture)}";
    }

    internal static long Pow10(int exponent)
    {
        long value = 1;
        for (var i = 0; i < exponent; i++) value *= 10;
        return value;
    }

    public override string ToString() => Code;
}
