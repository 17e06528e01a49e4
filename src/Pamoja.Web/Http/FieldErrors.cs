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

    /// Required, trimmed-non-empty and at most maxLength characters; returns the trimmed value.
    public string? Text(string field, string? value, int maxLength, bool required = true)
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
        return value.Trim();
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
