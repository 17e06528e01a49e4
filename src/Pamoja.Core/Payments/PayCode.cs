namespace Pamoja.Core.Payments;

/// A member's paybill account number: a running number with a Luhn check digit (the same as
/// PostgreSQL's pamoja_pay_code, migration 0006), typed on a phone keypad when paying by M-Pesa
/// paybill. The check digit turns a mistyped digit or two swapped neighbours into a code that
/// names nobody, instead of crediting somebody else.
public static class PayCode
{
    public const int MaxLength = 12;

    public static string For(long number)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(number);
        var digits = number.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return digits + CheckDigit(digits);
    }

    /// Digits only, at most 12, and the last one the Luhn check of the others.
    public static bool IsValid(string? code)
    {
        if (code is null || code.Length is < 2 or > MaxLength || !code.All(char.IsAsciiDigit)) return false;
        return CheckDigit(code[..^1]) == code[^1];
    }

    private static char CheckDigit(string digits)
    {
        var total = 0;
        var doubled = true; // the check digit goes to the right, so the rightmost digit is doubled
        for (var i = digits.Length - 1; i >= 0; i--)
        {
            var d = digits[i] - '0';
            if (doubled)
            {
                d *= 2;
                if (d > 9) d -= 9;
            }
            total += d;
            doubled = !doubled;
        }
        return (char)('0' + (10 - total % 10) % 10);
    }
}
