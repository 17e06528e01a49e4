using System.Globalization;
using Pamoja.Core.Groups;
using Pamoja.Core.Money;
using Pamoja.Core.Schedules;
using Pamoja.Web.Features.Members;
using Pamoja.Web.Http;

namespace Pamoja.Web.Features.Groups;

public sealed record ContributionInput(long? Amount, string? Frequency, int? EveryDays);
public sealed record RotationInput(string? Order, string? Pot);
public sealed record LateFineInput(long? Amount, decimal? Percent, int? GraceDays);
public sealed record SharesInput(int? Min, int? Max);
public sealed record MeetingInput(string? Day, string? Time, string? Location);

/// The body of POST /api/v1/groups and PUT /api/v1/groups/{id}/settings (api.md § Groups),
/// also filled by the create and settings pages. Everything nullable: what is missing or wrong
/// is reported per field by Validate, never by an exception.
public sealed record GroupSettingsInput(
    string? Name,
    string? Kind,
    string? Currency,
    ContributionInput? Contribution,
    DateOnly? StartsOn,
    int? MaxMembers,
    RotationInput? Rotation,
    long? RegistrationFee,
    LateFineInput? LateFine,
    SharesInput? Shares,
    string? Rules,
    MeetingInput? Meeting,
    string? TimeZone,
    int? Revision = null)
{
    public const int MaxRulesText = 10_000, MaxName = 100, MaxLocation = 200;
    public static readonly string[] Days = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];

    /// The validated settings, or null with the reasons in errors. "Today" (for the start-date
    /// limit) is today in the group's time zone: the one given, or the currency's default.
    public ValidGroupSettings? Validate(FieldErrors errors, TimeProvider clock)
    {
        var name = errors.Text("name", Name, MaxName);
        if (name is { Length: < 2 }) errors.Add("name", "Name must be at least 2 characters.");

        GroupKind kind = default;
        if (string.IsNullOrWhiteSpace(Kind)) errors.Add("kind", $"Kind is required: {Api.Names<GroupKind>()}.");
        else if (!Api.TryParse(Kind, out kind)) errors.Add("kind", $"Kind must be one of {Api.Names<GroupKind>()}.");

        Currency currency = null!;
        if (string.IsNullOrWhiteSpace(Currency)) errors.Add("currency", "Currency is required (an ISO 4217 code such as KES, ZAR, NGN).");
        else if (!Core.Money.Currency.TryGet(Currency, out currency))
            errors.Add("currency", "Currency must be a supported ISO 4217 code in capitals, such as KES, ZAR, NGN, RWF or GBP.");

        var frequency = Frequency.Monthly;
        if (Contribution?.Frequency is { } f && !Api.TryParse(f, out frequency))
            errors.Add("contribution.frequency", $"Frequency must be one of {Api.Names<Frequency>()}.");
        else if (Contribution?.Frequency is null && kind != GroupKind.Cooperative)
            errors.Add("contribution.frequency", $"Frequency is required: {Api.Names<Frequency>()}.");
        else if (Contribution?.Frequency is null)
            frequency = Frequency.Semimonthly; // cooperatives pay farmers every 15 days unless told otherwise

        var timeZone = TimeZone;
        if (timeZone is not null)
        {
            if (!IsIanaTimeZone(timeZone))
                errors.Add("timeZone", "Time zone must be an IANA name such as Africa/Nairobi or Europe/London.");
        }
        else if (currency is not null)
            timeZone = DefaultTimeZone(currency.Code);
        var today = clock.Today(timeZone is not null && !errors.Has("timeZone") ? timeZone : "UTC");

        if (StartsOn is null) errors.Add("startsOn", "Start date is required (YYYY-MM-DD). A past date is fine for a group moving onto Pamoja.");
        else if (StartsOn < new DateOnly(2000, 1, 1) || StartsOn > today.AddYears(2))
            errors.Add("startsOn", "Start date must be between 2000-01-01 and two years from today.");

        if (MaxMembers is null) errors.Add("maxMembers", $"The member limit is required ({GroupSettingsRules.MinMembers}–{GroupSettingsRules.MaxMembers}).");

        RotationOrder? order = null;
        PotRule? pot = null;
        if (Rotation is not null)
        {
            if (Rotation.Order is not null)
            {
                if (Api.TryParse(Rotation.Order, out RotationOrder o)) order = o;
                else errors.Add("rotation.order", $"Rotation order must be one of {Api.Names<RotationOrder>()}.");
            }
            if (Rotation.Pot is not null)
            {
                if (Api.TryParse(Rotation.Pot, out PotRule p)) pot = p;
                else errors.Add("rotation.pot", $"Pot rule must be one of {Api.Names<PotRule>()}.");
            }
        }

        var basisPoints = 0;
        if (LateFine?.Percent is { } percent)
        {
            // Range first: percent * 100 overflows decimal for values near decimal.MaxValue.
            var bps = percent is >= 0 and <= 100 ? percent * 100m : -1m;
            if (bps != decimal.Truncate(bps) || bps is < 0 or > 10_000)
                errors.Add("lateFine.percent", "The late fine percentage must be between 0 and 100, with at most two decimals.");
            else basisPoints = (int)bps;
        }

        string? meetingDay = null;
        TimeOnly? meetingTime = null;
        string? location = null;
        if (Meeting is not null)
        {
            if (Meeting.Day is not null && !Days.Contains(Meeting.Day)) errors.Add("meeting.day", "Meeting day must be a weekday name in lowercase, such as saturday.");
            else meetingDay = Meeting.Day;
            if (Meeting.Time is not null)
            {
                if (TimeOnly.TryParseExact(Meeting.Time, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var t)) meetingTime = t;
                else errors.Add("meeting.time", "Meeting time must be HH:mm on the 24-hour clock, such as 14:00.");
            }
            location = errors.Text("meeting.location", Meeting.Location, MaxLocation, required: false);
        }

        var rulesText = errors.Text("rules", Rules, MaxRulesText, required: false, multiline: true) ?? "";


        // The per-kind rules run whenever kind and currency are known, so one submit shows every
        // problem; a field that already has an error is not reported twice.
        var kindKnown = !errors.Has("kind") && !string.IsNullOrWhiteSpace(Kind);
        if (!kindKnown || currency is null)
            return null;
        var rules = new GroupRules(
            Contribution?.Amount, frequency, Contribution?.EveryDays ?? 0, RegistrationFee ?? 0,
            new Core.Groups.LateFine(LateFine?.Amount ?? 0, basisPoints, LateFine?.GraceDays ?? 0),
            order, pot,
            kind == GroupKind.Vsla ? Shares?.Min ?? 1 : Shares?.Min ?? 0,
            kind == GroupKind.Vsla ? Shares?.Max ?? 5 : Shares?.Max ?? 0);
        foreach (var (field, message) in GroupSettingsRules.Check(kind, currency, rules, MaxMembers ?? GroupSettingsRules.MinMembers))
            if (!errors.Has(field))
                errors.Add(field, message);
        if (errors.Any || StartsOn is null || MaxMembers is null)
            return null;

        return new ValidGroupSettings(name!, kind, currency, StartsOn.Value, MaxMembers.Value, rules, rulesText,
            meetingDay, meetingTime, location, timeZone!);
    }

    /// An IANA time zone ("Africa/Nairobi", or "UTC"), as the system knows it. On Linux .NET also
    /// finds Windows ids ("E. Africa Standard Time") and IANA's legacy ones ("EST5EDT"); those
    /// are refused, so every group's zone is written one way, readable by anything downstream.
    public static bool IsIanaTimeZone(string id) =>
        id.Length <= 64 && FieldErrors.IsCleanText(id) && (id == "UTC" || id.Contains('/', StringComparison.Ordinal)) &&
        TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) && zone.HasIanaId;

    /// Where a group's day begins unless it says otherwise: the capital of its currency's country.
    public static string DefaultTimeZone(string currency) => currency switch
    {
        "KES" => "Africa/Nairobi",
        "TZS" => "Africa/Dar_es_Salaam",
        "UGX" => "Africa/Kampala",
        "RWF" => "Africa/Kigali",
        "ZAR" or "LSL" or "SZL" => "Africa/Johannesburg",
        "NGN" => "Africa/Lagos",
        "GHS" => "Africa/Accra",
        "GBP" => "Europe/London",
        "ZMW" => "Africa/Lusaka",
        "MWK" => "Africa/Blantyre",
        "BWP" => "Africa/Gaborone",
        "ETB" => "Africa/Addis_Ababa",
        _ => "UTC",
    };
}

public sealed record ValidGroupSettings(
    string Name, GroupKind Kind, Currency Currency, DateOnly StartsOn, int MaxMembers, GroupRules Rules, string RulesText,
    string? MeetingDay, TimeOnly? MeetingTime, string? MeetingLocation, string TimeZone);
