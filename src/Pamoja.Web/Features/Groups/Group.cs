using Pamoja.Core.Groups;
using Pamoja.Core.Schedules;

namespace Pamoja.Web.Features.Groups;

/// A savings group (table groups). Its money rules live in GroupRulesVersion rows.
public sealed class Group
{
    public Guid Id { get; set; }
    public string Name { get; set; } = "";
    public GroupKind Kind { get; set; }
    public string Currency { get; set; } = "";
    public string TimeZone { get; set; } = "";
    public DateOnly StartsOn { get; set; }
    public int MaxMembers { get; set; }
    public string RulesText { get; set; } = "";
    public string? MeetingDay { get; set; }
    public TimeOnly? MeetingTime { get; set; }
    public string? MeetingLocation { get; set; }
    public string InviteCode { get; set; } = "";
    public DateOnly? MoneyStartedOn { get; set; }
    public Guid CreatedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public int Revision { get; set; }
}

/// One version of a group's money rules (table group_rules, append-only).
public sealed class GroupRulesVersion
{
    public Guid GroupId { get; set; }
    public int Version { get; set; }
    public DateOnly EffectiveFrom { get; set; }
    public long? ContributionAmount { get; set; }
    public Frequency Frequency { get; set; }
    public int EveryDays { get; set; }
    public long RegistrationFee { get; set; }
    public long LateFineAmount { get; set; }
    public int LateFineBps { get; set; }
    public int GraceDays { get; set; }
    public RotationOrder? RotationOrder { get; set; }
    public PotRule? RotationPot { get; set; }
    public int SharesMin { get; set; }
    public int SharesMax { get; set; }
    public Guid CreatedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    public GroupRules ToRules() => new(ContributionAmount, Frequency, EveryDays, RegistrationFee,
        new LateFine(LateFineAmount, LateFineBps, GraceDays), RotationOrder, RotationPot, SharesMin, SharesMax);

    public static GroupRulesVersion From(Guid groupId, int version, DateOnly effectiveFrom, GroupRules rules, Guid by, DateTimeOffset at) => new()
    {
        GroupId = groupId,
        Version = version,
        EffectiveFrom = effectiveFrom,
        ContributionAmount = rules.ContributionAmount,
        Frequency = rules.Frequency,
        EveryDays = rules.EveryDays,
        RegistrationFee = rules.RegistrationFee,
        LateFineAmount = rules.LateFine.Amount,
        LateFineBps = rules.LateFine.BasisPoints,
        GraceDays = rules.LateFine.GraceDays,
        RotationOrder = rules.RotationOrder,
        RotationPot = rules.Pot,
        SharesMin = rules.SharesMin,
        SharesMax = rules.SharesMax,
        CreatedBy = by,
        CreatedAt = at,
    };
}
