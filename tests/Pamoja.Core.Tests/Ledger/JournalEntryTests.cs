using Pamoja.Core.Ledger;
using Pamoja.Core.Money;

namespace Pamoja.Core.Tests.Ledger;

using Money = Pamoja.Core.Money.Money;

public sealed class JournalEntryTests
{
    private static readonly Currency Kes = Currency.Get("KES");
    private static readonly Currency Zar = Currency.Get("ZAR");
    private static readonly Guid Member = Guid.Parse("5f0c6c1e-8d2b-4a51-9b3e-2f1d7c9a0b11");

    private static JournalLine Line(LedgerAccount account, long minor, Currency? currency = null) => new(account, new Money(minor, currency ?? Kes));

    [Fact]
    public void A_balanced_entry_keeps_its_lines_in_order()
    {
        var entry = new JournalEntry(EntryKinds.Contribution,
        [
            Line(LedgerAccount.PoolCash, 100), Line(LedgerAccount.PoolMobile, 50), Line(LedgerAccount.MemberContributions(Member), -150),
        ]);
        Assert.Equal(EntryKinds.Contribution, entry.Kind);
        Assert.Equal([100L, 50L, -150L], entry.Lines.Select(l => l.Amount.Minor));
        Assert.Equal(0, entry.Lines.Sum(l => l.Amount.Minor));
    }

    [Theory]
    [InlineData(100, -99)]
    [InlineData(100, 100)]
    [InlineData(-1, 2)]
    public void Unbalanced_lines_are_refused(long a, long b) =>
        Assert.Throws<UnbalancedEntryException>(() => new JournalEntry(EntryKinds.Contribution,
            [Line(LedgerAccount.PoolCash, a), Line(LedgerAccount.MemberContributions(Member), b)]));

    [Fact]
    public void Zero_lines_a_single_line_and_a_zero_line_are_refused()
    {
        Assert.Throws<UnbalancedEntryException>(() => new JournalEntry(EntryKinds.Contribution, []));
        Assert.Throws<UnbalancedEntryException>(() => new JournalEntry(EntryKinds.Contribution, [Line(LedgerAccount.PoolCash, 100)]));
        // A single line of zero "balances" but moves nothing.
        Assert.Throws<UnbalancedEntryException>(() => new JournalEntry(EntryKinds.Contribution, [Line(LedgerAccount.PoolCash, 0)]));
        Assert.Throws<UnbalancedEntryException>(() => new JournalEntry(EntryKinds.Contribution,
            [Line(LedgerAccount.PoolCash, 0), Line(LedgerAccount.PoolBank, 0)]));
        Assert.Throws<UnbalancedEntryException>(() => new JournalEntry(EntryKinds.Contribution,
            [Line(LedgerAccount.PoolCash, 100), Line(LedgerAccount.PoolBank, 0), Line(LedgerAccount.IncomeFees, -100)]));
    }

    [Fact]
    public void Lines_must_balance_in_every_currency_not_just_in_total()
    {
        // KES 100 against ZAR -100 sums to zero as numbers, and is nonsense as money.
        Assert.Throws<UnbalancedEntryException>(() => new JournalEntry(EntryKinds.Contribution,
            [Line(LedgerAccount.PoolCash, 100, Kes), Line(LedgerAccount.MemberContributions(Member), -100, Zar)]));
        Assert.Throws<UnbalancedEntryException>(() => new JournalEntry(EntryKinds.Contribution,
        [
            Line(LedgerAccount.PoolCash, 100, Kes), Line(LedgerAccount.IncomeFees, -100, Kes),
            Line(LedgerAccount.PoolBank, 5, Zar), Line(LedgerAccount.IncomeFines, -4, Zar),
        ]));
        // Balanced in each currency separately is an entry.
        var both = new JournalEntry(EntryKinds.Contribution,
        [
            Line(LedgerAccount.PoolCash, 100, Kes), Line(LedgerAccount.IncomeFees, -100, Kes),
            Line(LedgerAccount.PoolBank, 5, Zar), Line(LedgerAccount.IncomeFines, -5, Zar),
        ]);
        Assert.Equal(4, both.Lines.Count);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void An_entry_needs_a_kind(string kind) =>
        Assert.ThrowsAny<ArgumentException>(() => new JournalEntry(kind, [Line(LedgerAccount.PoolCash, 1), Line(LedgerAccount.IncomeFees, -1)]));

    [Fact]
    public void Transfer_debits_one_account_and_credits_the_other()
    {
        var entry = JournalEntry.Transfer(EntryKinds.Contribution, LedgerAccount.PoolMobile, LedgerAccount.MemberContributions(Member), new Money(150_000, Kes));
        Assert.Equal(2, entry.Lines.Count);
        Assert.Equal(LedgerAccount.PoolMobile, entry.Lines[0].Account);
        Assert.Equal(150_000, entry.Lines[0].Amount.Minor);
        Assert.Equal(LedgerAccount.MemberContributions(Member), entry.Lines[1].Account);
        Assert.Equal(-150_000, entry.Lines[1].Amount.Minor);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(long.MinValue + 1)]
    public void Transfer_refuses_a_non_positive_amount(long minor) =>
        Assert.Throws<UnbalancedEntryException>(() =>
            JournalEntry.Transfer(EntryKinds.Contribution, LedgerAccount.PoolCash, LedgerAccount.MemberContributions(Member), new Money(minor, Kes)));

    [Fact]
    public void Reversal_negates_every_line_and_balances()
    {
        var original = new JournalEntry(EntryKinds.Opening,
        [
            Line(LedgerAccount.PoolCash, 700), Line(LedgerAccount.PoolBank, 300),
            Line(LedgerAccount.MemberContributions(Member), -900), Line(LedgerAccount.EquityOpening, -100),
        ]);
        var reversal = original.Reversal();
        Assert.Equal(EntryKinds.Reversal, reversal.Kind);
        Assert.Equal(original.Lines.Select(l => l.Account), reversal.Lines.Select(l => l.Account));
        Assert.Equal(original.Lines.Select(l => -l.Amount.Minor), reversal.Lines.Select(l => l.Amount.Minor));
        Assert.All(reversal.Lines, l => Assert.Equal(Kes, l.Amount.Currency));
        Assert.Equal(0, reversal.Lines.Sum(l => l.Amount.Minor));
        // Reversing twice is the original again, line for line.
        Assert.Equal(original.Lines, reversal.Reversal().Lines);
    }
}
