using Microsoft.EntityFrameworkCore;
using Pamoja.Core.Groups;
using Pamoja.Web.Data;
using Pamoja.Web.Features.Audit;
using Pamoja.Web.Features.Groups;

namespace Pamoja.Web.Features.Members;

public enum StatusChange { Approve, Reject, Suspend, Reactivate, Remove, Leave }

public sealed record StatusChangeRequest(string? Reason);

/// Officials approve or reject join requests, suspend, reactivate and remove members; a member
/// may leave. Officials' own memberships are the chair's to change (a treasurer cannot suspend
/// the chair), and the last active chair can neither be suspended nor leave.
public sealed class ChangeMemberStatus(AppDbContext db, TimeProvider clock)
{
    public const int MaxReason = 500;

    public async Task<MemberOutcome> HandleAsync(GroupContext caller, Guid memberId, StatusChange change, string? reason, CancellationToken ct = default)
    {
        var errors = new Http.FieldErrors();
        reason = errors.Text("reason", reason, MaxReason, required: false, multiline: true);
        if (errors.Any)
            return new MemberOutcome.Invalid(errors);

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var group = await MemberRules.LockGroupAsync(db, caller.GroupId, ct);
        var needed = change == StatusChange.Leave ? Permission.ViewGroup : Permission.ManageMembers;
        if (!await MemberRules.StillAllowedAsync(db, caller, needed, ct))
            return new MemberOutcome.Forbidden(MemberRules.ChangedMeanwhile);
        var member = await db.Members.SingleOrDefaultAsync(m => m.Id == memberId && m.GroupId == caller.GroupId, ct);
        if (member is null)
            return new MemberOutcome.NotFound();
        if (change == StatusChange.Leave && member.Id != caller.MemberId)
            return new MemberOutcome.Forbidden("You can only leave for yourself.");
        if (change != StatusChange.Leave && RolePermissions.IsOfficial(member.Role) && member.Id != caller.MemberId &&
            !await MemberRules.StillAllowedAsync(db, caller, Permission.ChangeRoles, ct))
            return new MemberOutcome.Forbidden("Only the chair can change the status of another official.");

        var target = change switch
        {
            StatusChange.Approve or StatusChange.Reactivate => MemberStatus.Active,
            StatusChange.Suspend => MemberStatus.Suspended,
            _ => MemberStatus.Exited,
        };
        var allowed = change switch
        {
            StatusChange.Approve or StatusChange.Reject => member.Status == MemberStatus.Pending,
            StatusChange.Reactivate => member.Status == MemberStatus.Suspended,
            _ => RolePermissions.CanMove(member.Status, target),
        };
        if (!allowed)
            return new MemberOutcome.Conflict($"A member who is {Api.Name(member.Status)} cannot be {Past(change)}.");
        if (target != MemberStatus.Active && await MemberRules.IsLastChairAsync(db, member, ct))
            return new MemberOutcome.Refused(MemberRules.LastChair);
        if (change == StatusChange.Approve && await MemberRules.OccupiedAsync(db, group.Id, ct) >= group.MaxMembers)
            return new MemberOutcome.Refused($"The group is full ({group.MaxMembers} members). Raise the member limit in the settings first.");

        if (target == MemberStatus.Exited && member.Status != MemberStatus.Pending &&
            await Schedules.RotationExit.ApplyAsync(db, group.Id, member.Id, ct) is { } owes)
            return new MemberOutcome.Refused(owes);

        var before = member.Snapshot();
        member.Status = target;
        if (change == StatusChange.Approve) member.JoinedOn = clock.Today(group.TimeZone);
        member.UpdatedAt = clock.GetUtcNow();
        member.Revision++;
        if (target == MemberStatus.Exited)
        {
            // Open invitations die with the membership.
            await db.Invitations.Where(i => i.MemberId == member.Id && i.UsedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(i => i.UsedAt, clock.GetUtcNow()), ct);
        }
        AuditTrail.Record(db, clock, group.Id, caller.UserId, "member." + Past(change), "member", member.Id, before,
            reason is null ? member.Snapshot() : new { member = member.Snapshot(), reason });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return new MemberOutcome.Done(member);
    }

    private static string Past(StatusChange change) => change switch
    {
        StatusChange.Approve => "approved",
        StatusChange.Reject => "rejected",
        StatusChange.Suspend => "suspended",
        StatusChange.Reactivate => "reactivated",
        StatusChange.Remove => "removed",
        _ => "left",
    };
}
