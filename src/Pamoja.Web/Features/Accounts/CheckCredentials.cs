using Microsoft.AspNetCore.Identity;

namespace Pamoja.Web.Features.Accounts;

public abstract record CredentialOutcome
{
    public sealed record Valid(AppUser User) : CredentialOutcome;
    public sealed record Invalid : CredentialOutcome;
    public sealed record LockedOut(TimeSpan RetryAfter) : CredentialOutcome;
    public sealed record TwoFactorRequired : CredentialOutcome;
}

/// Checks a login, password and (when 2FA is on) TOTP code for the API's token endpoint.
/// Failures count towards lockout, whether the password or the code was wrong.
public sealed class CheckCredentials(UserManager<AppUser> users, SignInManager<AppUser> signIn, AccountLookup lookup, TimeProvider clock)
{
    // Verifying against a fixed hash when the login is unknown keeps the response time the
    // same as for a wrong password, so timing does not tell which phone numbers have accounts.
    private static readonly Lazy<string> DummyHash = new(() => new PasswordHasher<AppUser>().HashPassword(new AppUser(), "not-a-real-password-ever"));

    public async Task<CredentialOutcome> HandleAsync(string login, string password, string? code)
    {
        var user = await lookup.FindByLoginAsync(login);
        if (user is null)
        {
            users.PasswordHasher.VerifyHashedPassword(new AppUser(), DummyHash.Value, password);
            return new CredentialOutcome.Invalid();
        }

        if (await users.IsLockedOutAsync(user))
            return Locked(user);

        var result = await signIn.CheckPasswordSignInAsync(user, password, lockoutOnFailure: true);
        if (result.IsLockedOut)
            return Locked(user);
        if (!result.Succeeded)
            return new CredentialOutcome.Invalid();

        if (await users.GetTwoFactorEnabledAsync(user))
        {
            if (string.IsNullOrWhiteSpace(code))
                return new CredentialOutcome.TwoFactorRequired();
            if (!await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, TwoFactor.NormalizeCode(code)))
            {
                await users.AccessFailedAsync(user);
                return await users.IsLockedOutAsync(user) ? Locked(user) : new CredentialOutcome.Invalid();
            }
            await users.ResetAccessFailedCountAsync(user);
        }
        return new CredentialOutcome.Valid(user);
    }

    private CredentialOutcome Locked(AppUser user)
    {
        var wait = (user.LockoutEnd ?? clock.GetUtcNow()) - clock.GetUtcNow();
        return new CredentialOutcome.LockedOut(wait < TimeSpan.Zero ? TimeSpan.Zero : wait);
    }
}
