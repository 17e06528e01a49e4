namespace Pamoja.Core.Ledger;

public enum AccountType { Asset, Liability, Income, Equity }

/// An account in a group's chart of accounts, identified by a code ("pool:cash",
/// "member:<id>:contributions"). Amounts on lines are signed: a debit is positive, a credit
/// negative, and every entry's lines sum to zero.
public sealed record LedgerAccount(string Code, AccountType Type, Guid? MemberId = null)
{
    // The group's money, by where it physically is.
    public static readonly LedgerAccount PoolCash = new("pool:cash", AccountType.Asset);
    public static readonly LedgerAccount PoolBank = new("pool:bank", AccountType.Asset);
    public static readonly LedgerAccount PoolMobile = new("pool:mobile", AccountType.Asset);

    // Money in flight at a provider: an STK push accepted but not confirmed, a B2C sent but not settled.
    public static readonly LedgerAccount ClearingMpesa = new("clearing:mpesa", AccountType.Asset);
    public static readonly LedgerAccount ClearingMomo = new("clearing:momo", AccountType.Asset);

    public static readonly LedgerAccount IncomeFines = new("income:fines", AccountType.Income);
    public static readonly LedgerAccount IncomeFees = new("income:fees", AccountType.Income);
    public static readonly LedgerAccount IncomeInterest = new("income:interest", AccountType.Income);

    /// Payouts approved but not yet paid.
    public static readonly LedgerAccount PayablePayouts = new("payable:payouts", AccountType.Liability);

    /// The group's own funds brought from paper when it moved onto Pamoja (opening balances).
    public static readonly LedgerAccount EquityOpening = new("equity:opening", AccountType.Equity);

    /// What the member has paid in: the group owes it to them (credit balance).
    public static LedgerAccount MemberContributions(Guid memberId) => new($"member:{memberId}:contributions", AccountType.Liability, memberId);

    /// What the member owes the group: fines, fees and arrears charged but not paid (debit balance).
    public static LedgerAccount MemberReceivable(Guid memberId) => new($"member:{memberId}:receivable", AccountType.Asset, memberId);

    /// What the group has paid out to the member (a rotating group's pot, a share-out).
    public static LedgerAccount MemberPayouts(Guid memberId) => new($"member:{memberId}:payouts", AccountType.Liability, memberId);

    public static LedgerAccount Pool(PaymentMethod method) => method switch
    {
        PaymentMethod.Cash => PoolCash,
        PaymentMethod.Bank => PoolBank,
        _ => PoolMobile,
    };

    private static readonly Dictionary<string, LedgerAccount> Fixed = new[]
    {
        PoolCash, PoolBank, PoolMobile, ClearingMpesa, ClearingMomo, IncomeFines, IncomeFees, IncomeInterest, PayablePayouts, EquityOpening,
    }.ToDictionary(a => a.Code, StringComparer.Ordinal);

    public static IReadOnlyCollection<LedgerAccount> GroupAccounts => Fixed.Values;

    /// Reads a code back; null for anything that is not one of ours.
    public static LedgerAccount? Parse(string code)
    {
        if (Fixed.TryGetValue(code, out var account)) return account;
        var parts = code.Split(':');
        // Exactly our spelling (lower-case GUID): a look-alike code must not name the same member.
        if (parts.Length != 3 || parts[0] != "member" || !Guid.TryParseExact(parts[1], "D", out var member) || member.ToString("D") != parts[1]) return null;
        return parts[2] switch
        {
            "contributions" => MemberContributions(member),
            "receivable" => MemberReceivable(member),
            "payouts" => MemberPayouts(member),
            _ => null,
        };
    }

    public bool IsPool => Code.StartsWith("pool:", StringComparison.Ordinal);
}

public enum PaymentMethod { Cash, Bank, Mpesa, Momo }
