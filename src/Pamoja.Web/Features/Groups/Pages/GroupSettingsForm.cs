using System.Globalization;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Pamoja.Core.Groups;
using Pamoja.Core.Money;
using Pamoja.Core.Schedules;
using Pamoja.Web.Features.Members;
using Pamoja.Web.Features.Shared.Localization;
using Pamoja.Web.Http;

namespace Pamoja.Web.Features.Groups.Pages;

/// What the create and settings pages share: the form shows the fields of the group's kind.
public interface IGroupSettingsPage
{
    GroupSettingsForm Input { get; }

    /// "rosca", "asca", "vsla" or "cooperative".
    string KindName { get; }

    /// The currency when it can no longer change (settings); null lets the form choose one.
    Currency? FixedCurrency { get; }
}

/// The group settings form as typed: every field a string, so what someone typed comes back
/// unchanged with its error. ToInput turns it into the API's GroupSettingsInput (amounts in
/// minor units); errors from either step land next to the field they belong to.
public sealed class GroupSettingsForm
{
    public string? Name { get; set; }
    public string? Currency { get; set; }
    public string? ContributionAmount { get; set; }
    public string? Frequency { get; set; }
    public string? EveryDays { get; set; }
    public string? StartsOn { get; set; }
    public string? MaxMembers { get; set; }
    public string? RotationOrder { get; set; }
    public string? Pot { get; set; }
    public string? SharesMin { get; set; }
    public string? SharesMax { get; set; }
    public string? RegistrationFee { get; set; }
    public string? LateFineAmount { get; set; }
    public string? LateFinePercent { get; set; }
    public string? GraceDays { get; set; }
    public string? Rules { get; set; }
    public string? MeetingDay { get; set; }
    public string? MeetingTime { get; set; }
    public string? MeetingLocation { get; set; }
    public string? TimeZone { get; set; }
    public int? Revision { get; set; }

    public const string DefaultCurrency = "KES";

    /// API field name → form field, for errors. Anything not here goes in the summary only.
    private static readonly Dictionary<string, string> Fields = new(StringComparer.Ordinal)
    {
        ["name"] = nameof(Name),
        ["currency"] = nameof(Currency),
        ["contribution.amount"] = nameof(ContributionAmount),
        ["contribution.frequency"] = nameof(Frequency),
        ["contribution.everyDays"] = nameof(EveryDays),
        ["startsOn"] = nameof(StartsOn),
        ["maxMembers"] = nameof(MaxMembers),
        ["rotation.order"] = nameof(RotationOrder),
        ["rotation.pot"] = nameof(Pot),
        ["shares"] = nameof(SharesMin),
        ["shares.min"] = nameof(SharesMin),
        ["shares.max"] = nameof(SharesMax),
        ["registrationFee"] = nameof(RegistrationFee),
        ["lateFine"] = nameof(LateFineAmount),
        ["lateFine.amount"] = nameof(LateFineAmount),
        ["lateFine.percent"] = nameof(LateFinePercent),
        ["lateFine.graceDays"] = nameof(GraceDays),
        ["rules"] = nameof(Rules),
        ["meeting.day"] = nameof(MeetingDay),
        ["meeting.time"] = nameof(MeetingTime),
        ["meeting.location"] = nameof(MeetingLocation),
        ["timeZone"] = nameof(TimeZone),
    };

    /// The form's keys top to bottom, for the error summary.
    public static readonly string[] SummaryOrder =
    [
        .. new[]
        {
            nameof(Name), nameof(Currency), nameof(ContributionAmount), nameof(Frequency), nameof(EveryDays), nameof(StartsOn),
            nameof(MaxMembers), nameof(RotationOrder), nameof(Pot), nameof(SharesMin), nameof(SharesMax), nameof(RegistrationFee),
            nameof(LateFineAmount), nameof(LateFinePercent), nameof(GraceDays), nameof(Rules), nameof(MeetingDay), nameof(MeetingTime),
            nameof(MeetingLocation), nameof(TimeZone),
        }.Select(f => "Input." + f),
    ];

