using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Pamoja.Core.Groups;
using Pamoja.Web.Data;
using Pamoja.Web.Features.Accounts;
using Pamoja.Web.Features.Audit;
using Pamoja.Web.Features.Members;
using Pamoja.Web.Http;

namespace Pamoja.Web.Features.Groups;

public abstract record CreateGroupOutcome
{
    public sealed record Created(Guid GroupId) : CreateGroupOutcome;
    public sealed record Invalid(FieldErrors Errors) : CreateGroupOutcome;
}

/// Creates a group of any kind; the creator becomes its chair. One transaction: the group, its
/// first rules version, the chair's membership and the audit entry.
public sealed class CreateGroup(AppDbContext db, TimeProvider clock)
{
    public async Task<CreateGroupOutcome> HandleAsync(GroupSettingsInput input, AppUser creator, CancellationToken ct = default)
    {
        var errors = new FieldErrors();
        if (input.Revision is not null) errors.Add("revision", "A new group has no revision.");
        if (input.Validate(errors, clock) is not { } settings || errors.Any)
            return new CreateGroupOutcome.Invalid(errors);

        var now = clock.GetUtcNow();
        var group = new Group
        {
            Id = Guid.CreateVersion7(now),
            Name = settings.Name,
            Kind = settings.Kind,
            Currency = settings.Currency.Code,
            TimeZone = settings.TimeZone,
            StartsOn = settings.StartsOn,
            MaxMembers = settings.MaxMembers,
            RulesText = settings.RulesText,
            MeetingDay = settings.MeetingDay,
            MeetingTime = settings.MeetingTime,
            MeetingLocation = settings.MeetingLocation,
            InviteCode = NewInviteCode(),
            CreatedBy = creator.Id,
            CreatedAt = now,
            UpdatedAt = now,
            Revision = 1,
        };
        var chair = new GroupMember
        {
            Id = Guid.CreateVersion7(now),
            GroupId = group.Id,
            UserId = creator.Id,
            Phone = creator.PhoneNumber ?? creator.UserName!,
            FullName = creator.FullName,
            Role = GroupRole.Chair,
            Status = MemberStatus.Active,
            JoinedOn = clock.Today(group.TimeZone),
            CreatedAt = now,
            UpdatedAt = now,
            Revision = 1,
        };
        db.Groups.Add(group);
        db.GroupRules.Add(GroupRulesVersion.From(group.Id, 1, group.StartsOn, settings.Rules, creator.Id, now));
        db.Members.Add(chair);
        AuditTrail.Record(db, clock, group.Id, creator.Id, "group.created", "group", group.Id, null, Snapshot(group, settings.Rules));
        AuditTrail.Record(db, clock, group.Id, creator.Id, "member.added", "member", chair.Id, null, chair.Snapshot());
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await db.SaveChangesAsync(ct);
                // A lottery group's first commitment is public from the day it is created, long
                // before the draw. (Should this fail, the first draw publishes one and asks to wait.)
                if (settings.Rules.RotationOrder == RotationOrder.Lottery)
                    await Schedules.LotteryCommitments.EnsureAsync(db, group.Id, now, ct);
                return new CreateGroupOutcome.Created(group.Id);
            }
            catch (DbUpdateException ex) when (attempt < 3 && ex.InnerException is Npgsql.PostgresException { SqlState: "23505", ConstraintName: "groups_invite_code_key" })
            {
                group.InviteCode = NewInviteCode(); // one in 10^11: try another code
            }
        }
    }

    // 8 characters without look-alikes: about 39 bits, and joining by code is rate-limited.
    public static string NewInviteCode() => RandomNumberGenerator.GetString("ABCDEFGHJKMNPQRSTVWXYZ23456789", 8);

    public static object Snapshot(Group g, GroupRules rules) => new
    {
        name = g.Name, kind = Api.Name(g.Kind), currency = g.Currency, timeZone = g.TimeZone, startsOn = g.StartsOn,
        maxMembers = g.MaxMembers, rules = g.RulesText, meeting = new { day = g.MeetingDay, time = g.MeetingTime, location = g.MeetingLocation },
        money = RulesSnapshot(rules),
    };

    public static object RulesSnapshot(GroupRules r) => new
    {
        contribution = new { amount = r.ContributionAmount, frequency = Api.Name(r.Frequency), everyDays = r.EveryDays },
        registrationFee = r.RegistrationFee,
        lateFine = new { amount = r.LateFine.Amount, basisPoints = r.LateFine.BasisPoints, graceDays = r.LateFine.GraceDays },
        rotation = new { order = r.RotationOrder is { } o ? Api.Name(o) : null, pot = r.Pot is { } p ? Api.Name(p) : null },
        shares = new { min = r.SharesMin, max = r.SharesMax },
    };
}
