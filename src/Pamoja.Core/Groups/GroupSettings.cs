using Pamoja.Core.Money;
using Pamoja.Core.Schedules;

namespace Pamoja.Core.Groups;

public enum GroupKind { Rosca, Asca, Vsla, Cooperative }
public enum RotationOrder { Fixed, Lottery, Bidding }

/// Gross: everyone pays every period, the recipient too. Net: the recipient skips their own period.
public enum PotRule { Gross, Net }

/// A late fine is a flat amount or a percentage of the amount due (in basis points: 250 = 2.5 %),
/// charged once the grace days after the due date have passed.
public sealed record LateFine(long Amount, int BasisPoints, int GraceDays)
{
    public static readonly LateFine None = new(0, 0, 0);

    public bool Charges => Amount > 0 || BasisPoints > 0;

    /// The fine on an amount still outstanding after the grace days. A percentage is rounded
    /// down to the minor unit: a rounding never charges a member more than the rule says.
    public long For(long outstanding)
    {
        if (outstanding <= 0) return 0;
        if (Amount > 0) return Amount;
        return (long)(((Int128)outstanding * BasisPoints) / 10_000);
    }
}

/// The money rules of a group: what changing them means is versioned (GroupRulesVersion in the
/// web app), so a rule that changes mid-cycle only applies from the next period.
public sealed record GroupRules(
    long? ContributionAmount,
    Frequency Frequency,
    int EveryDays,
    long RegistrationFee,
    LateFine LateFine,
    RotationOrder? RotationOrder,
    PotRule? Pot,
    int SharesMin,
    int SharesMax);

/// Limits and per-kind consistency for a group's settings. Returns (field, message) pairs
/// named as the API names its fields, so the web layer can hand them straight back.
public static class GroupSettingsRules
{
    public const int MinMembers = 2, MaxMembers = 500;
    public const int MaxEveryDays = 366, MaxGraceDays = 60, MaxShares = 10;

    // A trillion minor units (KES 10 billion; UGX 1 trillion) per contribution is beyond any
    // savings group and keeps every sum of a large group's year far inside a 64-bit integer.
    public const long MaxAmount = 1_000_000_000_000;

    public static IReadOnlyList<(string Field, string Message)> Check(GroupKind kind, Currency currency, GroupRules rules, int maxMembers)
    {
        var errors = new List<(string, string)>();
        void Error(string field, string message) => errors.Add((field, message));

        if (maxMembers is < MinMembers or > MaxMembers)
            Error("maxMembers", $"A group has between {MinMembers} and {MaxMembers} members.");

        if (rules.ContributionAmount is null)
        {
            if (kind != GroupKind.Cooperative)
                Error("contribution.amount", "The contribution amount is required.");
        }
        else if (rules.ContributionAmount <= 0)
            Error("contribution.amount", $"The contribution must be a positive amount in {currency.Code} minor units.");
        else if (rules.ContributionAmount > MaxAmount)
            Error("contribution.amount", "The contribution is larger than any group could collect.");

        if (rules.Frequency == Frequency.Days)
        {
            if (rules.EveryDays is < 1 or > MaxEveryDays)
                Error("contribution.everyDays", $"With frequency \"days\", everyDays must be between 1 and {MaxEveryDays}.");
        }
        else if (rules.EveryDays != 0)
            Error("contribution.everyDays", "everyDays applies only with frequency \"days\".");

        if (rules.RegistrationFee is < 0 or > MaxAmount)
            Error("registrationFee", "The registration fee must be zero or a positive amount in minor units.");

        var fine = rules.LateFine;
        if (fine.Amount is < 0 or > MaxAmount)
            Error("lateFine.amount", "The late fine must be zero or a positive amount in minor units.");
        if (fine.BasisPoints is < 0 or > 10_000)
            Error("lateFine.percent", "The late fine percentage must be between 0 and 100.");
        if (fine.Amount > 0 && fine.BasisPoints > 0)
            Error("lateFine", "A late fine is either a flat amount or a percentage, not both.");
        if (fine.GraceDays is < 0 or > MaxGraceDays)
            Error("lateFine.graceDays", $"Grace days must be between 0 and {MaxGraceDays}.");

        if (kind == GroupKind.Rosca)
        {
            if (rules.RotationOrder is null) Error("rotation.order", "A rotating group needs a rotation order: fixed, lottery or bidding.");
            if (rules.Pot is null) Error("rotation.pot", "A rotating group needs a pot rule: gross or net.");
        }
        else if (rules.RotationOrder is not null || rules.Pot is not null)
            Error("rotation", "Rotation applies only to rotating groups (kind \"rosca\").");

        if (kind == GroupKind.Vsla)
        {
            if (rules.SharesMin < 1 || rules.SharesMax < rules.SharesMin || rules.SharesMax > MaxShares)
                Error("shares", $"Members buy between 1 and {MaxShares} shares per meeting, with min ≤ max.");
        }
        else if (rules.SharesMin != 0 || rules.SharesMax != 0)
            Error("shares", "Shares apply only to VSLAs (kind \"vsla\").");

        return errors;
    }
}
