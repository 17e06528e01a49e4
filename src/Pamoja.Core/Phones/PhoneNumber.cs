namespace Pamoja.Core.Phones;

/// A phone number in E.164 form ("+254712345678"): the login of every member and the address
/// that SMS, WhatsApp, USSD and mobile money all key on. Parsing is deliberately strict about
/// the result and lenient about spacing, because people type "+254 712 345-678" and "00254…".
public readonly record struct PhoneNumber
{
    // E.164 allows at most 15 digits after the '+'; real national numbers have at least 8.
    public const int MaxDigits = 15;
    public const int MinDigits = 8;

    // Longer raw input is refused before any work, so a hostile megabyte string costs nothing.
    public const int MaxInputLength = 32;

    public string Value { get; }

    private PhoneNumber(string value) => Value = value;

    public static bool TryParse(string? input, out PhoneNumber phone)
    {
        phone = default;
        if (string.IsNullOrWhiteSpace(input) || input.Length > MaxInputLength)
            return false;

        Span<char> digits = stackalloc char[MaxInputLength];
        var count = 0;
        var span = input.AsSpan().Trim();

        if (span.StartsWith("+"))
            span = span[1..];
        else if (span.StartsWith("00"))
            span = span[2..];
        else
            return false; // without a country code we cannot know which country is meant

        foreach (var c in span)
        {
            if (c is >= '0' and <= '9')
                digits[count++] = c;
            else if (c is ' ' or '-' or '.' or '(' or ')')
                continue;
            else
                return false;
        }

        if (count < MinDigits || count > MaxDigits || digits[0] == '0')
            return false;

        phone = new PhoneNumber("+" + new string(digits[..count]));
        return true;
    }

    public static PhoneNumber Parse(string input) =>
        TryParse(input, out var phone) ? phone : throw new FormatException("Not an E.164 phone number.");

    /// For logs and screens that must not reveal the whole number: "+2547•••••678".
    public string Masked() => Value.Length <= 7 ? Value : Value[..5] + new string('•', Value.Length - 8) + Value[^3..];

    public override string ToString() => Value;
}
