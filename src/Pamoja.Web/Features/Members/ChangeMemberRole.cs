using Microsoft.EntityFrameworkCore;
using Pamoja.Core.Groups;
using Pamoja.Web.Data;
using Pamoja.Web.Features.Audit;
using Pamoja.Web.Features.Groups;
using Pamoja.Web.Http;

namespace Pamoja.Web.Features.Members;

public sealed record ChangeRoleRequest(string? Role);

/// The chair gives a member a role. The last active chair cannot step down until another
/// member is chair: a group must never be left without someone who can run it.
public sealed class ChangeMemberRole(AppDbContext db, TimeProvider clock)
{
    public async Task<MemberOutcome> HandleAsync(GroupContext caller, Guid memberId, ChangeRoleRequest request, CancellationToken ct = default)
    {
        if (!Api.TryParse(request.Role, out GroupRole role))
            return new MemberOutcome.Invalid(new FieldErrors().Add("role", $"Role must be one of {Api.Names<GroupRole>()}."));

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await MemberRules.LockGroupAsync(db, caller.GroupId, ct);
        if (!await MemberRules.StillAllowedAsync(db, caller, Permission.ChangeRoles, ct))
            return new MemberOutcome.Forbidden(MemberRules.ChangedMeanwhile);
        var member = await db.Members.SingleOrDefaultAsync(m => m.Id == memberId && m.GroupId == caller.GroupId, ct);
        if (member is null)
            return new MemberOutcome.NotFound();
        if (member.Status is MemberStatus.Exited or MemberStatus.Pending)
            return new MemberOutcome.Conflict($"A member who is {Api.Name(member.Status)} has no role to change.");
        if (member.Role == role)
            return new MemberOutcome.Done(member);
        if (role != GroupRole.Chair && await MemberRules.IsLastChairAsync(db, member, ct))
            return new MemberOutcome.Refused(MemberRules.LastChair);

        var before = member.Snapshot();
        member.Role = role;
        member.UpdatedAt = clock.GetUtcNow();
        member.Revision++;
        AuditTrail.Record(db, clock, caller.GroupId, caller.UserId, "member.role_changed", "member", member.Id, before, member.Snapshot());
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return new MemberOutcome.Done(member);
    }
}
