using System.Globalization;
using Pamoja.Core.Money;
using Pamoja.Web.Features.Shared.Localization;

namespace Pamoja.Web.Features.Groups.Pages;

/// Amounts as people type them in forms ("1500", "1,500.50", "1 500") to whole minor units and
/// back, exactly: digits only, never a float. More decimals than the currency has are refused
/// (RWF and UGX have none), not rounded.
public static class MoneyInput
{
    private const int MaxWholeDigits = 15; // × 10^exponent still far inside a long

    /// The error is in the reader's language when the page passes its texts (T), else English.
    public static bool TryParse(string? text, Currency currency, out long minorUnits, out string error, PageTexts? texts = null)
    {
        minorUnits = 0;
        error = "";
        var s = (text ?? "").Trim()
            .Replace(" ", "", StringComparison.Ordinal)
            .Replace("\u00A0", "", StringComparison.Ordinal)
            .Replace("\u202F", "", StringComparison.Ordinal);
        if (s.StartsWith(currency.Code, StringComparison.OrdinalIgnoreCase))
            s = s[currency.Code.Length..];
        if (s.Length is 0 or > 32)
            return Fail(out error, Example(currency, texts));

        var dot = s.IndexOf('.', StringComparison.Ordinal);
        var whole = dot < 0 ? s : s[..dot];
        var fraction = dot < 0 ? "" : s[(dot + 1)..];
        if (dot >= 0 && fraction.Length == 0)
            return Fail(out error, Example(currency, texts));
        if (whole.Contains(',', StringComparison.Ordinal))
        {
            // Commas only as thousands separators: 1,500 and 12,500,000, never 1,50.
            var groups = whole.Split(',');
            if (groups[0].Length is < 1 or > 3 || groups.Skip(1).Any(g => g.Length != 3))
                return Fail(out error, Example(currency, texts));
            whole = string.Concat(groups);
        }
        if (whole.Length == 0)
            whole = "0"; // ".50"
        if (!whole.All(char.IsAsciiDigit) || !fraction.All(char.IsAsciiDigit))
            return Fail(out error, Example(currency, texts));
        if (fraction.Length > currency.Exponent)
            return Fail(out error, currency.Exponent == 0
                ? Say(texts, "{0} has no cents: enter a whole number, like 5,000.", currency.Code)
                : Say(texts, "{0} amounts have at most {1} decimals, like 1,500.50.", currency.Code, currency.Exponent));
        whole = whole.TrimStart('0');
        if (whole.Length > MaxWholeDigits)
            return Fail(out error, Say(texts, "That amount is far too large."));

        long scale = 1;
        for (var i = 0; i < currency.Exponent; i++) scale *= 10;
        var major = whole.Length == 0 ? 0 : long.Parse(whole, NumberStyles.None, CultureInfo.InvariantCulture);
        var minor = fraction.Length == 0 ? 0 : long.Parse(fraction.PadRight(currency.Exponent, '0'), NumberStyles.None, CultureInfo.InvariantCulture);
        minorUnits = checked(major * scale + minor);
        return true;
    }

    /// The amount as a form field shows it for editing: "1500", "1500.50".
    public static string ToInputText(long minorUnits, Currency currency)
    {
        long scale = 1;
        for (var i = 0; i < currency.Exponent; i++) scale *= 10;
        var major = (minorUnits / scale).ToString(CultureInfo.InvariantCulture);
        var minor = minorUnits % scale;
        return minor == 0 ? major : major + "." + minor.ToString(CultureInfo.InvariantCulture).PadLeft(currency.Exponent, '0');
    }

    public static string Example(Currency currency, PageTexts? texts = null) => currency.Exponent == 0
        ? Say(texts, "Enter an amount in {0} as a whole number, like 5,000.", currency.Code)
        : Say(texts, "Enter an amount in {0}, like 1,500 or 1,500.50.", currency.Code);

    private static string Say(PageTexts? texts, string english, params object?[] values) =>
        texts is null ? string.Format(CultureInfo.InvariantCulture, english, values) : texts[english, values];

    private static bool Fail(out string error, string message)
    {
        error = message;
        return false;
    }
}
