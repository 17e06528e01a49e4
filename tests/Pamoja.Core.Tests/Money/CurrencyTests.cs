using Pamoja.Core.Money;

namespace Pamoja.Core.Tests.Money;

public sealed class CurrencyTests
{
    [Theory]
    [InlineData("KES", 2)]
    [InlineData("UGX", 0)]
    [InlineData("RWF", 0)]
    [InlineData("GBP", 2)]
    [InlineData("ZAR", 2)]
    [InlineData("NGN", 2)]
    [InlineData("TZS", 2)]
    [InlineData("GHS", 2)]
    [InlineData("XOF", 0)]
    [InlineData("BIF", 0)]
    public void Known_codes_have_their_ISO_4217_exponent(string code, int exponent)
    {
        Assert.True(Currency.TryGet(code, out var currency));
        Assert.Equal(code, currency.Code);
        Assert.Equal(exponent, currency.Exponent);
        Assert.False(string.IsNullOrWhiteSpace(currency.Name));
        Assert.Same(currency, Currency.Get(code));
        Assert.Equal(code, currency.ToString());
    }

    [Fact]
    public void All_is_sorted_by_code_without_duplicates_and_every_code_is_three_capitals()
    {
        var codes = Currency.All.Select(c => c.Code).ToList();
        Assert.Equal(codes.Order(StringComparer.Ordinal), codes);
        Assert.Equal(codes.Count, codes.Distinct(StringComparer.Ordinal).Count());
        Assert.All(codes, c => Assert.Matches("^[A-Z]{3}$", c));
        Assert.Subset(codes.ToHashSet(), new HashSet<string> { "KES", "ZAR", "NGN", "GBP", "RWF", "UGX", "TZS", "GHS" });
        Assert.All(Currency.All, c => Assert.InRange(c.Exponent, 0, 3));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("XYZ")]     // not ISO 4217
    [InlineData("KESX")]
    [InlineData("KE")]
    [InlineData(" KES")]
    [InlineData("KES ")]
    [InlineData("K€S")]
    [InlineData("BTC")]
    public void Unknown_codes_are_refused(string? code)
    {
        Assert.False(Currency.TryGet(code, out _));
        if (code is not null) Assert.Throws<ArgumentException>(() => Currency.Get(code));
    }

    [Theory]
    [InlineData("kes")]
    [InlineData("Kes")]
    [InlineData("gbP")]
    public void Lowercase_codes_are_refused(string code)
    {
        // ISO 4217 codes are capitals; the database column requires ^[A-Z]{3}$ and the API says so.
        Assert.False(Currency.TryGet(code, out _));
        Assert.Throws<ArgumentException>(() => Currency.Get(code));
    }

    [Theory]
    [InlineData("KES", 150_000L, "KES 1,500.00")]
    [InlineData("KES", 0L, "KES 0.00")]
    [InlineData("KES", 1L, "KES 0.01")]
    [InlineData("KES", 99L, "KES 0.99")]
    [InlineData("KES", 100L, "KES 1.00")]
    [InlineData("KES", -150L, "-KES 1.50")]
    [InlineData("KES", -1L, "-KES 0.01")]
    [InlineData("KES", 123_456_789_012L, "KES 1,234,567,890.12")]
    [InlineData("GBP", 5_000L, "GBP 50.00")]
    [InlineData("ZAR", 150_000L, "ZAR 1,500.00")]
    [InlineData("RWF", 5_000L, "RWF 5,000")]
    [InlineData("RWF", 0L, "RWF 0")]
    [InlineData("RWF", -5_000L, "-RWF 5,000")]
    [InlineData("UGX", 1_000_000L, "UGX 1,000,000")]
    [InlineData("UGX", 7L, "UGX 7")]
    [InlineData("KES", long.MaxValue, "KES 92,233,720,368,547,758.07")]
    [InlineData("KES", long.MinValue, "-KES 92,233,720,368,547,758.08")]
    [InlineData("UGX", long.MinValue, "-UGX 9,223,372,036,854,775,808")]
    public void Format_writes_the_major_unit_with_the_currency_exponent(string code, long minorUnits, string expected) =>
        Assert.Equal(expected, Currency.Get(code).Format(minorUnits));

    [Fact]
    public void Format_does_not_depend_on_the_current_culture()
    {
        var previous = System.Globalization.CultureInfo.CurrentCulture;
        try
        {
            System.Globalization.CultureInfo.CurrentCulture = new System.Globalization.CultureInfo("fr-FR");
            Assert.Equal("KES 1,500.00", Currency.Get("KES").Format(150_000));
        }
        finally
        {
            System.Globalization.CultureInfo.CurrentCulture = previous;
        }
    }
}
