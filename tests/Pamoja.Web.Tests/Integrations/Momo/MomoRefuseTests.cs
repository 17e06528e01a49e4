using Pamoja.Core.Money;
using Pamoja.Web.Integrations.Momo;
using Pamoja.Web.Integrations.Payments;

namespace Pamoja.Web.Tests.Integrations.Momo;

// MomoGateway.Refuse and the amount conversions behind it (MomoMarkets). No HTTP.
public sealed class MomoRefuseTests
{
    private static MomoGateway Gateway(string environment) =>
        MomoTestHost.Gateway(new MomoOptions { BaseUrl = "http://127.0.0.1:9/", TargetEnvironment = environment });

    [Theory]
    [InlineData("UGX")]
    [InlineData("RWF")]
    [InlineData("GHS")]
    [InlineData("ZMW")]
    [InlineData("XAF")]
    [InlineData("XOF")]
    [InlineData("EUR")]
    public void SandboxTakesMomoCurrenciesAndEuro(string currency)
    {
        Assert.Null(Gateway("sandbox").Refuse(PaymentDirection.Collection, "+46733123450", 150_000, currency));
    }

    [Theory]
    [InlineData("KES")]
    [InlineData("USD")]
    [InlineData("TZS")]
    [InlineData("ugx")]
    [InlineData("XYZ")]
    [InlineData("")]
    public void CurrenciesMomoDoesNotCarryAreRefused(string currency)
    {
        var why = Gateway("sandbox").Refuse(PaymentDirection.Payout, "+256772123456", 1000, currency);
        Assert.NotNull(why);
        Assert.Contains("does not carry", why, StringComparison.Ordinal);
    }

    [Fact]
    public void ProductionMarketTakesOnlyItsOwnCurrencyAndCountry()
    {
        var uganda = Gateway("mtnuganda");
        Assert.Null(uganda.Refuse(PaymentDirection.Payout, "+256772123456", 50_000, "UGX"));
        Assert.NotNull(uganda.Refuse(PaymentDirection.Payout, "+256772123456", 50_000, "RWF"));
        // Euros are the sandbox's currency only.
        Assert.NotNull(uganda.Refuse(PaymentDirection.Payout, "+256772123456", 50_000, "EUR"));
        Assert.Contains("+256", uganda.Refuse(PaymentDirection.Collection, "+250788123456", 50_000, "UGX"), StringComparison.Ordinal);
        Assert.Null(Gateway("mtnrwanda").Refuse(PaymentDirection.Collection, "+250788123456", 5_000, "RWF"));
    }

    [Fact]
    public void UnknownEnvironmentTakesAnyMomoCurrencyButNotEuro()
    {
        var gateway = Gateway("mtnsomewherenew");
        Assert.Null(gateway.Refuse(PaymentDirection.Collection, "+233241234567", 1_000, "GHS"));
        Assert.NotNull(gateway.Refuse(PaymentDirection.Collection, "+233241234567", 1_000, "EUR"));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-100)]
    public void AmountMustBePositive(long amount)
    {
        Assert.NotNull(Gateway("sandbox").Refuse(PaymentDirection.Collection, "+256772123456", amount, "UGX"));
    }

    [Fact]
    public void AmountMustBeAtLeastOneWholeUnitAndWithinTheCap()
    {
        var gateway = Gateway("sandbox");
        Assert.NotNull(gateway.Refuse(PaymentDirection.Collection, "+233241234567", 50, "GHS"));    // GHS 0.50
        Assert.Null(gateway.Refuse(PaymentDirection.Collection, "+233241234567", 100, "GHS"));      // GHS 1.00
        Assert.Null(gateway.Refuse(PaymentDirection.Payout, "+256772123456", 5_000_000, "UGX"));
        Assert.Contains("limited", gateway.Refuse(PaymentDirection.Payout, "+256772123456", 5_000_001, "UGX"), StringComparison.Ordinal);
        Assert.NotNull(gateway.Refuse(PaymentDirection.Payout, "+256772123456", long.MaxValue, "UGX"));
    }

    [Theory]
    [InlineData("256772123456")]
    [InlineData("0772123456")]
    [InlineData("+25677212345678901234")]
    [InlineData("phone")]
    [InlineData("")]
    public void PhoneMustBeInternational(string phone)
    {
        Assert.NotNull(Gateway("sandbox").Refuse(PaymentDirection.Collection, phone, 1_000, "UGX"));
    }

    [Theory]
    [InlineData(1500, "UGX", "1500")]
    [InlineData(1250, "EUR", "12.50")]
    [InlineData(5, "GHS", "0.05")]
    [InlineData(100_000_000, "ZMW", "1000000.00")]
    [InlineData(7, "XOF", "7")]
    public void AmountIsWrittenInMajorUnitsWithTheCurrencysDecimals(long minor, string currency, string expected)
    {
        var c = Currency.Get(currency);
        Assert.Equal(expected, MomoMarkets.AmountText(minor, c));
        Assert.Equal(minor, MomoMarkets.MinorUnits(expected, c));
    }

    [Theory]
    [InlineData("1500.00", "UGX", 1500L)]
    [InlineData("12.5", "EUR", 1250L)]
    [InlineData("12.500", "EUR", 1250L)]
    [InlineData("12.505", "EUR", null)]
    [InlineData("12.5", "UGX", null)]
    [InlineData("-5", "EUR", null)]
    [InlineData("1e3", "EUR", null)]
    [InlineData(" 5", "EUR", null)]
    [InlineData("99999999999999999999999", "EUR", null)]
    [InlineData("", "EUR", null)]
    public void AmountTextIsReadBackStrictly(string text, string currency, long? expected)
    {
        Assert.Equal(expected, MomoMarkets.MinorUnits(text, Currency.Get(currency)));
    }

    [Fact]
    public void MsisdnIsTheDigitsWithoutPlus()
    {
        Assert.Equal("256772123456", MomoMarkets.Msisdn("+256 772 123-456"));
        Assert.Null(MomoMarkets.Msisdn("256772123456"));
    }

    [Theory]
    [InlineData("Pamoja PJ-0001", "Pamoja PJ-0001")]
    [InlineData("Payout to Ng'ang'a", "Payout to Ng ang a")]
    [InlineData("  <b>Chama</b> & co  ", "b Chama /b co")]
    [InlineData("Kikundi — Mwezi wa 3", "Kikundi Mwezi wa 3")]
    public void NotesKeepOnlyWhatMtnTakes(string text, string expected)
    {
        Assert.Equal(expected, MomoGateway.Note(text));
    }

    [Fact]
    public void NotesAreCutTo160Characters()
    {
        Assert.Equal(160, MomoGateway.Note(new string('x', 500)).Length);
        Assert.Equal("", MomoGateway.Note(null));
    }
}
