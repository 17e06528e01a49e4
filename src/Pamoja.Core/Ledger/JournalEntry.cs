using Pamoja.Core.Money;

namespace Pamoja.Core.Ledger;

public sealed record JournalLine(LedgerAccount Account, Money.Money Amount);

public sealed class UnbalancedEntryException(string message) : Exception(message);

/// A set of lines that moves money between accounts. It cannot exist unbalanced: the
/// constructor refuses lines that do not sum to zero in every currency, zero amounts, and
/// entries of fewer than two lines.
public sealed class JournalEntry
{
    public string Kind { get; }
    public IReadOnlyList<JournalLine> Lines { get; }

    public JournalEntry(string kind, IEnumerable<JournalLine> lines)
    {
        if (string.IsNullOrWhiteSpace(kind)) throw new ArgumentException("An entry needs a kind.", nameof(kind));
        var list = lines.ToList();
        if (list.Count < 2) throw new UnbalancedEntryException("An entry has at least two lines.");
        if (list.Any(l => l.Amount.IsZero)) throw new UnbalancedEntryException("A line of zero moves nothing.");
        foreach (var byCurrency in list.GroupBy(l => l.Amount.Currency.Code))
        {
            long sum = 0;
            foreach (var line in byCurrency) sum = checked(sum + line.Amount.Minor);
            if (sum != 0) throw new UnbalancedEntryException($"The {byCurrency.Key} lines sum to {sum}, not zero.");
        }
        Kind = kind;
        Lines = list;
    }

    /// Debit one account, credit another, by the same positive amount.
    public static JournalEntry Transfer(string kind, LedgerAccount debit, LedgerAccount credit, Money.Money amount)
    {
        if (!amount.IsPositive) throw new UnbalancedEntryException("A transfer moves a positive amount.");
        return new JournalEntry(kind, [new JournalLine(debit, amount), new JournalLine(credit, -amount)]);
    }

    /// The entry that undoes this one: every line negated.
    public JournalEntry Reversal() => new(EntryKinds.Reversal, Lines.Select(l => l with { Amount = -l.Amount }));
}

public static class EntryKinds
{
    public const string Contribution = "contribution";
    public const string RegistrationFee = "registration_fee";
    public const string FineCharged = "fine_charged";
    public const string FinePaid = "fine_paid";
    public const string Opening = "opening";
    public const string Reversal = "reversal";
    public const string PayoutReserved = "payout_reserved";
    public const string PayoutPaid = "payout_paid";
    /// A payout handed to a provider: the pool's money moves to the provider's clearing account.
    public const string PayoutSent = "payout_sent";
    /// The provider refused or failed the payout: the money goes back from clearing to the pool.
    public const string PayoutReturned = "payout_returned";
}
