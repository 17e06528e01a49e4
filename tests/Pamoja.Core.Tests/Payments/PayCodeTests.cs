using Pamoja.Core.Payments;

namespace Pamoja.Core.Tests.Payments;

public sealed class PayCodeTests
{
    [Theory]
    [InlineData(7992739871, "79927398713")] // the textbook Luhn example
    [InlineData(1000000, "10000008")]       // the first code migration 0006 hands out
    [InlineData(0, "00")]
    public void Appends_the_Luhn_check_digit(long number, string expected)
    {
        Assert.Equal(expected, PayCode.For(number));
        Assert.True(PayCode.IsValid(expected));
    }

    [Fact]
    public void Every_single_mistyped_digit_names_nobody()
    {
        var code = PayCode.For(1234567);
        for (var i = 0; i < code.Length; i++)
            for (var d = '0'; d <= '9'; d++)
            {
                if (d == code[i]) continue;
                var typo = code[..i] + d + code[(i + 1)..];
                Assert.False(PayCode.IsValid(typo), typo);
            }
    }

    [Fact]
    public void Swapped_neighbours_name_nobody()
    {
        for (long n = 1_000_000; n < 1_002_000; n++)
        {
            var code = PayCode.For(n);
            for (var i = 0; i + 1 < code.Length; i++)
            {
                if (code[i] == code[i + 1]) continue;
                // Luhn's one blind spot: 09 ↔ 90.
                if ((code[i], code[i + 1]) is ('0', '9') or ('9', '0')) continue;
                var swapped = code[..i] + code[i + 1] + code[i] + code[(i + 2)..];
                Assert.False(PayCode.IsValid(swapped), $"{code} → {swapped}");
            }
        }
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("1")]
    [InlineData("1000000A")]
    [InlineData(" 10000008")]
    [InlineData("1234567890123")]
    [InlineData("١٠٠٠٠٠٠٨")] // Arabic-Indic digits are not ASCII digits
    public void Refuses_what_is_not_a_code(string? code) => Assert.False(PayCode.IsValid(code));
}
