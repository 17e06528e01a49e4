namespace Pamoja.Web.Features.Accounts;

/// Section "Accounts". Every value has a safe default; see README § Configuration.
public sealed class AccountOptions
{
    /// Imbuto's rule: a reset code is useless three minutes after it was sent.
    public TimeSpan PasswordResetLifetime { get; set; } = TimeSpan.FromMinutes(3);

    /// Ajo's rule: a web session ends after 30 minutes without a request.
    public TimeSpan SessionIdleTimeout { get; set; } = TimeSpan.FromMinutes(30);

    public TimeSpan BearerTokenLifetime { get; set; } = TimeSpan.FromHours(1);
    public int LockoutThreshold { get; set; } = 5;
    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(15);
    public int MinimumPasswordLength { get; set; } = 10;
}
