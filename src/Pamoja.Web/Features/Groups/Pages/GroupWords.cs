using System.Globalization;
using Pamoja.Core.Groups;
using Pamoja.Core.Money;
using Pamoja.Core.Schedules;
using Pamoja.Web.Features.Members;
using Pamoja.Web.Features.Shared.Localization;

namespace Pamoja.Web.Features.Groups.Pages;

/// The API's names ("rosca", "semimonthly", "treasurer") in the words the pages use.
public static class GroupWords
{
    public static readonly IReadOnlyList<string> Kinds = Enum.GetValues<GroupKind>().Select(k => Api.Name(k)).ToList();

    public static string Kind(string kind) => kind switch
    {
        "rosca" => "Rotating (stokvel, merry-go-round, ajo)",
        "asca" => "Savings and loans (accumulating chama)",
        "vsla" => "Village savings and loan association (VSLA)",
        "cooperative" => "Cooperative (farmers' produce)",
        _ => kind,
    };

    public static string KindExplained(string kind) => kind switch
    {
        "rosca" => "Everyone pays the same amount each period and one member takes the whole pot, in turn.",
        "asca" => "Contributions build up a fund that members borrow from with interest; fines and fees add to it.",
        "vsla" => "Members buy 1 to 5 shares at each meeting; the fund lends to members and is shared out at the end of the cycle.",
        "cooperative" => "Farmers deliver produce, officials record it, and each farmer is paid every pay period, minus deductions.",
        _ => "",
    };

    public static string Role(string role) => role switch
    {
        "chair" => "Chair",
        "treasurer" => "Treasurer",
        "secretary" => "Secretary",
        "member" => "Member",
        _ => role,
    };

    public static string Status(string status) => status switch
    {
        "invited" => "Invited, has not accepted yet",
        "pending" => "Waiting for approval",
        "active" => "Active",
        "suspended" => "Suspended",
        "exited" => "Left the group",
        _ => status,
    };

    public static readonly IReadOnlyList<(string Value, string Text)> Frequencies =
    [
        (Api.Name(Core.Schedules.Frequency.Weekly), "Weekly"),
        (Api.Name(Core.Schedules.Frequency.Biweekly), "Every two weeks"),
        (Api.Name(Core.Schedules.Frequency.Semimonthly), "Every 15 days"),
        (Api.Name(Core.Schedules.Frequency.Monthly), "Monthly"),
        (Api.Name(Core.Schedules.Frequency.Days), "Every N days (enter N below)"),
    ];

    public static string Frequency(string frequency, int? everyDays, PageTexts? texts = null) => frequency switch
    {
        "weekly" => Say(texts, "weekly"),
        "biweekly" => Say(texts, "every two weeks"),
        "semimonthly" => Say(texts, "every 15 days"),
        "monthly" => Say(texts, "monthly"),
        "days" => everyDays == 1 ? Say(texts, "every day") : Say(texts, "every {0} days", everyDays),
        _ => frequency,
    };

    /// The words in the reader's language when a page passes its texts, else English.
    private static string Say(PageTexts? texts, string english, params object?[] values) =>
        texts is null ? string.Format(CultureInfo.InvariantCulture, english, values) : texts[english, values];

    /// "ZAR 1,500.00 monthly"; for a cooperative without savings deduction, its pay period.
    public static string Contribution(string currencyCode, ContributionView contribution, string kind, PageTexts? texts = null)
    {
        var every = Frequency(contribution.Frequency, contribution.EveryDays, texts);
        if (contribution.Amount is { } amount)
            return kind == "cooperative"
                ? Say(texts, "{0} savings deduction, farmers paid {1}", Money(currencyCode, amount), every)
                : $"{Money(currencyCode, amount)} {every}";
        return Say(texts, "No savings deduction; farmers paid {0}", every);
    }

    public static string Money(string currencyCode, long minorUnits) =>
        Currency.TryGet(currencyCode, out var currency) ? currency.Format(minorUnits) : $"{currencyCode} {minorUnits} (minor units)";

    public static string LateFine(string currencyCode, LateFineView fine, PageTexts? texts = null)
    {
        var grace = fine.GraceDays switch
        {
            0 => Say(texts, "the day after the due date"),
            1 => Say(texts, "after 1 day of grace"),
            _ => Say(texts, "after {0} days of grace", fine.GraceDays),
        };
        if (fine.Amount > 0) return $"{Money(currencyCode, fine.Amount)}, {grace}";
        if (fine.Percent > 0) return Say(texts, "{0}% of the amount due, {1}", Percent(fine.Percent), grace);
        return Say(texts, "None");
    }

    public static string Percent(decimal percent) => percent.ToString("0.##", CultureInfo.InvariantCulture);

    public static readonly IReadOnlyList<(string Value, string Text, string Hint)> RotationOrders =
    [
        ("fixed", "Fixed list", "The order is agreed up front."),
        ("lottery", "Lottery", "A draw decides the order; members can check it afterwards."),
        ("bidding", "Bidding", "Members bid a discount for an earlier turn; the discount goes to the others."),
    ];

    public static readonly IReadOnlyList<(string Value, string Text, string Hint)> PotRules =
    [
        ("gross", "Gross", "Everyone pays every period, the recipient too: 10 members × 5,000 make a pot of 50,000."),
        ("net", "Net", "The recipient does not pay in their own turn: with 6 members paying 1,500, the recipient gets 7,500."),
    ];

    public static string Rotation(RotationView rotation, PageTexts? texts = null)
    {
        var order = RotationOrders.FirstOrDefault(o => o.Value == rotation.Order).Text ?? rotation.Order ?? "not set";
        var pot = PotRules.FirstOrDefault(p => p.Value == rotation.Pot).Text ?? rotation.Pot ?? "not set";
        return Say(texts, "{0} order, {1} pot", Say(texts, order), Say(texts, pot).ToLowerInvariant());
    }

    public static string Shares(SharesView shares, PageTexts? texts = null) => Say(texts, "{0} to {1} shares per meeting", shares.Min, shares.Max);

    public static string Day(string day) => CultureInfo.InvariantCulture.TextInfo.ToTitleCase(day);

    /// "Saturdays at 14:00, Community hall".
    public static string Meeting(MeetingView meeting, PageTexts? texts = null)
    {
        var when = (meeting.Day, meeting.Time) switch
        {
            ({ } d, { } t) => Say(texts, "{0}s at {1}", Say(texts, Day(d)), t),
            ({ } d, null) => Say(texts, "{0}s", Say(texts, Day(d))),
            (null, { } t) => Say(texts, "At {0}", t),
            _ => null,
        };
        return string.Join(", ", new[] { when, meeting.Location }.Where(s => !string.IsNullOrEmpty(s)));
    }

    public static string Date(DateOnly date) => date.ToString("d MMMM yyyy", CultureInfo.InvariantCulture);
}
