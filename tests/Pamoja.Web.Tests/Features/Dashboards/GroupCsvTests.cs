using Pamoja.Core.Money;
using Pamoja.Web.Features.Dashboards;
using Pamoja.Web.Features.Ledger;

namespace Pamoja.Web.Tests.Features.Dashboards;

/// CSV cells and money columns, without a database.
public sealed class GroupCsvTests
{
    [Theory]
    [InlineData("Amina", "Amina")]
    [InlineData("Njeri, Amina", "\"Njeri, Amina\"")]
    [InlineData("the \"big\" one", "\"the \"\"big\"\" one\"")]
    [InlineData("two\nlines", "\"two\nlines\"")]
    [InlineData("=HYPERLINK(\"x\")", "\"'=HYPERLINK(\"\"x\"\")\"")]
    [InlineData("+254712345678", "'+254712345678")]
    [InlineData("-5", "'-5")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    [InlineData("", "")]
    public void Cells_are_quoted_and_formulas_defused(string value, string expected) => Assert.Equal(expected, GroupCsv.Cell(value));

    [Fact]
    public void Balances_are_decimal_strings_of_the_minor_units()
    {
        var zar = GroupCsv.Balances(new BalancesView("ZAR", 0, new Dictionary<string, long>(),
            [new MemberBalance(Guid.Empty, "Njeri, Amina", 150_005, 0, 5_000, -1)]));
        Assert.Equal("member_id,member,contributed,received,owed,balance,currency\n" +
                     "00000000-0000-0000-0000-000000000000,\"Njeri, Amina\",1500.05,0.00,50.00,-0.01,ZAR\n", zar);
        var ugx = GroupCsv.Balances(new BalancesView("UGX", 0, new Dictionary<string, long>(),
            [new MemberBalance(Guid.Empty, "Okello", 20_000, 0, 0, 20_000)]));
        Assert.EndsWith(",20000,0,0,20000,UGX\n", ugx, StringComparison.Ordinal);
    }

    [Fact]
    public void Contributions_list_the_money_members_paid_in_with_reversals_negative()
    {
        var member = Guid.NewGuid();
        var paid = new JournalEntryView(Guid.NewGuid(), 1, DateTimeOffset.UnixEpoch, new DateOnly(2027, 1, 1), "contribution", "January", null, "mpesa", "QK1,2",
            [new JournalLineView("pool:mobile", 150_000), new JournalLineView($"member:{member}:contributions", -150_000)], "h", "p");
        var reversed = new JournalEntryView(Guid.NewGuid(), 2, DateTimeOffset.UnixEpoch, new DateOnly(2027, 1, 2), "reversal", "", paid.Id, null, null,
            [new JournalLineView("pool:mobile", -150_000), new JournalLineView($"member:{member}:contributions", 150_000)], "h", "p");
        var fine = new JournalEntryView(Guid.NewGuid(), 3, DateTimeOffset.UnixEpoch, new DateOnly(2027, 1, 6), "fine_charged", "", null, null, null,
            [new JournalLineView($"member:{member}:receivable", 5_000), new JournalLineView("income:fines", -5_000)], "h", "p");
        var csv = GroupCsv.Contributions([paid, reversed, fine], Currency.Get("KES"), _ => "Amina");
        var lines = csv.TrimEnd('\n').Split('\n');
        Assert.Equal(3, lines.Length); // header, the payment, its reversal; the fine is no contribution
        Assert.Equal($"1,2027-01-01,{member},Amina,contribution,1500.00,\"QK1,2\",January,KES", lines[1]);
        Assert.Equal($"2,2027-01-02,{member},Amina,reversal,-1500.00,,,KES", lines[2]);
    }
}
