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

/// An official adds a member by phone. Whether or not the phone has a Pamoja account, the
/// member is `invited` and gets the same SMS with a signed, single-use link: someone new accepts
/// by choosing a password, someone with an account by signing in. Nobody is put in a group
/// without saying yes, and the answer and the SMS do not tell the official who has an account
/// or what its name is (the member shows with the name the official typed until they accept).
/// Limits, the invitation and the SMS commit in one transaction with the change.
public sealed class AddMember(AppDbContext db, TimeProvider clock, InvitationLinks links, IOptions<MemberOptions> options,
    OutboxSignal outbox, MemberAddLimits limits)
{
    public async Task<MemberOutcome> HandleAsync(GroupContext caller, AddMemberRequest request, CancellationToken ct = default)
    {
        var errors = new FieldErrors();
        var rawPhone = errors.Text("phone", request.Phone, PhoneNumber.MaxInputLength);
        PhoneNumber phone = default;
        if (rawPhone is not null && !PhoneNumber.TryParse(rawPhone, out phone))
            errors.Add("phone", "Phone number must be in international form, e.g. +254712345678.");
        var fullName = errors.Text("fullName", request.FullName, 100, required: false);
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
        // Counted only for adds that would send an invitation; refused ones above cost nothing.
        if (limits.TryAcquire(group.Id, phone.Value) is { } wait)
            return new MemberOutcome.TooMany(wait);

        var now = clock.GetUtcNow();
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
        member.UserId = null; // linked when they accept, signed in as the account of this phone
        member.FullName = fullName ?? "";
        member.Role = role;
        member.Status = MemberStatus.Invited;
        member.JoinedOn = null;
        member.Position = null;
        member.UpdatedAt = now;

        var invitation = new GroupInvitation
        {
            Id = Guid.CreateVersion7(now), GroupId = group.Id, MemberId = member.Id, CreatedBy = caller.UserId,
            CreatedAt = now, ExpiresAt = now + options.Value.InvitationLifetime,
        };
        db.Invitations.Add(invitation);
        // One text for everyone: whether the phone has an account shows only on the link's page.
        var values = new Dictionary<string, string>
        {
            ["group"] = group.Name,
            ["link"] = links.Link(invitation.Id),
            ["days"] = Math.Max(1, (int)options.Value.InvitationLifetime.TotalDays).ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        // Urgent: an invitation answers what an official just did, often with the invitee at the meeting.
        db.Outbox.Add(OutboxMessage.Notice(phone.Value, "member-invited", values, now, sensitive: true, urgent: true));
        AuditTrail.Record(db, clock, group.Id, caller.UserId, "member.invited", "member", member.Id, before, member.Snapshot());
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        outbox.Notify();
        return new MemberOutcome.Done(member);
    }
}
