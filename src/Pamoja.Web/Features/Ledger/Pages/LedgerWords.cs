using System.Globalization;
using Pamoja.Core.Ledger;
using Pamoja.Core.Money;
using Pamoja.Web.Features.Shared.Localization;

namespace Pamoja.Web.Features.Ledger.Pages;

/// The ledger's codes ("fine_charged", "member:…:contributions", "mpesa") in the words the
/// ledger pages use.
public static class LedgerWords
{
    public static readonly IReadOnlyList<(string Value, string Text)> Methods =
    [
        ("cash", "Cash"),
        ("bank", "Bank"),
        ("mpesa", "M-Pesa"),
        ("momo", "MoMo"),
    ];

    public static string Method(string? method) =>
        Methods.FirstOrDefault(m => m.Value == method).Text ?? method ?? "";

    public static string Kind(string kind) => kind switch
    {
        EntryKinds.Contribution => "Contribution",
        EntryKinds.RegistrationFee => "Registration fee",
        EntryKinds.FineCharged => "Fine charged",
        EntryKinds.FinePaid => "Fine paid",
        EntryKinds.Opening => "Opening balance",
        EntryKinds.Reversal => "Correction (reversal)",
        EntryKinds.PayoutSent => "Payout sent (with the provider)",
        EntryKinds.PayoutReturned => "Payout returned by the provider",
        _ => CultureInfo.InvariantCulture.TextInfo.ToTitleCase(kind.Replace('_', ' ')),
    };

    /// "Pool (cash)", "Amina Kamau's contributions"; names from the group's member list.
    public static string Account(string code, Func<Guid, string> memberName)
    {
        var account = LedgerAccount.Parse(code);
        if (account is null) return code;
        if (account.MemberId is { } id)
        {
            var name = memberName(id);
            var possessive = name.EndsWith('s') ? name + "'" : name + "'s";
            return code[(code.LastIndexOf(':') + 1)..] switch
            {
                "contributions" => possessive + " contributions",
                "receivable" => name + " owes the group",
                "payouts" => possessive + " payouts",
                _ => code,
            };
        }
        return code switch
        {
            "pool:cash" => "Pool (cash)",
            "pool:bank" => "Pool (bank)",
            "pool:mobile" => "Pool (mobile money)",
            "clearing:mpesa" => "M-Pesa, on its way",
            "clearing:momo" => "MoMo, on its way",
            "income:fines" => "Fines",
            "income:fees" => "Fees",
            "income:interest" => "Interest",
            "payable:payouts" => "Payouts still to pay",
            "equity:opening" => "Funds brought from before Pamoja",
            _ => code,
        };
    }

    /// The same in the reader's language, for the pages (the CSV keeps the English above).
    public static string Account(string code, Func<Guid, string> memberName, PageTexts T)
    {
        var account = LedgerAccount.Parse(code);
        if (account is null) return code;
        if (account.MemberId is { } id)
        {
            var name = memberName(id);
            var s = name.EndsWith('s');
            return code[(code.LastIndexOf(':') + 1)..] switch
            {
                "contributions" => s ? T["{0}' contributions", name] : T["{0}'s contributions", name],
                "receivable" => T["{0} owes the group", name],
                "payouts" => s ? T["{0}' payouts", name] : T["{0}'s payouts", name],
                _ => code,
            };
        }
        var english = Account(code, memberName);
        return english == code ? code : T[english];
    }

    public static string Pool(string channel) => channel switch
    {
        "cash" => "Cash",
        "bank" => "Bank",
        "mobile" => "Mobile money",
        _ => channel,
    };

    /// "1,500.00" / "−1,500.00": the amount without the currency code, for columns headed by it.
    public static string Amount(Currency currency, long minor, bool plusSign = false)
    {
        var text = currency.Format(Math.Abs(minor))[(currency.Code.Length + 1)..];
        return minor < 0 ? "\u2212" + text : plusSign && minor > 0 ? "+" + text : text;
    }

    /// The amount as the meeting form prefills it: "1500.00" (UGX: "2000").
    public static string InputText(Currency currency, long minor) => StatementCsv.Decimal(minor, currency);

    public static string Date(DateOnly date) => date.ToString("d MMM yyyy", CultureInfo.InvariantCulture);

    public static string ShortHash(string hash) => hash.Length > 10 ? hash[..10] + "…" : hash;
}
