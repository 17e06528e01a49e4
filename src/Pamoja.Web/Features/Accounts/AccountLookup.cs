using Microsoft.AspNetCore.Identity;
using Pamoja.Core.Phones;

namespace Pamoja.Web.Features.Accounts;

/// A login is a phone number (any spacing, normalised to E.164) or an email address.
public sealed class AccountLookup(UserManager<AppUser> users)
{
    public const int MaxLoginLength = 254;

    /// Null for unknown logins and for text no login can be: a control character (a NUL would
    /// reach PostgreSQL, which refuses it with an error rather than "not found").
    public async Task<AppUser?> FindByLoginAsync(string? login)
    {
        if (string.IsNullOrWhiteSpace(login) || login.Length > MaxLoginLength || !Http.FieldErrors.IsCleanText(login))
            return null;
        if (login.Contains('@'))
            return await users.FindByEmailAsync(login.Trim());
        return PhoneNumber.TryParse(login, out var phone) ? await users.FindByNameAsync(phone.Value) : null;
    }
}