    public static GroupSettingsForm Defaults(GroupKind kind, DateOnly today) => new()
    {
        Currency = DefaultCurrency,
        Frequency = Api.Name(kind switch
        {
            GroupKind.Cooperative => Core.Schedules.Frequency.Semimonthly,
            GroupKind.Vsla => Core.Schedules.Frequency.Weekly,
            _ => Core.Schedules.Frequency.Monthly,
        }),
        StartsOn = today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        MaxMembers = kind switch
        {
            GroupKind.Rosca => "10",
            GroupKind.Vsla => "25",
            GroupKind.Cooperative => "200",
            _ => "30",
        },
        RotationOrder = kind == GroupKind.Rosca ? "fixed" : null,
        Pot = kind == GroupKind.Rosca ? "gross" : null,
        SharesMin = kind == GroupKind.Vsla ? "1" : null,
        SharesMax = kind == GroupKind.Vsla ? "5" : null,
        GraceDays = "0",
    };

    /// Prefilled from the group. The money rules are the latest version: one waiting for the
    /// next period included, so saving other settings does not undo it.
    public static GroupSettingsForm From(GroupView group)
    {
        var currency = Core.Money.Currency.Get(group.Currency);
        var rules = group.RulesHistory.Count > 0 ? group.RulesHistory[^1]
            : new RulesView(0, group.StartsOn, group.Contribution, group.Rotation, group.RegistrationFee, group.LateFine, group.Shares);
        return new GroupSettingsForm
        {
            Name = group.Name,
            Currency = group.Currency,
            ContributionAmount = rules.Contribution.Amount is { } amount ? MoneyInput.ToInputText(amount, currency) : null,
            Frequency = rules.Contribution.Frequency,
            EveryDays = rules.Contribution.EveryDays?.ToString(CultureInfo.InvariantCulture),
            StartsOn = group.StartsOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            MaxMembers = group.MaxMembers.ToString(CultureInfo.InvariantCulture),
            RotationOrder = rules.Rotation?.Order,
            Pot = rules.Rotation?.Pot,
            SharesMin = rules.Shares?.Min.ToString(CultureInfo.InvariantCulture),
            SharesMax = rules.Shares?.Max.ToString(CultureInfo.InvariantCulture),
            RegistrationFee = rules.RegistrationFee > 0 ? MoneyInput.ToInputText(rules.RegistrationFee, currency) : null,
            LateFineAmount = rules.LateFine.Amount > 0 ? MoneyInput.ToInputText(rules.LateFine.Amount, currency) : null,
            LateFinePercent = rules.LateFine.Percent > 0 ? GroupWords.Percent(rules.LateFine.Percent) : null,
            GraceDays = rules.LateFine.GraceDays.ToString(CultureInfo.InvariantCulture),
            Rules = group.Rules,
            MeetingDay = group.Meeting?.Day,
            MeetingTime = group.Meeting?.Time,
            MeetingLocation = group.Meeting?.Location,
            TimeZone = group.TimeZone,
            Revision = group.Revision,
        };
    }

    /// The API input for this form. Fields that do not parse get an error in modelState under
    /// "Input.{field}", in the reader's language (T); the caller checks modelState before sending the input anywhere.
    public GroupSettingsInput ToInput(GroupKind kind, Currency? currency, ModelStateDictionary modelState, PageTexts T)
    {
        void Error(string field, string message) => modelState.AddModelError("Input." + field, message);

        long? Money(string field, string? text, bool positive)
        {
            if (string.IsNullOrWhiteSpace(text) || currency is null)
                return null;
            if (!MoneyInput.TryParse(text, currency, out var minor, out var error, T))
            {
                Error(field, error);
                return null;
            }
            if (positive && minor == 0)
            {
                Error(field, T["Enter an amount more than zero."]);
                return null;
            }
            return minor;
        }

        int? Whole(string field, string? text, string example)
        {
            if (string.IsNullOrWhiteSpace(text))
                return null;
            if (int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var value))
                return value;
            Error(field, T["Enter a whole number, like {0}.", example]);
            return null;
        }

