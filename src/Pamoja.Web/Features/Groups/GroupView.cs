using Microsoft.EntityFrameworkCore;
using Pamoja.Core.Groups;
using Pamoja.Web.Data;
using Pamoja.Web.Features.Members;

namespace Pamoja.Web.Features.Groups;

public sealed record ContributionView(long? Amount, string Frequency, int? EveryDays);
public sealed record RotationView(string? Order, string? Pot);
public sealed record LateFineView(long Amount, decimal Percent, int GraceDays);
public sealed record SharesView(int Min, int Max);
public sealed record MeetingView(string? Day, string? Time, string? Location);
public sealed record RulesView(int Version, DateOnly EffectiveFrom, ContributionView Contribution, RotationView? Rotation,
    long RegistrationFee, LateFineView LateFine, SharesView? Shares);

/// GET /api/v1/groups/{id}: the group as its members see it. The money rules shown are those in
/// force today in the group's time zone; a change waiting for the next period is shown apart.
public sealed record GroupView(
    Guid Id, string Name, string Kind, string Currency, string TimeZone, DateOnly StartsOn, int MaxMembers,
    ContributionView Contribution, RotationView? Rotation, long RegistrationFee, LateFineView LateFine, SharesView? Shares,
    string Rules, MeetingView? Meeting, int MemberCount, int Revision, DateTimeOffset CreatedAt,
    Guid MyMemberId, string MyRole, string? InviteCode, RulesView? UpcomingRules, IReadOnlyList<RulesView> RulesHistory,
    DateOnly? MoneyStartedOn);

public sealed record GroupSummary(Guid Id, string Name, string Kind, string Currency, Guid MemberId, string Role, string Status, int MemberCount);

public sealed class GroupQueries(AppDbContext db, TimeProvider clock)
{
    private static readonly MemberStatus[] Counted = [MemberStatus.Active, MemberStatus.Suspended, MemberStatus.Invited];

    /// Groups where the caller is active, plus those where they wait for approval or an answer.
    public async Task<IReadOnlyList<GroupSummary>> MineAsync(Guid userId, CancellationToken ct = default)
    {
        var rows = await db.Members.AsNoTracking()
            .Where(m => m.UserId == userId && (m.Status == MemberStatus.Active || m.Status == MemberStatus.Pending))
            .Join(db.Groups, m => m.GroupId, g => g.Id, (m, g) => new { g, m })
            .OrderBy(x => x.g.Name)
            .Select(x => new
            {
                x.g.Id, x.g.Name, x.g.Kind, x.g.Currency, MemberId = x.m.Id, x.m.Role, x.m.Status,
                Count = db.Members.Count(o => o.GroupId == x.g.Id && Counted.Contains(o.Status)),
            })
            .ToListAsync(ct);
        return rows.Select(r => new GroupSummary(r.Id, r.Name, Api.Name(r.Kind), r.Currency, r.MemberId, Api.Name(r.Role), Api.Name(r.Status), r.Count)).ToList();
    }

    public async Task<GroupView> ViewAsync(GroupContext caller, CancellationToken ct = default)
    {
        var group = await db.Groups.AsNoTracking().SingleAsync(g => g.Id == caller.GroupId, ct);
        var versions = await db.GroupRules.AsNoTracking().Where(r => r.GroupId == caller.GroupId).OrderBy(r => r.Version).ToListAsync(ct);
        var memberCount = await db.Members.CountAsync(m => m.GroupId == caller.GroupId && Counted.Contains(m.Status), ct);
        var asOf = RulesDate(group, clock);
        var current = RulesInForce(versions, asOf);
        var upcoming = versions.LastOrDefault(v => v.EffectiveFrom > asOf && v.Version > current.Version);
        var rules = ToView(current);
        return new GroupView(
            group.Id, group.Name, Api.Name(group.Kind), group.Currency, group.TimeZone, group.StartsOn, group.MaxMembers,
            rules.Contribution, rules.Rotation, rules.RegistrationFee, rules.LateFine, rules.Shares, group.RulesText,
            group.MeetingDay is null && group.MeetingTime is null && group.MeetingLocation is null
                ? null
                : new MeetingView(group.MeetingDay, group.MeetingTime?.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture), group.MeetingLocation),
            memberCount, group.Revision, group.CreatedAt, caller.MemberId, Api.Name(caller.Role),
            RolePermissions.IsOfficial(caller.Role) ? group.InviteCode : null,
            upcoming is null ? null : ToView(upcoming),
            versions.Select(ToView).ToList(),
            group.MoneyStartedOn);
    }

    /// The date whose rules a group shows as "current": today, or its start date while it has
    /// not started (a group that starts next month shows the rules it will start with).
    public static DateOnly RulesDate(Group group, TimeProvider clock)
    {
        var today = clock.Today(group.TimeZone);
        return today < group.StartsOn ? group.StartsOn : today;
    }

    /// The highest version in effect on the date.
    public static GroupRulesVersion RulesInForce(IReadOnlyList<GroupRulesVersion> versions, DateOnly date) =>
        versions.Where(v => v.EffectiveFrom <= date).OrderBy(v => v.Version).LastOrDefault() ?? versions.OrderBy(v => v.Version).First();

    public static RulesView ToView(GroupRulesVersion v) => new(
        v.Version, v.EffectiveFrom,
        new ContributionView(v.ContributionAmount, Api.Name(v.Frequency), v.EveryDays == 0 ? null : v.EveryDays),
        v.RotationOrder is null && v.RotationPot is null ? null
            : new RotationView(v.RotationOrder is { } o ? Api.Name(o) : null, v.RotationPot is { } p ? Api.Name(p) : null),
        v.RegistrationFee,
        new LateFineView(v.LateFineAmount, v.LateFineBps / 100m, v.GraceDays),
        v.SharesMax == 0 ? null : new SharesView(v.SharesMin, v.SharesMax));
}
