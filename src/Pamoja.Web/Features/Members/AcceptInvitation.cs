using Microsoft.EntityFrameworkCore;
using Pamoja.Core.Groups;
using Pamoja.Web.Data;
using Pamoja.Web.Features.Accounts;
using Pamoja.Web.Features.Audit;
using Pamoja.Web.Features.Groups;
using Pamoja.Web.Http;

namespace Pamoja.Web.Features.Members;

public sealed record AcceptInvitationRequest(string? Token, string? FullName, string? Password);

/// An open invitation, as its link shows it.
public sealed record InvitationView(Guid InvitationId, Guid GroupId, string GroupName, string GroupKind, string Phone, string? FullName, bool AccountExists);

public abstract record AcceptOutcome
{
    public sealed record Accepted(AppUser User, Guid GroupId, Guid MemberId) : AcceptOutcome;
    public sealed record InvalidLink : AcceptOutcome;
    public sealed record Invalid(FieldErrors Errors) : AcceptOutcome;
    public sealed record SignInFirst(string Phone) : AcceptOutcome;
    public sealed record WrongAccount : AcceptOutcome;
}

/// Accepting an invitation: someone new chooses a password (the account is created with the
/// invited phone number); someone who already has an account signs in as that number. Only
/// then is the member linked to the account and shown with its name. The invitation is
/// consumed by a conditional update in the same transaction that activates the member (and
/// creates the account), so a link works once.
public sealed class AcceptInvitation(AppDbContext db, TimeProvider clock, InvitationLinks links, RegisterAccount register)
{
    public async Task<InvitationView?> FindAsync(string? token, CancellationToken ct = default)
    {
        if (links.Read(token) is not { } id)
            return null;
        var now = clock.GetUtcNow();
        var row = await (from i in db.Invitations.AsNoTracking()
                         join m in db.Members on i.MemberId equals m.Id
                         join g in db.Groups on i.GroupId equals g.Id
                         where i.Id == id && i.UsedAt == null && i.ExpiresAt > now && m.Status == MemberStatus.Invited
                         select new { i.Id, g.Name, g.Kind, GroupId = g.Id, m.Phone, m.FullName }).SingleOrDefaultAsync(ct);
        if (row is null)
            return null;
        var exists = await db.Users.AnyAsync(u => u.UserName == row.Phone, ct);
        return new InvitationView(row.Id, row.GroupId, row.Name, Api.Name(row.Kind), row.Phone, row.FullName.Length > 0 ? row.FullName : null, exists);
    }

    /// signedIn: the caller's account when signed in, else null.
    public async Task<AcceptOutcome> HandleAsync(AcceptInvitationRequest request, AppUser? signedIn, CancellationToken ct = default)
    {
        if (await FindAsync(request.Token, ct) is not { } invitation)
            return new AcceptOutcome.InvalidLink();

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        AppUser user;
        if (invitation.AccountExists)
        {
            if (signedIn is null) return new AcceptOutcome.SignInFirst(invitation.Phone);
            if (signedIn.UserName != invitation.Phone) return new AcceptOutcome.WrongAccount();
            user = signedIn;
        }
        else
        {
            if (signedIn is not null && signedIn.UserName != invitation.Phone) return new AcceptOutcome.WrongAccount();
            var outcome = await register.HandleAsync(new RegisterRequest(invitation.Phone, request.FullName ?? invitation.FullName, request.Password, null));
            switch (outcome)
            {
                case RegisterOutcome.Created created: user = created.User; break;
                case RegisterOutcome.Invalid invalid: return new AcceptOutcome.Invalid(invalid.Errors);
                default: return new AcceptOutcome.InvalidLink(); // the phone registered a moment ago: start again signed in
            }
        }

        var now = clock.GetUtcNow();
        var consumed = await db.Invitations.Where(i => i.Id == invitation.InvitationId && i.UsedAt == null && i.ExpiresAt > now)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.UsedAt, now), ct);
        if (consumed != 1)
            return new AcceptOutcome.InvalidLink(); // the transaction rolls back, account included

        var group = await MemberRules.LockGroupAsync(db, invitation.GroupId, ct);
        var member = await db.Members.SingleAsync(m => m.GroupId == invitation.GroupId && m.Phone == invitation.Phone, ct);
        if (member.Status != MemberStatus.Invited)
            return new AcceptOutcome.InvalidLink();
        // The link went to this phone by SMS: whoever opened it has the phone (docs/decisions/0003).
        user.PhoneNumberConfirmed = true;
        var before = member.Snapshot();
        member.UserId = user.Id;
        member.FullName = user.FullName;
        member.Status = MemberStatus.Active;
        member.JoinedOn = clock.Today(group.TimeZone);
        member.UpdatedAt = now;
        member.Revision++;
        AuditTrail.Record(db, clock, group.Id, user.Id, "member.invitation_accepted", "member", member.Id, before, member.Snapshot());
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return new AcceptOutcome.Accepted(user, group.Id, member.Id);
    }
}
