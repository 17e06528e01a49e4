using System.Security.Cryptography;
using System.Text;
using Pamoja.Web.Integrations.Twilio;

namespace Pamoja.Web.Tests.Integrations.Twilio;

public sealed class TwilioSignatureTests
{
    // protocols.md §4.2, from Twilio's docs.
    private const string Token = "12345";
    private const string Url = "https://mycompany.com/myapp.php?foo=1&bar=2";
    private const string Expected = "0/KCTR6DLpKmkAf8muzZqo1nDgQ=";

    private static Dictionary<string, string> Params() => new()
    {
        ["CallSid"] = "CA1234567890ABCDE",
        ["Caller"] = "+12349013030",
        ["Digits"] = "1234",
        ["From"] = "+12349013030",
        ["To"] = "+18005551212",
    };

    [Fact]
    public void ComputeMatchesTwiliosTestVector()
    {
        Assert.Equal(Expected, TwilioSignature.Compute(Token, Url, Params()));
        // Order of arrival does not matter: names are sorted.
        Assert.Equal(Expected, TwilioSignature.Compute(Token, Url, Params().Reverse()));
        Assert.True(TwilioSignature.IsValid(Token, Url, Params(), Expected));
    }

    [Theory]
    [InlineData("https://mycompany.com:443/myapp.php?foo=1&bar=2")]
    [InlineData("https://user:secret@mycompany.com/myapp.php?foo=1&bar=2")]
    public void TheDefaultPortIsAcceptedEitherWay(string calledUrl)
    {
        var signedWithoutPort = TwilioSignature.Compute(Token, calledUrl.Replace(":443", "", StringComparison.Ordinal), Params());
        var signedWithPort = TwilioSignature.Compute(Token, calledUrl.Contains(":443", StringComparison.Ordinal)
            ? calledUrl
            : calledUrl.Replace("mycompany.com/", "mycompany.com:443/", StringComparison.Ordinal), Params());

        Assert.True(TwilioSignature.IsValid(Token, calledUrl, Params(), signedWithoutPort));
        Assert.True(TwilioSignature.IsValid(Token, calledUrl, Params(), signedWithPort));
    }

    [Fact]
    public void HttpUsesPort80AndOtherPortsAreNeverDropped()
    {
        var http = "http://pamoja.test/webhooks/twilio/messages";
        Assert.True(TwilioSignature.IsValid(Token, http, Params(), TwilioSignature.Compute(Token, "http://pamoja.test:80/webhooks/twilio/messages", Params())));
        Assert.True(TwilioSignature.IsValid(Token, "http://pamoja.test:80/webhooks/twilio/messages", Params(), TwilioSignature.Compute(Token, http, Params())));
        // :443 is not http's default, :8443 nobody's: a signature for the portless URL does not fit.
        Assert.False(TwilioSignature.IsValid(Token, "http://pamoja.test:443/webhooks/twilio/messages", Params(), TwilioSignature.Compute(Token, http, Params())));
        Assert.False(TwilioSignature.IsValid(Token, "https://mycompany.com:8443/myapp.php?foo=1&bar=2", Params(), Expected));
    }

    [Fact]
    public void UrlVariantsHandleIpv6AndUserInfo()
    {
        Assert.Equal(["https://[::1]/x", "https://[::1]:443/x"], TwilioSignature.UrlVariants("https://[::1]/x"));
        Assert.Equal(["https://[::1]:443/x", "https://[::1]/x"], TwilioSignature.UrlVariants("https://[::1]:443/x"));
        Assert.Equal(["https://u:p@h?q", "https://u:p@h:443?q"], TwilioSignature.UrlVariants("https://u:p@h?q"));
        Assert.Equal(["ftp://h/x"], TwilioSignature.UrlVariants("ftp://h/x"));
        Assert.Equal(["not a url"], TwilioSignature.UrlVariants("not a url"));
    }

    [Fact]
    public void AnyTamperingInvalidates()
    {
        var changedValue = Params();
        changedValue["Digits"] = "1235";
        var added = Params();
        added["Extra"] = "";
        var removed = Params();
        removed.Remove("Caller");
        var renamed = Params();
        renamed.Remove("To");
        renamed["to"] = "+18005551212";

        Assert.False(TwilioSignature.IsValid(Token, Url, changedValue, Expected));
        Assert.False(TwilioSignature.IsValid(Token, Url, added, Expected));
        Assert.False(TwilioSignature.IsValid(Token, Url, removed, Expected));
        Assert.False(TwilioSignature.IsValid(Token, Url, renamed, Expected));
        Assert.False(TwilioSignature.IsValid(Token, "https://mycompany.com/myapp.php?foo=1&bar=3", Params(), Expected));
        Assert.False(TwilioSignature.IsValid(Token, "http://mycompany.com/myapp.php?foo=1&bar=2", Params(), Expected));
        Assert.False(TwilioSignature.IsValid(Token, "https://evil.example/myapp.php?foo=1&bar=2", Params(), Expected));
        Assert.False(TwilioSignature.IsValid("12346", Url, Params(), Expected));
        Assert.False(TwilioSignature.IsValid(Token, Url, Params(), Expected.ToLowerInvariant()));
        Assert.False(TwilioSignature.IsValid(Token, Url, Params(), Expected[..^1]));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void NoHeaderIsInvalid(string? header)
    {
        Assert.False(TwilioSignature.IsValid(Token, Url, Params(), header));
    }

    [Fact]
    public void AnEmptyAuthTokenNeverValidatesEvenASignatureMadeWithIt()
    {
        var forged = TwilioSignature.Compute("", Url, Params());

        Assert.False(TwilioSignature.IsValid("", Url, Params(), forged));
    }

    [Fact]
    public void GarbageNeverThrows()
    {
        Assert.False(TwilioSignature.IsValid(Token, "", Params(), Expected));
        Assert.False(TwilioSignature.IsValid(Token, "https://", Params(), Expected));
        Assert.False(TwilioSignature.IsValid(Token, "https://h:", [], "not base64 at all ☃"));
        Assert.False(TwilioSignature.IsValid(null!, Url, Params(), Expected));
        Assert.False(TwilioSignature.IsValid(Token, null!, Params(), Expected));
        Assert.False(TwilioSignature.IsValid(Token, Url, null!, Expected));
    }

    [Fact]
    public void ARepeatedNameContributesEachValueSorted()
    {
        KeyValuePair<string, string>[] form = [new("MediaUrl", "b"), new("Body", "x"), new("MediaUrl", "a")];
        var data = "https://h/x" + "Body" + "x" + "MediaUrl" + "a" + "MediaUrl" + "b";
        var expected = Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(Token), Encoding.UTF8.GetBytes(data)));

        Assert.Equal(expected, TwilioSignature.Compute(Token, "https://h/x", form));
        Assert.True(TwilioSignature.IsValid(Token, "https://h/x", form, expected));
        Assert.False(TwilioSignature.IsValid(Token, "https://h/x", form.Take(2), expected));
    }

    [Fact]
    public void NonAsciiIsSignedAsUtf8()
    {
        KeyValuePair<string, string>[] form = [new("Body", "Habari 👋 ñ")];
        var expected = Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(Token), Encoding.UTF8.GetBytes("https://h/xBodyHabari 👋 ñ")));

        Assert.Equal(expected, TwilioSignature.Compute(Token, "https://h/x", form));
    }
}
