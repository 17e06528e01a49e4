using Microsoft.EntityFrameworkCore;
using Pamoja.Core.Groups;
using Pamoja.Core.Schedules;
using Pamoja.Web.Data;
using Pamoja.Web.Features.Audit;
using Pamoja.Web.Features.Members;
using Pamoja.Web.Http;

namespace Pamoja.Web.Features.Groups;

public abstract record ChangeSettingsOutcome
{
    public sealed record Changed(DateOnly? MoneyRulesEffectiveFrom) : ChangeSettingsOutcome;
    public sealed record Invalid(FieldErrors Errors) : ChangeSettingsOutcome;
    public sealed record Conflict(string Detail) : ChangeSettingsOutcome;
    public sealed record Refused(string Detail) : ChangeSettingsOutcome;
}

/// The chair changes a group's settings. Kind and currency never change. Money rules become a
/// new version: before any money has moved it applies from the start; after, only from the
/// next period, so nobody's current obligation changes under them. History is kept.
public sealed class ChangeGroupSettings(AppDbContext db, TimeProvider clock)
{
    public async Task<ChangeSettingsOutcome> HandleAsync(GroupContext caller, GroupSettingsInput input, CancellationToken ct = default)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // Serialises every change to this group's settings and membership.
        var group = await db.Groups.FromSql($"SELECT * FROM groups WHERE id = {caller.GroupId} FOR UPDATE").SingleAsync(ct);
        if (!await Members.MemberRules.StillAllowedAsync(db, caller, Permission.ChangeSettings, ct))
            return new ChangeSettingsOutcome.Refused(Members.MemberRules.ChangedMeanwhile);

        var errors = new FieldErrors();
        if (input.Kind is not null && input.Kind != Api.Name(group.Kind)) errors.Add("kind", "The kind of a group cannot change.");
        if (input.Currency is not null && input.Currency != group.Currency) errors.Add("currency", "The currency of a group cannot change.");
        var full = input with { Kind = Api.Name(group.Kind), Currency = group.Currency };
        var today = clock.Today(group.TimeZone);
        if (full.Validate(errors, clock) is not { } settings || errors.Any)
            return new ChangeSettingsOutcome.Invalid(errors);
        if (input.Revision is { } revision && revision != group.Revision)
            return new ChangeSettingsOutcome.Conflict($"The settings were changed by someone else (revision {group.Revision}); reload and try again.");

        var occupied = await db.Members.CountAsync(m => m.GroupId == group.Id &&
            (m.Status == MemberStatus.Active || m.Status == MemberStatus.Suspended || m.Status == MemberStatus.Invited), ct);
        if (settings.MaxMembers < occupied)
            return new ChangeSettingsOutcome.Refused($"The group has {occupied} members and invitations; the limit cannot go below that.");
        if (group.MoneyStartedOn is not null && (settings.StartsOn != group.StartsOn || settings.TimeZone != group.TimeZone))
            return new ChangeSettingsOutcome.Refused("Money has moved in this group: its start date and time zone are fixed.");

        var now = clock.GetUtcNow();
        var versions = await db.GroupRules.Where(r => r.GroupId == group.Id).OrderBy(r => r.Version).ToListAsync(ct);
        var latest = versions[^1];
        var before = CreateGroup.Snapshot(group, GroupQueries.RulesInForce(versions, GroupQueries.RulesDate(group, clock)).ToRules());
        DateOnly? effectiveFrom = null;
        if (latest.ToRules() != settings.Rules)
        {
            // Before money moves, the new rules replace the old from day one; after, the
            // group's calendar (across its earlier rule changes) says when the next period starts.
            effectiveFrom = group.MoneyStartedOn is null
                ? settings.StartsOn
                : new GroupCalendar(group.StartsOn, versions.Select(v => new RulesVersion(v.EffectiveFrom, v.ToRules())).ToList()).NextStartAfter(today);
            db.GroupRules.Add(GroupRulesVersion.From(group.Id, latest.Version + 1, effectiveFrom.Value, settings.Rules, caller.UserId, now));
            AuditTrail.Record(db, clock, group.Id, caller.UserId, "group.rules_changed", "group", group.Id,
                CreateGroup.RulesSnapshot(latest.ToRules()),
                new { effectiveFrom, version = latest.Version + 1, rules = CreateGroup.RulesSnapshot(settings.Rules) });
        }

        group.Name = settings.Name;
        group.StartsOn = settings.StartsOn;
        group.TimeZone = settings.TimeZone;
        group.MaxMembers = settings.MaxMembers;
        group.RulesText = settings.RulesText;
        group.MeetingDay = settings.MeetingDay;
        group.MeetingTime = settings.MeetingTime;
        group.MeetingLocation = settings.MeetingLocation;
        group.UpdatedAt = now;
        group.Revision++;
        AuditTrail.Record(db, clock, group.Id, caller.UserId, "group.settings_changed", "group", group.Id, before, CreateGroup.Snapshot(group, settings.Rules));
        await db.SaveChangesAsync(ct);
        if (settings.Rules.RotationOrder == RotationOrder.Lottery)
            await Schedules.LotteryCommitments.EnsureAsync(db, group.Id, now, ct);
        await tx.CommitAsync(ct);
        return new ChangeSettingsOutcome.Changed(effectiveFrom);
    }
}
