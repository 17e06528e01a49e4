using System.Xml.Linq;
using Pamoja.Web.Integrations.Twilio;

namespace Pamoja.Web.Tests.Integrations.Twilio;

public sealed class TwiMLTests
{
    [Fact]
    public void MessageIsTheDocumentedShape()
    {
        Assert.Equal("""<?xml version="1.0" encoding="UTF-8"?><Response><Message><Body>Your balance is KES 1,200</Body></Message></Response>""",
            TwiML.Message("Your balance is KES 1,200"));
    }

    [Fact]
    public void EmptyIsAnEmptyResponse()
    {
        Assert.Equal("""<?xml version="1.0" encoding="UTF-8"?><Response/>""", TwiML.Empty);
        Assert.Equal(TwiML.Empty, TwiML.Message(null));
        Assert.Equal(TwiML.Empty, TwiML.Message(""));
        Assert.Equal(TwiML.Empty, TwiML.Message("\u0001\u0002")); // nothing legal left
        Assert.Equal("text/xml; charset=utf-8", TwiML.ContentType);
    }

    [Fact]
    public void MarkupCharactersAreEscaped()
    {
        var xml = TwiML.Message("""<b>Amina</b> & "Baraka" 'n' </Body></Message><Message>injected""");

        Assert.Contains("&lt;b&gt;Amina&lt;/b&gt; &amp; &quot;Baraka&quot; &apos;n&apos; &lt;/Body&gt;", xml, StringComparison.Ordinal);
        Assert.Equal("""<b>Amina</b> & "Baraka" 'n' </Body></Message><Message>injected""", SingleBody(xml));
    }

    [Fact]
    public void CharactersIllegalInXmlAreDroppedAndTheRestSurvives()
    {
        var body = "Salio\u0000\u0001\u0008\u000B\u000C\u001F\uFFFE\uFFFF: KES 500\tok\nasante 👋 \uD800lone \uDC00surrogates\r\nmwisho";

        var xml = TwiML.Message(body);

        Assert.Equal("Salio: KES 500\tok\nasante 👋 lone surrogates\r\nmwisho", SingleBody(xml));
    }

    [Fact]
    public void EveryBmpCharacterEitherRoundTripsOrIsDropped()
    {
        // Surrogates are left out: adjacent ones pair up (the test above covers lone ones).
        var all = new string(Enumerable.Range(0, 0x10000).Where(i => i is < 0xD800 or > 0xDFFF).Select(i => (char)i).ToArray());

        var body = SingleBody(TwiML.Message(all));

        Assert.Equal(new string(all.Where(System.Xml.XmlConvert.IsXmlChar).ToArray()), body);
    }

    private static string SingleBody(string xml)
    {
        var doc = XDocument.Parse(xml, LoadOptions.PreserveWhitespace);
        Assert.Equal("Response", doc.Root!.Name.LocalName);
        return Assert.Single(doc.Root.Elements("Message")).Element("Body")!.Value;
    }
}
