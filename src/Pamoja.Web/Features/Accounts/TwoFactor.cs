using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Identity;

namespace Pamoja.Web.Features.Accounts;

public sealed record TwoFactorSetup(string SharedKey, string OtpauthUri);

/// TOTP two-factor with any authenticator app (RFC 6238, 30-second steps, 6 digits).
public sealed class TwoFactor(UserManager<AppUser> users)
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

    /// True when the code matches the key from SetupAsync; then 2FA is on.
    public async Task<bool> EnableAsync(AppUser user, string code)
    {
        if (await users.GetAuthenticatorKeyAsync(user) is null)
            return false;
        var normalized = code.Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
        if (normalized.Length is < 6 or > 8 || !await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, normalized))
            return false;
        await users.SetTwoFactorEnabledAsync(user, true);
        return true;
    }

    public async Task<bool> DisableAsync(AppUser user, string code)
    {
        var normalized = code.Replace(" ", "", StringComparison.Ordinal);
        if (!await users.GetTwoFactorEnabledAsync(user) ||
            !await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, normalized))
            return false;
        await users.SetTwoFactorEnabledAsync(user, false);
        await users.ResetAuthenticatorKeyAsync(user);
        return true;
    }

    /// The key in groups of four, as authenticator apps show it; spaces are ignored on entry.
    public static string FormatKey(string key) =>
        string.Join(' ', Enumerable.Range(0, (key.Length + 3) / 4).Select(i => key.Substring(i * 4, Math.Min(4, key.Length - i * 4)))).ToLowerInvariant();
}
