using System.Globalization;
using System.Text;
using Pamoja.Core.Ledger;
using Pamoja.Core.Money;
using Pamoja.Web.Features.Ledger;
using Pamoja.Web.Features.Ledger.Pages;

namespace Pamoja.Web.Features.Dashboards;

/// The group's books as CSV for a spreadsheet: RFC 4180 quoting, money as decimal strings made
/// from the integer minor units (never through a float), dates as ISO 8601.
public static class GroupCsv
{
    /// Every line of every journal entry: the whole ledger, as any member may read it on the page.
    public static string Ledger(IReadOnlyList<JournalEntryView> entries, Currency currency, Func<Guid, string> memberName)
    {
        var sb = new StringBuilder("seq,posted_at,effective_on,kind,memo,reference,account,account_name,amount,currency\n");
        foreach (var e in entries)
            foreach (var line in e.Lines)
                sb.Append(e.Seq.ToString(CultureInfo.InvariantCulture)).Append(',')
                  .Append(Instant(e.PostedAt)).Append(',')
                  .Append(Date(e.EffectiveOn)).Append(',')
                  .Append(Cell(e.Kind)).Append(',').Append(Cell(e.Memo)).Append(',').Append(Cell(e.ExternalRef ?? "")).Append(',')
                  .Append(Cell(line.Account)).Append(',').Append(Cell(LedgerWords.Account(line.Account, memberName))).Append(',')
                  .Append(StatementCsv.Decimal(line.Amount, currency)).Append(',').Append(currency.Code).Append('\n');
        return sb.ToString();
    }

    /// Money paid in by members, one row per member per entry: contributions as positive amounts,
    /// their reversals as negative ones, so the column sums to what members have contributed.
    public static string Contributions(IReadOnlyList<JournalEntryView> entries, Currency currency, Func<Guid, string> memberName)
    {
        var sb = new StringBuilder("seq,effective_on,member_id,member,kind,amount,reference,memo,currency\n");
        foreach (var e in entries)
            foreach (var line in e.Lines)
            {
                if (LedgerAccount.Parse(line.Account) is not { MemberId: { } memberId } || !line.Account.EndsWith(":contributions", StringComparison.Ordinal))
                    continue;
                sb.Append(e.Seq.ToString(CultureInfo.InvariantCulture)).Append(',')
                  .Append(Date(e.EffectiveOn)).Append(',')
                  .Append(memberId.ToString()).Append(',').Append(Cell(memberName(memberId))).Append(',')
                  .Append(Cell(e.Kind)).Append(',')
                  // The contributions account is credited when a member pays in: minus its line.
                  .Append(StatementCsv.Decimal(-line.Amount, currency)).Append(',')
                  .Append(Cell(e.ExternalRef ?? "")).Append(',').Append(Cell(e.Memo)).Append(',').Append(currency.Code).Append('\n');
            }
        return sb.ToString();
    }

    /// Each member's position, as the balances API gives it to the caller.
    public static string Balances(BalancesView balances)
    {
        var currency = Currency.Get(balances.Currency);
        var sb = new StringBuilder("member_id,member,contributed,received,owed,balance,currency\n");
        foreach (var m in balances.Members)
            sb.Append(m.MemberId.ToString()).Append(',').Append(Cell(m.FullName)).Append(',')
              .Append(StatementCsv.Decimal(m.Contributed, currency)).Append(',').Append(StatementCsv.Decimal(m.Received, currency)).Append(',')
              .Append(StatementCsv.Decimal(m.Owed, currency)).Append(',').Append(StatementCsv.Decimal(m.Balance, currency)).Append(',')
              .Append(currency.Code).Append('\n');
        return sb.ToString();
    }

    /// One field: quoted when it holds a comma, quote or line break (quotes doubled); a leading
    /// = + - @ tab or CR gets an apostrophe, so a spreadsheet shows a name like "=HYPERLINK(…)"
    /// as text instead of running it.
    public static string Cell(string value)
    {
        if (value.Length > 0 && "=+-@\t\r".Contains(value[0])) value = "'" + value;
        return value.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }

    /// "umoja-stokvel": for file names.
    public static string Slug(string text)
    {
        var sb = new StringBuilder();
        foreach (var c in text.ToLowerInvariant())
            if (char.IsAsciiLetterOrDigit(c)) sb.Append(c);
            else if (sb.Length > 0 && sb[^1] != '-') sb.Append('-');
        var slug = sb.ToString().Trim('-');
        return slug.Length == 0 ? "group" : slug.Length > 40 ? slug[..40].TrimEnd('-') : slug;
    }

    private static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Instant(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
