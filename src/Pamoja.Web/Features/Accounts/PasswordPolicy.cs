using Microsoft.AspNetCore.Identity;

namespace Pamoja.Web.Features.Accounts;

/// NIST SP 800-63B style: length matters, composition rules don't, and a password that appears
/// on a list of common passwords is refused whatever its length. Case is ignored when comparing
/// because "Password123" is exactly as guessable as "password123".
public sealed class CommonPasswordValidator : IPasswordValidator<AppUser>
{
    private static readonly Lazy<HashSet<string>> Common = new(Load);

    public Task<IdentityResult> ValidateAsync(UserManager<AppUser> manager, AppUser user, string? password)
    {
        if (string.IsNullOrEmpty(password))
            return Task.FromResult(IdentityResult.Success);

        var candidate = password.Trim().ToLowerInvariant();
        if (Common.Value.Contains(candidate))
            return Failed("CommonPassword", "This password is on a list of commonly used passwords. Choose another.");

        var digits = new string((user.UserName ?? "").Where(char.IsAsciiDigit).ToArray());
        if (digits.Length >= 7 && new string(candidate.Where(char.IsAsciiDigit).ToArray()).Contains(digits[^7..], StringComparison.Ordinal))
            return Failed("PasswordContainsPhone", "The password must not contain your phone number.");

        return Task.FromResult(IdentityResult.Success);
    }

    public static bool IsCommon(string password) => Common.Value.Contains(password.Trim().ToLowerInvariant());

    private static Task<IdentityResult> Failed(string code, string description) =>
        Task.FromResult(IdentityResult.Failed(new IdentityError { Code = code, Description = description }));

    private static HashSet<string> Load()
    {
        using var stream = typeof(CommonPasswordValidator).Assembly.GetManifestResourceStream("Pamoja.CommonPasswords.txt")
            ?? throw new InvalidOperationException("The common-passwords resource is missing from the build.");
        using var reader = new StreamReader(stream);
        var set = new HashSet<string>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
            if (line.Length > 0 && line[0] != '#')
                set.Add(line.Trim().ToLowerInvariant());
        return set;
    }
}
