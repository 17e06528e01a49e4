using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Pamoja.Core.Groups;
using Pamoja.Core.Phones;
using Pamoja.Web.Data;
using Pamoja.Web.Features.Audit;
using Pamoja.Web.Features.Groups;
using Pamoja.Web.Features.Notifications;
using Pamoja.Web.Http;

namespace Pamoja.Web.Features.Members;

public sealed record AddMemberRequest(string? Phone, string? FullName, string? Role);

/// An official adds a member by phone. Someone with a Pamoja account joins at once and is told
/// by SMS; someone without one is `invited` and gets a signed, single-use link to accept and
/// set a password. Limits and the notice commit in one transaction with the change.
public sealed class AddMember(AppDbContext db, TimeProvider clock, InvitationLinks links, IOptions<MemberOptions> options,
    OutboxSignal outbox, PublicUrls urls)
{
    public async Task<MemberOutcome> HandleAsync(GroupContext caller, AddMemberRequest request, CancellationToken ct = default)
    {
        var errors = new FieldErrors();
        var rawPhone = errors.Text("phone", request.Phone, PhoneNumber.MaxInputLength);
        PhoneNumber phone = default;
        if (rawPhone is not null && !PhoneNumber.TryParse(rawPhone, out phone))
            errors.Add("phone", "Phone number must be in international form, e.g. +254712345678.");
        var fullName = errors.Text("fullName", request.FullName, 100, required: false);
        if (fullName is not null && fullName.Any(char.IsControl)) errors.Add("fullName", "Full name must not contain control characters.");
        var role = GroupRole.Member;
        if (request.Role is not null && !Api.TryParse(request.Role, out role))
            errors.Add("role", $"Role must be one of {Api.Names<GroupRole>()}.");
        if (errors.Any)
            return new MemberOutcome.Invalid(errors);
        if (role != GroupRole.Member && !caller.Can(Permission.ChangeRoles))
            return new MemberOutcome.Forbidden("Only the chair can add officials. Add them as a member; the chair can change the role.");

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var group = await MemberRules.LockGroupAsync(db, caller.GroupId, ct);
        if (!await MemberRules.StillAllowedAsync(db, caller, role == GroupRole.Member ? Permission.ManageMembers : Permission.ChangeRoles, ct))
            return new MemberOutcome.Forbidden(MemberRules.ChangedMeanwhile);
        var member = await db.Members.SingleOrDefaultAsync(m => m.GroupId == group.Id && m.Phone == phone.Value, ct);
        if (member is not null && member.Status != MemberStatus.Exited)
            return new MemberOutcome.Conflict($"{phone.Value} is already in this group ({Api.Name(member.Status)}).");
        if (await MemberRules.OccupiedAsync(db, group.Id, ct) >= group.MaxMembers)
            return new MemberOutcome.Refused($"The group is full ({group.MaxMembers} members). Raise the member limit in the settings first.");

        var now = clock.GetUtcNow();
        var account = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.UserName == phone.Value, ct);
        var before = member?.Snapshot();
        if (member is null)
        {
            member = new GroupMember { Id = Guid.CreateVersion7(now), GroupId = group.Id, Phone = phone.Value, CreatedAt = now, Revision = 1 };
            db.Members.Add(member);
        }
        else
        {
            member.Revision++; // a former member comes back: the same row, a new chapter in the audit log
        }
        member.UserId = account?.Id;
        member.FullName = account?.FullName ?? fullName ?? "";
        member.Role = role;
        member.Status = account is null ? MemberStatus.Invited : MemberStatus.Active;
        member.JoinedOn = account is null ? null : clock.Today(group.TimeZone);
        member.Position = null;
        member.UpdatedAt = now;

        string body;
        if (account is null)
        {
            var invitation = new GroupInvitation
            {
                Id = Guid.CreateVersion7(now), GroupId = group.Id, MemberId = member.Id, CreatedBy = caller.UserId,
                CreatedAt = now, ExpiresAt = now + options.Value.InvitationLifetime,
            };
            db.Invitations.Add(invitation);
            body = $"Pamoja: you are invited to join {group.Name}. Accept and choose a password here: {links.Link(invitation.Id)} " +
                   $"(valid {Math.Max(1, (int)options.Value.InvitationLifetime.TotalDays)} days).";
        }
        else
        {
            body = $"Pamoja: you were added to {group.Name}. See it at {urls.Absolute($"/groups/{group.Id}")} .";
        }
        db.Outbox.Add(OutboxMessage.Sms(phone.Value, account is null ? "member-invited" : "member-added", body, now, sensitive: account is null));
        AuditTrail.Record(db, clock, group.Id, caller.UserId, account is null ? "member.invited" : "member.added", "member", member.Id, before, member.Snapshot());
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        outbox.Notify();
        return new MemberOutcome.Done(member);
    }
}