        var frequency = Blank(Frequency);
        var everyDays = Whole(nameof(EveryDays), EveryDays, "10");
        if (frequency == Api.Name(Core.Schedules.Frequency.Days))
        {
            if (string.IsNullOrWhiteSpace(EveryDays))
                Error(nameof(EveryDays), T["Enter how many days each period lasts (1 to {0}).", GroupSettingsRules.MaxEveryDays]);
            else if (everyDays is { } n && n is < 1 or > GroupSettingsRules.MaxEveryDays)
                Error(nameof(EveryDays), T["A period lasts 1 to {0} days.", GroupSettingsRules.MaxEveryDays]);
        }
        else
        {
            everyDays = null; // only meaningful with "every N days"; ignored otherwise
        }

        DateOnly? startsOn = null;
        if (string.IsNullOrWhiteSpace(StartsOn))
            Error(nameof(StartsOn), T["Enter the start date. A past date is fine for a group moving onto Pamoja."]);
        else if (DateOnly.TryParseExact(StartsOn.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            startsOn = date;
        else
            Error(nameof(StartsOn), T["Enter the start date as year-month-day, like 2026-03-01."]);

        var maxMembers = Whole(nameof(MaxMembers), MaxMembers, "20");
        if (string.IsNullOrWhiteSpace(MaxMembers))
            Error(nameof(MaxMembers), T["Enter the most members the group can have ({0} to {1}).", GroupSettingsRules.MinMembers, GroupSettingsRules.MaxMembers]);

        decimal? percent = null;
        if (!string.IsNullOrWhiteSpace(LateFinePercent))
        {
            var text = LateFinePercent.Trim().TrimEnd('%').Trim();
            if (decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var p))
                percent = p;
            else
                Error(nameof(LateFinePercent), T["Enter a percentage, like 5 or 2.5."]);
        }

        var contribution = Money(nameof(ContributionAmount), ContributionAmount, positive: true);
        var registrationFee = Money(nameof(RegistrationFee), RegistrationFee, positive: false);
        var fineAmount = Money(nameof(LateFineAmount), LateFineAmount, positive: false);
        var graceDays = Whole(nameof(GraceDays), GraceDays, "3");
        var sharesMin = Whole(nameof(SharesMin), SharesMin, "1");
        var sharesMax = Whole(nameof(SharesMax), SharesMax, "5");

        var meetingDay = Blank(MeetingDay);
        var meetingTime = Blank(MeetingTime);
        var location = Blank(MeetingLocation);

        return new GroupSettingsInput(
            Name: Name,
            Kind: Api.Name(kind),
            Currency: currency?.Code ?? Blank(Currency),
            Contribution: new ContributionInput(contribution, frequency, everyDays),
            StartsOn: startsOn,
            MaxMembers: maxMembers,
            Rotation: kind == GroupKind.Rosca ? new RotationInput(Blank(RotationOrder), Blank(Pot)) : null,
            RegistrationFee: registrationFee,
            LateFine: new LateFineInput(fineAmount, percent, graceDays),
            Shares: kind == GroupKind.Vsla ? new SharesInput(sharesMin, sharesMax) : null,
            Rules: Rules?.Replace("\r\n", "\n", StringComparison.Ordinal),
            Meeting: meetingDay is null && meetingTime is null && location is null ? null : new MeetingInput(meetingDay, meetingTime, location),
            TimeZone: Blank(TimeZone),
            Revision: Revision);
    }

    /// Puts the API's field errors next to the form's fields; a field that already shows an
    /// error from parsing keeps only that one. Unknown fields go to the summary.
    public static void AddErrors(FieldErrors errors, ModelStateDictionary modelState)
    {
        foreach (var (field, messages) in errors.ToDictionary())
        {
            var key = Fields.TryGetValue(field, out var property) ? "Input." + property : "";
            if (key.Length > 0 && modelState.TryGetValue(key, out var entry) && entry.Errors.Count > 0)
                continue;
            foreach (var message in messages)
                modelState.AddModelError(key, message);
        }
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
