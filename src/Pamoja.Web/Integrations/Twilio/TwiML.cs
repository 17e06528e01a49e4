using System.Text;
using System.Xml;

namespace Pamoja.Web.Integrations.Twilio;

/// The replies to an inbound-message webhook (protocols.md §4.3).
public static class TwiML
{
    public const string ContentType = "text/xml; charset=utf-8";

    private const string Declaration = """<?xml version="1.0" encoding="UTF-8"?>""";

    /// No reply.
    public static string Empty { get; } = Declaration + "<Response/>";

    /// One reply to the sender. Null or empty is no reply: Twilio refuses an empty message.
    /// Characters XML 1.0 cannot carry (control characters, lone surrogates) are dropped rather
    /// than sent: one stray byte would make Twilio discard the whole document.
    public static string Message(string? body)
    {
        var text = Escape(body);
        return text.Length == 0 ? Empty : Declaration + "<Response><Message><Body>" + text + "</Body></Message></Response>";
    }

    internal static string Escape(string? text)
    {
        if (string.IsNullOrEmpty(text))
            return "";
        var xml = new StringBuilder(text.Length + 16);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && XmlConvert.IsXmlSurrogatePair(text[i + 1], c))
            {
                xml.Append(c).Append(text[++i]);
                continue;
            }
            if (!XmlConvert.IsXmlChar(c))
                continue;
            switch (c)
            {
                case '&': xml.Append("&amp;"); break;
                case '<': xml.Append("&lt;"); break;
                case '>': xml.Append("&gt;"); break;
                case '"': xml.Append("&quot;"); break;
                case '\'': xml.Append("&apos;"); break;
                // A literal CR would be read back as LF by any XML parser.
                case '\r': xml.Append("&#xD;"); break;
                default: xml.Append(c); break;
            }
        }
        return xml.ToString();
    }
}
