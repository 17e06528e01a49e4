using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Pamoja.Core.Phones;

namespace Pamoja.Web.Integrations.AfricasTalking;

/// The field rules every Africa's Talking callback parser shares (protocols.md §5). Callbacks
/// arrive unsigned at a public URL, so each reader is total: it reports a bad field instead of
/// throwing, and refuses what would hurt further on (NUL bytes PostgreSQL cannot store, lone
/// surrogates UTF-8 cannot encode, values far longer than AT ever sends).
public static class AtForm
{
    public const int MaxIdLength = 100;
    public const int MaxCodeLength = 32;

    /// An ASP.NET form as the parsers take it. A field sent twice (`id=a&id=b`) makes the whole
    /// form null: AT sends each field once, and guessing which copy counts is how a forged
    /// duplicate slips past a check made on the other one.
    public static IReadOnlyDictionary<string, string>? Read(IFormCollection? form)
    {
        if (form is null)
            return null;
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, values) in form)
        {
            if (values.Count != 1)
                return null;
            fields[key] = values[0] ?? "";
        }
        return fields;
    }

    internal static string? Get(IReadOnlyDictionary<string, string> form, string name) =>
        form.TryGetValue(name, out var value) ? value : null;

    /// Ids, codes, tokens: visible ASCII only, no spaces.
    internal static bool IsToken(string value, int maxLength)
    {
        if (value.Length == 0 || value.Length > maxLength)
            return false;
        foreach (var c in value)
        {
            if (c is < '!' or > '~')
                return false;
        }
        return true;
    }

    /// Free text typed by a person or written by AT: any Unicode but no control characters other
    /// than line breaks and tabs (when `lineBreaks`), and no lone surrogates.
    internal static bool IsText(string value, int maxLength, bool lineBreaks)
    {
        if (value.Length > maxLength)
            return false;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c))
            {
                if (i + 1 >= value.Length || !char.IsLowSurrogate(value[i + 1]))
                    return false;
                i++;
                continue;
            }
            if (char.IsLowSurrogate(c))
                return false;
            if (char.IsControl(c) && !(lineBreaks && c is '\n' or '\r' or '\t'))
                return false;
        }
        return true;
    }

    /// A required id-like field.
    internal static bool RequiredToken(IReadOnlyDictionary<string, string> form, string name, int maxLength,
        [NotNullWhen(true)] out string? value, out string? error)
    {
        value = Get(form, name);
        if (string.IsNullOrEmpty(value))
        {
            error = $"'{name}' is missing";
            value = null;
            return false;
        }
        if (!IsToken(value, maxLength))
        {
            error = $"'{name}' is not an id of at most {maxLength} visible ASCII characters";
            value = null;
            return false;
        }
        error = null;
        return true;
    }

    /// An optional id-like field: absent or empty is null, present must be well formed.
    internal static bool OptionalToken(IReadOnlyDictionary<string, string> form, string name, int maxLength,
        out string? value, out string? error)
    {
        value = Get(form, name);
        error = null;
        if (string.IsNullOrEmpty(value))
        {
            value = null;
            return true;
        }
        if (IsToken(value, maxLength))
            return true;
        error = $"'{name}' is not a code of at most {maxLength} visible ASCII characters";
        value = null;
        return false;
    }

    /// An optional free-text field: absent is null.
    internal static bool OptionalText(IReadOnlyDictionary<string, string> form, string name, int maxLength, bool lineBreaks,
        out string? value, out string? error)
    {
        value = Get(form, name);
        error = null;
        if (value is null || IsText(value, maxLength, lineBreaks))
            return true;
        error = $"'{name}' is longer than {maxLength} characters or holds control characters";
        value = null;
        return false;
    }

    /// A required +E.164 number. Core's PhoneNumber is lenient about spacing and "00"; AT
    /// always writes "+" and digits, so anything else is refused before it is normalised.
    internal static bool RequiredPhone(IReadOnlyDictionary<string, string> form, string name,
        out PhoneNumber phone, out string? error)
    {
        phone = default;
        var value = Get(form, name);
        if (string.IsNullOrEmpty(value))
        {
            error = $"'{name}' is missing";
            return false;
        }
        if (value.Length > PhoneNumber.MaxDigits + 1 || value[0] != '+' || !AllDigits(value.AsSpan(1))
            || !PhoneNumber.TryParse(value, out phone))
        {
            phone = default;
            error = $"'{name}' is not a +E.164 phone number";
            return false;
        }
        error = null;
        return true;
    }

    /// An optional non-negative whole number; a value that is not one makes the form invalid.
    internal static bool OptionalCount(IReadOnlyDictionary<string, string> form, string name, long max,
        out long? value, out string? error)
    {
        value = null;
        error = null;
        var raw = Get(form, name);
        if (string.IsNullOrEmpty(raw))
            return true;
        if (raw.Length <= 19 && AllDigits(raw)
            && long.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) && parsed <= max)
        {
            value = parsed;
            return true;
        }
        error = $"'{name}' is not a whole number between 0 and {max}";
        return false;
    }

    /// AT's dates: "yyyy-MM-dd HH:mm:ss" (read as UTC: AT does not document the zone) or ISO 8601.
    internal static DateTimeOffset? ParseDate(string? value)
    {
        if (string.IsNullOrEmpty(value) || value.Length > 40)
            return null;
        const DateTimeStyles utc = DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal;
        if (DateTimeOffset.TryParseExact(value, "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture, utc, out var plain))
            return plain;
        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, utc, out var iso) ? iso : null;
    }

    private static bool AllDigits(ReadOnlySpan<char> span)
    {
        if (span.IsEmpty)
            return false;
        foreach (var c in span)
        {
            if (c is < '0' or > '9')
                return false;
        }
        return true;
    }
}
