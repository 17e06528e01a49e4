using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using Pamoja.Web.Http;

namespace Pamoja.Web.Features.Members;

/// Every member add sends an SMS, in the group's name, to a number the official typed. So one
/// group adds at most RateLimits:MemberAddsPerGroupPerHour members an hour, and one phone gets
/// at most RateLimits:InvitationsPerPhonePerDay invitations a day from all groups together: a
/// group cannot be used to spam people, and creating groups does not buy more. Counted per app
/// instance, in memory, like AuthThrottle.
public sealed class MemberAddLimits : IDisposable
{
    private readonly PartitionedRateLimiter<string> _byGroup, _byPhone;

    public MemberAddLimits(IOptions<RateLimitOptions> options)
    {
        _byGroup = AuthThrottle.Create(options.Value.MemberAddsPerGroupPerHour, TimeSpan.FromHours(1));
        _byPhone = AuthThrottle.Create(options.Value.InvitationsPerPhonePerDay, TimeSpan.FromDays(1));
    }

    /// Null when this invitation may go out; otherwise how long to wait. phone is E.164.
    public TimeSpan? TryAcquire(Guid groupId, string phone) =>
        AuthThrottle.Denied(_byGroup, groupId.ToString("N")) ?? AuthThrottle.Denied(_byPhone, phone);

    public void Dispose()
    {
        _byGroup.Dispose();
        _byPhone.Dispose();
    }
}
