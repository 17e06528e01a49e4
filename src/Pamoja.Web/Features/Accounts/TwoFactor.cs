using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Identity;

namespace Pamoja.Web.Features.Accounts;

public sealed record TwoFactorSetup(string SharedKey, string OtpauthUri);

public abstract record TwoFactorOutcome
{
    public sealed record Done : TwoFactorOutcome;
    public sealed record WrongCode : TwoFactorOutcome;

    /// Enable before setup, or disable while 2FA is off: nothing to check a code against.
    public sealed record NoSetup : TwoFactorOutcome;
    public sealed record LockedOut(TimeSpan RetryAfter) : TwoFactorOutcome;
}

/// TOTP two-factor with any authenticator app (RFC 6238, 30-second steps, 6 digits).
public sealed class TwoFactor(UserManager<AppUser> users, TimeProvider clock)
{
    public const string Issuer = "Pamoja";

    /// A new key each time until 2FA is enabled; null once it is on (turning it off comes first).
    public async Task<TwoFactorSetup?> SetupAsync(AppUser user)
    {
        if (await users.GetTwoFactorEnabledAsync(user))
            return null;
        await users.ResetAuthenticatorKeyAsync(user);
        var key = (await users.GetAuthenticatorKeyAsync(user))!;
        return new TwoFactorSetup(FormatKey(key), OtpauthUri(user.UserName!, key));
    }

    /// The key while setup is under way (a wrong code must not replace it); null once 2FA is on.
    public async Task<TwoFactorSetup?> PendingSetupAsync(AppUser user) =>
        !await users.GetTwoFactorEnabledAsync(user) && await users.GetAuthenticatorKeyAsync(user) is { Length: > 0 } key
            ? new TwoFactorSetup(FormatKey(key), OtpauthUri(user.UserName!, key))
            : null;

    /// The Key URI Format authenticator apps read (from a link or a QR code).
    public static string OtpauthUri(string userName, string key) =>
        $"otpauth://totp/{UrlEncoder.Default.Encode($"{Issuer}:{userName}")}?secret={key}&issuer={UrlEncoder.Default.Encode(Issuer)}&digits=6&period=30";

    /// The code as typed ("123 456", "123-456") as the authenticator computes it ("123456"). The
    /// one place this is done: the API, the pages and the token endpoint all read codes alike.
    public static string NormalizeCode(string? code) =>
        (code ?? "").Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);

    /// Turns 2FA on when the code matches the key from SetupAsync. A wrong code counts towards
    /// lockout like a wrong password: whoever holds a session must not get to try codes freely.
    public async Task<TwoFactorOutcome> EnableAsync(AppUser user, string code)
    {
        if (await users.IsLockedOutAsync(user))
            return Locked(user);
        if (await users.GetAuthenticatorKeyAsync(user) is null)
            return new TwoFactorOutcome.NoSetup();
        if (!await VerifyAsync(user, code))
            return await FailedAsync(user);
        await users.ResetAccessFailedCountAsync(user);
        await users.SetTwoFactorEnabledAsync(user, true);
        return new TwoFactorOutcome.Done();
    }

    /// Turns 2FA off (and forgets the key) when the code is right. Wrong codes count towards
    /// lockout: a stolen access token must not be enough to brute-force the second factor away.
    public async Task<TwoFactorOutcome> DisableAsync(AppUser user, string code)
    {
        if (!await users.GetTwoFactorEnabledAsync(user))
            return new TwoFactorOutcome.NoSetup();
        if (await users.IsLockedOutAsync(user))
            return Locked(user);
        if (!await VerifyAsync(user, code))
            return await FailedAsync(user);
        await users.ResetAccessFailedCountAsync(user);
        await users.SetTwoFactorEnabledAsync(user, false);
        await users.ResetAuthenticatorKeyAsync(user);
        return new TwoFactorOutcome.Done();
    }

    private async Task<bool> VerifyAsync(AppUser user, string code)
    {
        var normalized = NormalizeCode(code);
        return normalized.Length is >= 6 and <= 8 && normalized.All(char.IsAsciiDigit) &&
               await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, normalized);
    }

    private async Task<TwoFactorOutcome> FailedAsync(AppUser user)
    {
        await users.AccessFailedAsync(user);
        return await users.IsLockedOutAsync(user) ? Locked(user) : new TwoFactorOutcome.WrongCode();
    }

    private TwoFactorOutcome.LockedOut Locked(AppUser user)
    {
        var wait = (user.LockoutEnd ?? clock.GetUtcNow()) - clock.GetUtcNow();
        return new TwoFactorOutcome.LockedOut(wait < TimeSpan.Zero ? TimeSpan.Zero : wait);
    }

    /// The key in groups of four, as authenticator apps show it; spaces are ignored on entry.
    public static string FormatKey(string key) =>
        string.Join(' ', Enumerable.Range(0, (key.Length + 3) / 4).Select(i => key.Substring(i * 4, Math.Min(4, key.Length - i * 4)))).ToLowerInvariant();
}
