using Pamoja.Core.Groups;
using Pamoja.Core.Schedules;

namespace Pamoja.Web.Features.Members;

/// The API's lowercase names for domain enums ("rosca", "treasurer", "semimonthly"), in one
/// place so JSON, SQL and pages agree.
public static class Api
{
    public static string Name<T>(T value) where T : struct, Enum => value.ToString().ToLowerInvariant();

    public static bool TryParse<T>(string? text, out T value) where T : struct, Enum
    {
        value = default;
        // Exactly the lowercase API name: "rosca", not "ROSCA" or "1".
        return text is { Length: > 0 and < 32 } && !char.IsDigit(text[0]) &&
               Enum.TryParse(text, ignoreCase: true, out value) && Enum.IsDefined(value) && Name(value) == text;
    }

    public static string Names<T>() where T : struct, Enum => string.Join(", ", Enum.GetValues<T>().Select(v => Name(v)));

    public static IReadOnlyList<string> RoleNames { get; } = Enum.GetValues<GroupRole>().Select(r => Name(r)).ToList();
    public static IReadOnlyList<string> FrequencyNames { get; } = Enum.GetValues<Frequency>().Select(f => Name(f)).ToList();
}
