using Pamoja.Core.Groups;
using Pamoja.Core.Money;
using Pamoja.Core.Schedules;

namespace Pamoja.Core.Tests.Groups;

public sealed class GroupSettingsRulesTests
{
    private static readonly Currency Kes = Currency.Get("KES");

    private static GroupRules Valid(GroupKind kind) => kind switch
    {
        GroupKind.Rosca => new(150_000, Frequency.Monthly, 0, 0, LateFine.None, RotationOrder.Fixed, PotRule.Net, 0, 0),
        GroupKind.Asca => new(50_000, Frequency.Weekly, 0, 10_000, new LateFine(5_000, 0, 3), null, null, 0, 0),
        GroupKind.Vsla => new(20_000, Frequency.Weekly, 0, 0, LateFine.None, null, null, 1, 5),
        GroupKind.Cooperative => new(null, Frequency.Semimonthly, 0, 0, LateFine.None, null, null, 0, 0),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    private static IReadOnlyList<(string Field, string Message)> Check(GroupKind kind, GroupRules rules, int maxMembers = 10) =>
        GroupSettingsRules.Check(kind, Kes, rules, maxMembers);

    private static void AssertOnly(string field, IReadOnlyList<(string Field, string Message)> errors)
    {
        Assert.True(errors.Count > 0, $"expected an error on {field}, got none");
        Assert.All(errors, e => Assert.Equal(field, e.Field));
        Assert.All(errors, e => Assert.False(string.IsNullOrWhiteSpace(e.Message)));
    }

    [Theory]
    [InlineData(GroupKind.Rosca)]
    [InlineData(GroupKind.Asca)]
    [InlineData(GroupKind.Vsla)]
    [InlineData(GroupKind.Cooperative)]
    public void A_consistent_group_of_each_kind_passes(GroupKind kind) => Assert.Empty(Check(kind, Valid(kind)));

    [Theory]
    [InlineData(int.MinValue, false)]
    [InlineData(0, false)]
    [InlineData(1, false)]
    [InlineData(2, true)]
    [InlineData(250, true)]
    [InlineData(500, true)]
    [InlineData(501, false)]
    [InlineData(int.MaxValue, false)]
    public void Member_limit_is_2_to_500(int maxMembers, bool ok)
    {
        var errors = Check(GroupKind.Asca, Valid(GroupKind.Asca), maxMembers);
        if (ok) Assert.Empty(errors);
        else AssertOnly("maxMembers", errors);
    }

    [Theory]
    [InlineData(GroupKind.Rosca)]
    [InlineData(GroupKind.Asca)]
    [InlineData(GroupKind.Vsla)]
    public void A_contribution_amount_is_required_except_for_cooperatives(GroupKind kind) =>
        AssertOnly("contribution.amount", Check(kind, Valid(kind) with { ContributionAmount = null }));

    [Theory]
    [InlineData(long.MinValue, false)]
    [InlineData(-1L, false)]
    [InlineData(0L, false)]
    [InlineData(1L, true)]
    [InlineData(GroupSettingsRules.MaxAmount, true)]
    [InlineData(GroupSettingsRules.MaxAmount + 1, false)]
    [InlineData(long.MaxValue, false)]
    public void The_contribution_is_a_positive_amount_up_to_the_maximum(long amount, bool ok)
    {
        foreach (var kind in Enum.GetValues<GroupKind>())
        {
            var errors = Check(kind, Valid(kind) with { ContributionAmount = amount });
            if (ok) Assert.Empty(errors);
            else AssertOnly("contribution.amount", errors);
        }
    }

    [Fact]
    public void The_amount_message_names_the_currency_minor_unit() =>
        Assert.Contains("KES", Check(GroupKind.Asca, Valid(GroupKind.Asca) with { ContributionAmount = 0 }).Single().Message, StringComparison.Ordinal);

    [Theory]
    [InlineData(-1, false)]
    [InlineData(0, false)]
    [InlineData(1, true)]
    [InlineData(30, true)]
    [InlineData(366, true)]
    [InlineData(367, false)]
    public void Every_N_days_needs_N_between_1_and_366(int everyDays, bool ok)
    {
        var errors = Check(GroupKind.Asca, Valid(GroupKind.Asca) with { Frequency = Frequency.Days, EveryDays = everyDays });
        if (ok) Assert.Empty(errors);
        else AssertOnly("contribution.everyDays", errors);
    }

    [Theory]
    [InlineData(Frequency.Weekly)]
    [InlineData(Frequency.Biweekly)]
    [InlineData(Frequency.Semimonthly)]
    [InlineData(Frequency.Monthly)]
    public void EveryDays_applies_only_to_frequency_days(Frequency frequency)
    {
        Assert.Empty(Check(GroupKind.Asca, Valid(GroupKind.Asca) with { Frequency = frequency, EveryDays = 0 }));
        AssertOnly("contribution.everyDays", Check(GroupKind.Asca, Valid(GroupKind.Asca) with { Frequency = frequency, EveryDays = 7 }));
    }

    [Theory]
    [InlineData(-1L, false)]
    [InlineData(0L, true)]
    [InlineData(GroupSettingsRules.MaxAmount, true)]
    [InlineData(GroupSettingsRules.MaxAmount + 1, false)]
    public void The_registration_fee_is_zero_or_positive(long fee, bool ok)
    {
        var errors = Check(GroupKind.Asca, Valid(GroupKind.Asca) with { RegistrationFee = fee });
        if (ok) Assert.Empty(errors);
        else AssertOnly("registrationFee", errors);
    }

    [Theory]
    [InlineData(-1L, false)]
    [InlineData(0L, true)]
    [InlineData(GroupSettingsRules.MaxAmount, true)]
    [InlineData(GroupSettingsRules.MaxAmount + 1, false)]
    public void A_flat_late_fine_is_zero_or_positive(long amount, bool ok)
    {
        var errors = Check(GroupKind.Asca, Valid(GroupKind.Asca) with { LateFine = new LateFine(amount, 0, 3) });
        if (ok) Assert.Empty(errors);
        else AssertOnly("lateFine.amount", errors);
    }

    [Theory]
    [InlineData(-1, false)]
    [InlineData(0, true)]
    [InlineData(1, true)]
    [InlineData(250, true)]
    [InlineData(10_000, true)]
    [InlineData(10_001, false)]
    public void A_percentage_late_fine_is_0_to_100_percent_in_basis_points(int basisPoints, bool ok)
    {
        var errors = Check(GroupKind.Asca, Valid(GroupKind.Asca) with { LateFine = new LateFine(0, basisPoints, 3) });
        if (ok) Assert.Empty(errors);
        else AssertOnly("lateFine.percent", errors);
    }

    [Fact]
    public void A_late_fine_is_a_flat_amount_or_a_percentage_not_both() =>
        AssertOnly("lateFine", Check(GroupKind.Asca, Valid(GroupKind.Asca) with { LateFine = new LateFine(5_000, 250, 3) }));

    [Theory]
    [InlineData(-1, false)]
    [InlineData(0, true)]
    [InlineData(60, true)]
    [InlineData(61, false)]
    public void Grace_days_are_0_to_60(int graceDays, bool ok)
    {
        var errors = Check(GroupKind.Asca, Valid(GroupKind.Asca) with { LateFine = new LateFine(5_000, 0, graceDays) });
        if (ok) Assert.Empty(errors);
        else AssertOnly("lateFine.graceDays", errors);
    }

    [Fact]
    public void A_rotating_group_needs_an_order_and_a_pot_rule()
    {
        AssertOnly("rotation.order", Check(GroupKind.Rosca, Valid(GroupKind.Rosca) with { RotationOrder = null }));
        AssertOnly("rotation.pot", Check(GroupKind.Rosca, Valid(GroupKind.Rosca) with { Pot = null }));
        var both = Check(GroupKind.Rosca, Valid(GroupKind.Rosca) with { RotationOrder = null, Pot = null });
        Assert.Equal(["rotation.order", "rotation.pot"], both.Select(e => e.Field).Order(StringComparer.Ordinal));
        foreach (var order in Enum.GetValues<RotationOrder>())
            foreach (var pot in Enum.GetValues<PotRule>())
                Assert.Empty(Check(GroupKind.Rosca, Valid(GroupKind.Rosca) with { RotationOrder = order, Pot = pot }));
    }

    [Theory]
    [InlineData(GroupKind.Asca)]
    [InlineData(GroupKind.Vsla)]
    [InlineData(GroupKind.Cooperative)]
    public void Rotation_applies_only_to_rotating_groups(GroupKind kind)
    {
        AssertOnly("rotation", Check(kind, Valid(kind) with { RotationOrder = RotationOrder.Lottery }));
        AssertOnly("rotation", Check(kind, Valid(kind) with { Pot = PotRule.Gross }));
    }

    [Theory]
    [InlineData(1, 1, true)]
    [InlineData(1, 5, true)]
    [InlineData(2, 3, true)]
    [InlineData(1, GroupSettingsRules.MaxShares, true)]
    [InlineData(0, 5, false)]
    [InlineData(-1, 5, false)]
    [InlineData(3, 2, false)]
    [InlineData(1, GroupSettingsRules.MaxShares + 1, false)]
    [InlineData(0, 0, false)]
    public void A_VSLA_sells_1_to_10_shares_per_meeting_with_min_at_most_max(int min, int max, bool ok)
    {
        var errors = Check(GroupKind.Vsla, Valid(GroupKind.Vsla) with { SharesMin = min, SharesMax = max });
        if (ok) Assert.Empty(errors);
        else AssertOnly("shares", errors);
    }

    [Theory]
    [InlineData(GroupKind.Rosca)]
    [InlineData(GroupKind.Asca)]
    [InlineData(GroupKind.Cooperative)]
    public void Shares_apply_only_to_VSLAs(GroupKind kind)
    {
        AssertOnly("shares", Check(kind, Valid(kind) with { SharesMin = 1, SharesMax = 5 }));
        AssertOnly("shares", Check(kind, Valid(kind) with { SharesMin = 0, SharesMax = 1 }));
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        var rules = new GroupRules(0, Frequency.Weekly, 5, -1, new LateFine(-1, 20_000, 99), null, PotRule.Net, 1, 5);
        var fields = Check(GroupKind.Asca, rules, maxMembers: 1).Select(e => e.Field).ToHashSet();
        Assert.True(fields.SetEquals(["maxMembers", "contribution.amount", "contribution.everyDays", "registrationFee",
            "lateFine.amount", "lateFine.percent", "lateFine.graceDays", "rotation", "shares"]), string.Join(", ", fields));
    }
}
