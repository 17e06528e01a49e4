using Pamoja.Core.Phones;

namespace Pamoja.Core.Tests.Phones;

public sealed class PhoneNumberTests
{
    [Theory]
    [InlineData("+254712345678", "+254712345678")]
    [InlineData(" +254 712 345 678 ", "+254712345678")]
    [InlineData("+254-712-345-678", "+254712345678")]
    [InlineData("+27 (82) 123.4567", "+27821234567")]
    [InlineData("00234 803 123 4567", "+2348031234567")]
    [InlineData("+447911123456", "+447911123456")]
    [InlineData("+250788123456", "+250788123456")]
    [InlineData("+254712345678\n", "+254712345678")] // a pasted trailing newline
    public void Accepts_international_numbers_in_any_spacing(string input, string expected)
    {
        Assert.True(PhoneNumber.TryParse(input, out var phone));
        Assert.Equal(expected, phone.Value);
        Assert.Equal(expected, PhoneNumber.Parse(input).ToString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("0712345678")]          // national form: which country?
    [InlineData("254712345678")]        // no + or 00
    [InlineData("+0712345678")]         // country codes never start with 0
    [InlineData("+2547")]               // too short
    [InlineData("+1234567890123456")]   // 16 digits: longer than E.164 allows
    [InlineData("+254 712 ABC 678")]
    [InlineData("+254\u0000712345678")] // embedded control characters are not digits
    [InlineData("++254712345678")]
    public void Refuses_what_is_not_an_E164_number(string? input)
    {
        Assert.False(PhoneNumber.TryParse(input, out _));
        if (input is not null) Assert.Throws<FormatException>(() => PhoneNumber.Parse(input));
    }

    [Fact]
    public void Refuses_huge_input_without_scanning_it()
    {
        Assert.False(PhoneNumber.TryParse("+" + new string('1', 1_000_000), out _));
    }

    [Fact]
    public void Masks_all_but_the_country_prefix_and_last_three_digits()
    {
        Assert.Equal("+2547•••••678", PhoneNumber.Parse("+254712345678").Masked());
    }
}
