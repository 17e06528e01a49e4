using System.Net;
using System.Net.Sockets;
using System.Threading.RateLimiting;
using Pamoja.Core.Phones;

namespace Pamoja.Web.Http;

public sealed class RateLimitOptions
{
    public int SignInPerIpPerMinute { get; set; } = 20;
    public int SignInPerLoginPerMinute { get; set; } = 10;
    public int ResetPerIpPerHour { get; set; } = 10;
    public int ResetPerLoginPerHour { get; set; } = 3;
    public int RegisterPerIpPerHour { get; set; } = 30;

    /// Members added to one group (each add sends an SMS in the group's name).
    public int MemberAddsPerGroupPerHour { get; set; } = 30;

    /// Invitations to one phone number, from all groups together.
    public int InvitationsPerPhonePerDay { get; set; } = 3;
}

public enum AuthAction { SignIn, PasswordReset, Register }

/// Rate limits on the doors attackers knock on: per client IP (spraying many accounts) and per
/// login (guessing one account's password or reset code). The login is only known once the
/// body is read, so pages and endpoints ask here explicitly instead of through middleware.
/// Limits are per app instance (in memory); see docs/operations.md for what that means at scale.
public sealed class AuthThrottle : IDisposable
{
    private readonly PartitionedRateLimiter<string> _signInByIp, _signInByLogin, _resetByIp, _resetByLogin, _registerByIp;

    public AuthThrottle(Microsoft.Extensions.Options.IOptions<RateLimitOptions> options)
    {
        var o = options.Value;
        _signInByIp = Create(o.SignInPerIpPerMinute, TimeSpan.FromMinutes(1));
        _signInByLogin = Create(o.SignInPerLoginPerMinute, TimeSpan.FromMinutes(1));
        _resetByIp = Create(o.ResetPerIpPerHour, TimeSpan.FromHours(1));
        _resetByLogin = Create(o.ResetPerLoginPerHour, TimeSpan.FromHours(1));
        _registerByIp = Create(o.RegisterPerIpPerHour, TimeSpan.FromHours(1));
    }

    /// Null when the attempt may go ahead; otherwise how long the caller should wait.
    public TimeSpan? TryAcquire(AuthAction action, HttpContext context, string? login)
    {
        var (byIp, byLogin) = action switch
        {
            AuthAction.SignIn => (_signInByIp, _signInByLogin),
            AuthAction.PasswordReset => (_resetByIp, _resetByLogin),
            _ => (_registerByIp, null), // sign-up floods come from one place; there is no login yet
        };
        if (Denied(byIp, ClientKey(context.Connection.RemoteIpAddress)) is { } wait)
            return wait;
        if (byLogin is not null && !string.IsNullOrWhiteSpace(login) && Denied(byLogin, LoginKey(login)) is { } waitLogin)
            return waitLogin;
        return null;
    }

    /// One account, one allowance: a phone number counts as its E.164 form however it was typed
    /// ("+254 700…", "00254700…", "+254-700…" are one login), anything else (an email, a
    /// "join:…" key) trimmed and in lowercase. Otherwise each spelling would get its own attempts.
    public static string LoginKey(string login)
    {
        var trimmed = login.Trim();
        if (PhoneNumber.TryParse(trimmed, out var phone))
            return phone.Value;
        var key = trimmed.ToLowerInvariant();
        return key.Length > 256 ? key[..256] : key;
    }

    /// One client, one allowance: an IPv4 address as itself (also when it arrives IPv6-mapped);
    /// an IPv6 address by its /64, because a single subscriber or server gets a whole /64 and
    /// could otherwise take a fresh address for every attempt.
    public static string ClientKey(IPAddress? ip)
    {
        if (ip is null)
            return "unknown";
        if (ip.IsIPv4MappedToIPv6)
            ip = ip.MapToIPv4();
        if (ip.AddressFamily != AddressFamily.InterNetworkV6)
            return ip.ToString();
        Span<byte> bytes = stackalloc byte[16];
        ip.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return new IPAddress(bytes) + "/64";
    }

    public static IResult TooManyRequests(HttpContext context, TimeSpan retryAfter)
    {
        SetRetryAfter(context, retryAfter);
        return ApiProblems.Status(StatusCodes.Status429TooManyRequests, "Too many requests",
            $"Too many attempts. Try again in {Seconds(retryAfter)} seconds.");
    }

    public static void SetRetryAfter(HttpContext context, TimeSpan retryAfter) =>
        context.Response.Headers.RetryAfter = Seconds(retryAfter).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static int Seconds(TimeSpan t) => Math.Max(1, (int)Math.Ceiling(t.TotalSeconds));

    internal static TimeSpan? Denied(PartitionedRateLimiter<string> limiter, string key)
    {
        using var lease = limiter.AttemptAcquire(key);
        if (lease.IsAcquired) return null;
        return lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromMinutes(1);
    }

    internal static PartitionedRateLimiter<string> Create(int permits, TimeSpan window) =>
        PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetFixedWindowLimiter(key, _ =>
            new FixedWindowRateLimiterOptions { PermitLimit = Math.Max(1, permits), Window = window, QueueLimit = 0, AutoReplenishment = true }));

    public void Dispose()
    {
        _signInByIp.Dispose();
        _signInByLogin.Dispose();
        _resetByIp.Dispose();
        _resetByLogin.Dispose();
        _registerByIp.Dispose();
    }
}
