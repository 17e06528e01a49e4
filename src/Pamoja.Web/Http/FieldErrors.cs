using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace Pamoja.Web.Http;

/// Collects validation messages per field, for both the API (a 400 problem with `errors`) and
/// the Razor pages (ModelState). Field names are the API's camelCase names.
public sealed class FieldErrors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool Any => _errors.Count > 0;

    public bool Has(string field) => _errors.ContainsKey(field);

    public FieldErrors Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list))
            _errors[field] = list = [];
        list.Add(message);
        return this;
    }

    /// Required, trimmed-non-empty, at most maxLength characters and free of control characters
    /// (multiline lets line breaks and tabs through, for texts such as a group's rules); returns
    /// the trimmed value. Every free-text field goes through here, so none can carry a NUL
    /// (which PostgreSQL refuses in text and jsonb: a 500 instead of a 400) or invisible
    /// terminal escapes into the database, the audit log or an SMS.
    public string? Text(string field, string? value, int maxLength, bool required = true, bool multiline = false)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            if (required) Add(field, $"{Label(field)} is required.");
            return null;
        }
        if (value.Length > maxLength)
        {
            Add(field, $"{Label(field)} must be at most {maxLength} characters.");
            return null;
        }
        if (!IsCleanText(value, multiline))
        {
            Add(field, $"{Label(field)} must not contain control characters{(multiline ? " other than line breaks and tabs" : "")}.");
            return null;
        }
        return value.Trim();
    }

    /// False when the text holds a control character (C0, DEL, C1; with multiline, \n, \r and \t
    /// are allowed) or half of a surrogate pair, which is not text at all and cannot be encoded.
    public static bool IsCleanText(string value, bool multiline = false)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsControl(c) && !(multiline && c is '\n' or '\r' or '\t'))
                return false;
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
                i++;
            else if (char.IsSurrogate(c))
                return false;
        }
        return true;
    }

    public IDictionary<string, string[]> ToDictionary() => _errors.ToDictionary(e => e.Key, e => e.Value.ToArray());

    public IResult ToProblem() => ApiProblems.Validation(ToDictionary());

    public void CopyTo(ModelStateDictionary modelState, string prefix = "")
    {
        foreach (var (field, messages) in _errors)
            foreach (var message in messages)
                modelState.AddModelError(prefix + char.ToUpperInvariant(field[0]) + field[1..], message);
    }

    private static string Label(string field) => field switch
    {
        "phone" => "Phone number",
        "fullName" => "Full name",
        "newPassword" => "New password",
        _ => char.ToUpperInvariant(field[0]) + field[1..],
    };
}
