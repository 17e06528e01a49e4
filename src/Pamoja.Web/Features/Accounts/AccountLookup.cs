using Microsoft.AspNetCore.Identity;
using Pamoja.Core.Phones;

namespace Pamoja.Web.Features.Accounts;

/// A login is a phone number (any spacing, normalised to E.164) or an email address.
public sealed class AccountLookup(UserManager<AppUser> users)
{
    public const int MaxLoginLength = 254;

    public async Task<AppUser?> FindByLoginAsync(string? login)
    {
        if (string.IsNullOrWhiteSpace(login) || login.Length > MaxLoginLength)
            return null;
        if (login.Contains('@'))
            return await users.FindByEmailAsync(login.Trim());
        return PhoneNumber.TryParse(login, out var phone) ? await users.FindByNameAsync(phone.Value) : null;
    }
}
