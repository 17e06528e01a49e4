using Microsoft.EntityFrameworkCore;
using Pamoja.Core.Groups;
using Pamoja.Web.Data;
using Pamoja.Web.Features.Accounts;
using Pamoja.Web.Features.Audit;
using Pamoja.Web.Features.Groups;

namespace Pamoja.Web.Features.Members;

public sealed record JoinRequest(string? Code);

public abstract record JoinOutcome
{
    public sealed record Requested(Guid GroupId, string GroupName, GroupMember Member) : JoinOutcome;
    public sealed record UnknownCode : JoinOutcome;
    public sealed record Conflict(string Detail) : JoinOutcome;
    public sealed record Refused(string Detail) : JoinOutcome;
}

/// Someone with an account asks to join with the group's invite code (or link); they wait as
/// `pending` until an official approves. Pending requests are capped at the member limit so a
/// leaked code cannot flood a group.
public sealed class JoinGroup(AppDbContext db, TimeProvider clock)
{
    public async Task<JoinOutcome> HandleAsync(AppUser user, string code, CancellationToken ct = default)
    {
        var normalized = code.Trim().ToUpperInvariant();
        if (normalized.Length is < 4 or > 16 || !normalized.All(char.IsAsciiLetterOrDigit))
            return new JoinOutcome.UnknownCode(); // no code has anything else, so no query for it

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var group = await db.Groups.FromSql($"SELECT * FROM groups WHERE invite_code = {normalized} FOR UPDATE").SingleOrDefaultAsync(ct);
        if (group is null)
            return new JoinOutcome.UnknownCode();

        var phone = user.PhoneNumber ?? user.UserName!;
        var member = await db.Members.SingleOrDefaultAsync(m => m.GroupId == group.Id && (m.UserId == user.Id || m.Phone == phone), ct);
        switch (member?.Status)
        {
            case MemberStatus.Pending:
                return new JoinOutcome.Requested(group.Id, group.Name, member); // asking twice changes nothing
            case MemberStatus.Active:
                return new JoinOutcome.Conflict("You are already a member of this group.");
            case MemberStatus.Invited:
                return new JoinOutcome.Conflict("You have an invitation to this group: open the link in your SMS to accept it.");
            case MemberStatus.Suspended:
                return new JoinOutcome.Refused("Your membership of this group is suspended. Speak to its officials.");
        }
        if (await db.Members.CountAsync(m => m.GroupId == group.Id && m.Status == MemberStatus.Pending, ct) >= group.MaxMembers)
            return new JoinOutcome.Refused("This group has too many requests waiting. Try again after its officials have answered them.");

        var now = clock.GetUtcNow();
        var before = member?.Snapshot();
        if (member is null)
        {
            member = new GroupMember { Id = Guid.CreateVersion7(now), GroupId = group.Id, Phone = phone, CreatedAt = now, Revision = 1 };
            db.Members.Add(member);
        }
        else
        {
            member.Revision++;
        }
        member.UserId = user.Id;
        member.FullName = user.FullName;
        member.Role = GroupRole.Member;
        member.Status = MemberStatus.Pending;
        member.JoinedOn = null;
        member.Position = null;
        member.UpdatedAt = now;
        AuditTrail.Record(db, clock, group.Id, user.Id, "member.join_requested", "member", member.Id, before, member.Snapshot());
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return new JoinOutcome.Requested(group.Id, group.Name, member);
    }
}
