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
        var label = UrlEncoder.Default.Encode($"{Issuer}:{user.UserName}");
        var uri = $"otpauth://totp/{label}?secret={key}&issuer={UrlEncoder.Default.Encode(Issuer)}&digits=6&period=30";
        return new TwoFactorSetup(FormatKey(key), uri);
    }

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
