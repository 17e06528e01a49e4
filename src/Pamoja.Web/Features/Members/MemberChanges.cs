using Microsoft.EntityFrameworkCore;
using Pamoja.Core.Groups;
using Pamoja.Web.Data;
using Pamoja.Web.Features.Groups;

namespace Pamoja.Web.Features.Members;

public abstract record MemberOutcome
{
    public sealed record Done(GroupMember Member) : MemberOutcome;
    public sealed record NotFound : MemberOutcome;
    public sealed record Invalid(Http.FieldErrors Errors) : MemberOutcome;
    public sealed record Forbidden(string Detail) : MemberOutcome;
    public sealed record Conflict(string Detail) : MemberOutcome;
    public sealed record Refused(string Detail) : MemberOutcome;

    /// Over a rate limit (MemberAddLimits): try again after RetryAfter.
    public sealed record TooMany(TimeSpan RetryAfter) : MemberOutcome;
}

/// What every membership change shares: the group row locked for the transaction (so limits and
/// the last-chair rule hold under concurrency) and the counts those rules need.
internal static class MemberRules
{
    public static readonly MemberStatus[] Occupying = [MemberStatus.Active, MemberStatus.Suspended, MemberStatus.Invited];

    public static Task<Group> LockGroupAsync(AppDbContext db, Guid groupId, CancellationToken ct) =>
        db.Groups.FromSql($"SELECT * FROM groups WHERE id = {groupId} FOR UPDATE").SingleAsync(ct);

    public static Task<int> OccupiedAsync(AppDbContext db, Guid groupId, CancellationToken ct) =>
        db.Members.CountAsync(m => m.GroupId == groupId && Occupying.Contains(m.Status), ct);

    public static async Task<bool> IsLastChairAsync(AppDbContext db, GroupMember member, CancellationToken ct) =>
        member is { Role: GroupRole.Chair, Status: MemberStatus.Active } &&
        await db.Members.CountAsync(m => m.GroupId == member.GroupId && m.Role == GroupRole.Chair && m.Status == MemberStatus.Active, ct) == 1;

    /// The caller's role was checked before the group was locked; a chair demoted in between
    /// must not finish a chair-only action, so officials' actions check again under the lock.
    public static async Task<bool> StillAllowedAsync(AppDbContext db, GroupContext caller, Permission permission, CancellationToken ct)
    {
        var role = await db.Members.AsNoTracking()
            .Where(m => m.Id == caller.MemberId && m.GroupId == caller.GroupId && m.Status == MemberStatus.Active)
            .Select(m => (GroupRole?)m.Role).SingleOrDefaultAsync(ct);
        return role is { } r && RolePermissions.Allows(r, permission);
    }

    public const string ChangedMeanwhile = "Your role in this group changed a moment ago; reload and try again.";

    public const string LastChair = "A group always keeps at least one active chair. Make someone else chair first.";
}
