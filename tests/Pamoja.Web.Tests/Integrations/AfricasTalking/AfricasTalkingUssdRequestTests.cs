using Pamoja.Web.Integrations.AfricasTalking;

namespace Pamoja.Web.Tests.Integrations.AfricasTalking;

public sealed class AfricasTalkingUssdRequestTests
{
    private static Dictionary<string, string> Form(string text = "") => new()
    {
        ["sessionId"] = "ATUid_3b1f0c9d2e",
        ["serviceCode"] = "*384*1234#",
        ["phoneNumber"] = "+254712345678",
        ["networkCode"] = "63902",
        ["text"] = text,
    };

    [Fact]
    public void TheDialHasNoInputs()
    {
        Assert.True(UssdRequest.TryParse(Form(), out var request, out var error), error);

        Assert.Equal("ATUid_3b1f0c9d2e", request.SessionId);
        Assert.Equal("*384*1234#", request.ServiceCode);
        Assert.Equal("+254712345678", request.PhoneNumber.Value);
        Assert.Equal("63902", request.NetworkCode);
        Assert.Equal("", request.Text);
        Assert.Empty(request.Inputs);
        Assert.Null(request.LastInput);
        Assert.Null(error);
    }

    [Theory]
    [InlineData("1", new[] { "1" }, "1")]
    [InlineData("1*2", new[] { "1", "2" }, "2")]
    [InlineData("1*2*500", new[] { "1", "2", "500" }, "500")]
    [InlineData("1**2", new[] { "1", "", "2" }, "2")]
    [InlineData("3*", new[] { "3", "" }, "")]
    [InlineData("Mama Wanjiru", new[] { "Mama Wanjiru" }, "Mama Wanjiru")]
    public void CumulativeTextSplitsIntoInputs(string text, string[] inputs, string last)
    {
        Assert.True(UssdRequest.TryParse(Form(text), out var request, out var error), error);

        Assert.Equal(inputs, request.Inputs);
        Assert.Equal(last, request.LastInput);
    }

    [Fact]
    public void AbsentTextIsTheDialAndAbsentNetworkCodeIsNull()
    {
        var form = Form();
        form.Remove("text");
        form.Remove("networkCode");

        Assert.True(UssdRequest.TryParse(form, out var request, out _));
        Assert.Empty(request.Inputs);
        Assert.Null(request.NetworkCode);
    }

    [Fact]
    public void EqualRequestsAreEqualAndWithRecomputesInputs()
    {
        Assert.True(UssdRequest.TryParse(Form("1*2"), out var a, out _));
        Assert.True(UssdRequest.TryParse(Form("1*2"), out var b, out _));

        Assert.Equal(a, b);
        Assert.Equal(["1", "2", "3"], (a with { Text = "1*2*3" }).Inputs);
    }

    [Theory]
    [InlineData("sessionId", null, "'sessionId' is missing")]
    [InlineData("sessionId", "", "'sessionId' is missing")]
    [InlineData("sessionId", "has space", "'sessionId' is not")]
    [InlineData("sessionId", "ATUid_\n1", "'sessionId' is not")]
    [InlineData("sessionId", "ATUid_\u00E9", "'sessionId' is not")]
    [InlineData("phoneNumber", null, "'phoneNumber' is missing")]
    [InlineData("phoneNumber", "0712345678", "'phoneNumber' is not")]
    [InlineData("phoneNumber", "254712345678", "'phoneNumber' is not")]
    [InlineData("phoneNumber", "00254712345678", "'phoneNumber' is not")]
    [InlineData("phoneNumber", "+254 712 345 678", "'phoneNumber' is not")]
    [InlineData("phoneNumber", "+2547123456789012", "'phoneNumber' is not")]
    [InlineData("phoneNumber", "+1234", "'phoneNumber' is not")]
    [InlineData("phoneNumber", "+254712345678' OR '1'='1", "'phoneNumber' is not")]
    [InlineData("phoneNumber", "+\uFF12\uFF15\uFF14712345678", "'phoneNumber' is not")]
    [InlineData("serviceCode", "*384*1234# ; DROP TABLE", "'serviceCode' is not")]
    [InlineData("networkCode", "<script>", null)]
    [InlineData("networkCode", "639 02", "'networkCode' is not")]
    [InlineData("text", "1*2\n3", "'text' is longer")]
    [InlineData("text", "1\u00002", "'text' is longer")]
    public void MalformedFieldsAreRefusedWithTheFieldNamed(string field, string? value, string? errorStart)
    {
        var form = Form();
        if (value is null) form.Remove(field);
        else form[field] = value;

        var ok = UssdRequest.TryParse(form, out var request, out var error);

        if (errorStart is null)
        {
            // Visible ASCII is all a code needs; what it means is the app's business.
            Assert.True(ok, error);
            return;
        }
        Assert.False(ok);
        Assert.Null(request);
        Assert.StartsWith(errorStart, error, StringComparison.Ordinal);
    }

    [Fact]
    public void ALoneSurrogateInTheTextIsRefused()
    {
        // Built here, not in InlineData: xunit's theory serialisation would replace it with U+FFFD.
        var form = Form("1*" + '\uD800');

        Assert.False(UssdRequest.TryParse(form, out _, out var error));
        Assert.StartsWith("'text' is longer", error, StringComparison.Ordinal);
    }

    [Fact]
    public void HugeValuesAreRefused()
    {
        var longId = Form();
        longId["sessionId"] = new string('A', 101);
        var longText = Form();
        longText["text"] = string.Join('*', Enumerable.Repeat("1", 501));
        var megabyte = Form();
        megabyte["phoneNumber"] = "+" + new string('7', 1_000_000);

        Assert.False(UssdRequest.TryParse(longId, out _, out _));
        Assert.False(UssdRequest.TryParse(longText, out _, out _));
        Assert.False(UssdRequest.TryParse(megabyte, out _, out _));

        var limits = Form(string.Join('*', Enumerable.Repeat("1", 500)));
        limits["sessionId"] = new string('A', 100);
        Assert.True(UssdRequest.TryParse(limits, out var atLimits, out _));
        Assert.Equal(500, atLimits.Inputs.Count);
    }

    [Fact]
    public void NullOrEmptyFormsAreRefused()
    {
        Assert.False(UssdRequest.TryParse(null, out var a, out var errorA));
        Assert.False(UssdRequest.TryParse(new Dictionary<string, string>(), out var b, out var errorB));
        Assert.Null(a);
        Assert.Null(b);
        Assert.NotNull(errorA);
        Assert.Equal("'sessionId' is missing", errorB);
    }
}
