using Pamoja.Core.Ledger;

namespace Pamoja.Core.Tests.Ledger;

public sealed class LedgerAccountTests
{
    private static readonly Guid Member = Guid.Parse("0b9e4c52-31f6-4d8a-a7c2-9e5d1f3b6a80");

    public static TheoryData<string> EveryCode()
    {
        var data = new TheoryData<string>();
        foreach (var account in LedgerAccount.GroupAccounts) data.Add(account.Code);
        data.Add(LedgerAccount.MemberContributions(Member).Code);
        data.Add(LedgerAccount.MemberReceivable(Member).Code);
        data.Add(LedgerAccount.MemberPayouts(Member).Code);
        return data;
    }

    [Theory]
    [MemberData(nameof(EveryCode))]
    public void Parse_round_trips_every_code(string code)
    {
        var account = LedgerAccount.Parse(code);
        Assert.NotNull(account);
        Assert.Equal(code, account.Code);
        Assert.Equal(account, LedgerAccount.Parse(account.Code));
        Assert.Equal(code.StartsWith("member:", StringComparison.Ordinal) ? Member : null, account.MemberId);
    }

    [Fact]
    public void The_chart_of_accounts_has_the_expected_codes_and_types()
    {
        var codes = LedgerAccount.GroupAccounts.ToDictionary(a => a.Code, a => a.Type);
        Assert.Equal(AccountType.Asset, codes["pool:cash"]);
        Assert.Equal(AccountType.Asset, codes["pool:bank"]);
        Assert.Equal(AccountType.Asset, codes["pool:mobile"]);
        Assert.Equal(AccountType.Asset, codes["clearing:mpesa"]);
        Assert.Equal(AccountType.Asset, codes["clearing:momo"]);
        Assert.Equal(AccountType.Income, codes["income:fines"]);
        Assert.Equal(AccountType.Income, codes["income:fees"]);
        Assert.Equal(AccountType.Income, codes["income:interest"]);
        Assert.Equal(AccountType.Liability, codes["payable:payouts"]);
        Assert.Equal(AccountType.Equity, codes["equity:opening"]);
        Assert.Equal(AccountType.Liability, LedgerAccount.MemberContributions(Member).Type);
        Assert.Equal(AccountType.Asset, LedgerAccount.MemberReceivable(Member).Type);
        Assert.Equal(AccountType.Liability, LedgerAccount.MemberPayouts(Member).Type);
        Assert.Equal(["pool:bank", "pool:cash", "pool:mobile"], LedgerAccount.GroupAccounts.Where(a => a.IsPool).Select(a => a.Code).Order(StringComparer.Ordinal));
        Assert.False(LedgerAccount.MemberContributions(Member).IsPool);
        // Account codes fit the database column (varchar(80)).
        foreach (string code in EveryCode()) Assert.InRange(code.Length, 1, 80);
    }

    [Theory]
    [InlineData(PaymentMethod.Cash, "pool:cash")]
    [InlineData(PaymentMethod.Bank, "pool:bank")]
    [InlineData(PaymentMethod.Mpesa, "pool:mobile")]
    [InlineData(PaymentMethod.Momo, "pool:mobile")]
    public void Each_payment_method_has_its_pool(PaymentMethod method, string code) => Assert.Equal(code, LedgerAccount.Pool(method).Code);

    [Theory]
    [InlineData("")]
    [InlineData("pool")]
    [InlineData("pool:")]
    [InlineData("pool:gold")]
    [InlineData("POOL:CASH")]
    [InlineData(" pool:cash")]
    [InlineData("pool:cash ")]
    [InlineData("income:loans")]
    [InlineData("member")]
    [InlineData("member::contributions")]
    [InlineData("member:not-a-guid:contributions")]
    [InlineData("member:0b9e4c52-31f6-4d8a-a7c2-9e5d1f3b6a80")]
    [InlineData("member:0b9e4c52-31f6-4d8a-a7c2-9e5d1f3b6a80:")]
    [InlineData("member:0b9e4c52-31f6-4d8a-a7c2-9e5d1f3b6a80:loans")]
    [InlineData("member:0b9e4c52-31f6-4d8a-a7c2-9e5d1f3b6a80:contributions:extra")]
    [InlineData("member:0b9e4c5231f64d8aa7c29e5d1f3b6a80:contributions")]
    [InlineData("member:{0b9e4c52-31f6-4d8a-a7c2-9e5d1f3b6a80}:contributions")]
    [InlineData("Member:0b9e4c52-31f6-4d8a-a7c2-9e5d1f3b6a80:contributions")]
    [InlineData("member:0b9e4c52-31f6-4d8a-a7c2-9e5d1f3b6a80:Contributions")]
    [InlineData("member:0B9E4C52-31F6-4D8A-A7C2-9E5D1F3B6A80:contributions")]
    public void Parse_refuses_anything_that_is_not_exactly_one_of_our_codes(string code)
    {
        // Whatever Parse accepts must be that very code: an account read back from the database
        // (as ReverseEntry does) has to post to the same account, not to a look-alike.
        var account = LedgerAccount.Parse(code);
        Assert.True(account is null, $"'{code}' parsed as {account?.Code}");
    }
}
