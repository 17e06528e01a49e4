using System.Text;

namespace Pamoja.Web.Integrations.AfricasTalking;

/// The body of an answer to a USSD step (protocols.md §5.1): "CON " and a screen keeps the
/// session open for the next input, "END " and a screen closes it. Serve it with
/// `ContentType` and HTTP 200; anything else makes AT end the session with an error.
///
/// Screens are made safe here, never refused, because a USSD session has no second chance:
/// - the limit is on what the phone shows, the text after the prefix (AT strips "CON "/"END "):
///   at most `MaxScreenLength` characters. Longer text is cut at the last space or line break
///   that leaves room for "...", or hard at the limit when there is no break in its second half;
/// - the screen is restricted to the part of the GSM 7-bit default alphabet that is also ASCII,
///   so one character is one septet and 182 characters fit the 182-septet screen: typographic
///   punctuation becomes its ASCII form (’ → ', “ → ", – — → -, … → ...), letters lose their
///   accents (é → e, ß → ss), characters of GSM's extension table become look-alikes ([ → (,
///   | → /, € → EUR) because some gateways drop them, and what has no plain form (emoji,
///   other scripts, control characters) is removed;
/// - line endings become "\n", tabs and odd spaces one space, runs of spaces one, and spaces
///   at line ends and blank text at either end go;
/// - an empty result becomes `FallbackScreen`: AT refuses an empty answer.
public static class UssdReply
{
    /// protocols.md §5.1: an industry figure AT's docs do not state (UNCONFIRMED). 160 octets
    /// of 7-bit characters.
    public const int MaxScreenLength = 182;
    public const string ContentType = "text/plain; charset=utf-8";
    public const string ContinuePrefix = "CON ";
    public const string EndPrefix = "END ";
    public const string Ellipsis = "...";
    public const string FallbackScreen = "Sorry, this service is not available right now. Please try again later.";

    // Raw input beyond this is not read: it could never fit a screen, and a hostile megabyte
    // must cost no more than a long menu does.
    private const int MaxInputRead = 16 * 1024;

    public static string Continue(string? screen) => ContinuePrefix + Screen(screen);

    public static string End(string? screen) => EndPrefix + Screen(screen);

    /// The screen text Continue and End send after their prefix: telco-safe, at most
    /// MaxScreenLength characters, never empty.
    public static string Screen(string? text)
    {
        var clean = Clean(text ?? "", out var inputCut);
        if (clean.Length == 0)
            return FallbackScreen;
        return clean.Length <= MaxScreenLength && !inputCut ? clean : Truncate(clean);
    }

    private static string Truncate(string clean)
    {
        var room = MaxScreenLength - Ellipsis.Length;
        if (clean.Length <= room)
            return clean + Ellipsis;

        // A break at index i keeps clean[..i], which fits when i <= room. Only the second half
        // is searched: cutting a long word is better than dropping half the screen.
        var cutAt = room;
        for (var i = room; i >= room / 2; i--)
        {
            if (clean[i] is ' ' or '\n')
            {
                cutAt = i;
                break;
            }
        }
        return clean[..cutAt].TrimEnd(' ', '\n') + Ellipsis;
    }

    private static string Clean(string text, out bool inputCut)
    {
        inputCut = text.Length > MaxInputRead;
        var length = Math.Min(text.Length, MaxInputRead);
        var mapped = new StringBuilder(Math.Min(length, MaxScreenLength * 2));
        for (var i = 0; i < length; i++)
        {
            var c = text[i];
            if (c == '\r')
            {
                if (i + 1 < length && text[i + 1] == '\n')
                    i++;
                mapped.Append('\n');
            }
            else if (c is '\n' or '\u0085' or '\u2028' or '\u2029')
                mapped.Append('\n');
            else if (char.IsWhiteSpace(c))
                mapped.Append(' ');
            else if (char.IsSurrogate(c))
                continue; // emoji and other astral characters have no GSM form
            else if (c < 0x80)
                AppendAscii(mapped, c);
            else
                foreach (var t in Transliterate(c))
                    AppendAscii(mapped, t);
        }
        return Tidy(mapped);
    }

    // Spaces: none at line starts or ends, never two in a row; no blank text at either end.
    private static string Tidy(StringBuilder mapped)
    {
        var result = new StringBuilder(mapped.Length);
        for (var i = 0; i < mapped.Length; i++)
        {
            var c = mapped[i];
            if (c == ' ')
            {
                if (result.Length == 0 || result[^1] is ' ' or '\n')
                    continue;
            }
            else if (c == '\n')
            {
                if (result.Length > 0 && result[^1] == ' ')
                    result.Length--;
                if (result.Length == 0)
                    continue;
            }
            result.Append(c);
        }
        return result.ToString().TrimEnd(' ', '\n');
    }

    // ASCII that GSM's default table lacks (backtick) or keeps only in the extension table.
    private static void AppendAscii(StringBuilder mapped, char c)
    {
        switch (c)
        {
            case '`' or '^':
                mapped.Append('\'');
                break;
            case '[' or '{':
                mapped.Append('(');
                break;
            case ']' or '}':
                mapped.Append(')');
                break;
            case '\\' or '|':
                mapped.Append('/');
                break;
            case '~':
                mapped.Append('-');
                break;
            default:
                if (!char.IsControl(c))
                    mapped.Append(c);
                break;
        }
    }

    private static string Transliterate(char c) => c switch
    {
        '\u2018' or '\u2019' or '\u201A' or '\u201B' or '\u2032' or '\u00B4' => "'",
        '\u201C' or '\u201D' or '\u201E' or '\u201F' or '\u2033' or '\u00AB' or '\u00BB' => "\"",
        '\u2010' or '\u2011' or '\u2012' or '\u2013' or '\u2014' or '\u2015' or '\u2212' => "-",
        '\u2022' or '\u2023' or '\u25E6' or '\u2043' => "-",
        '\u2026' => "...",
        '\u00B7' => ".",
        '\u00D7' => "x",
        '\u00F7' => "/",
        '\u20AC' => "EUR",
        '\u00A3' => "GBP",
        '\u00A1' => "!",
        '\u00BF' => "?",
        '\u00DF' => "ss",
        '\u00E6' => "ae",
        '\u00C6' => "AE",
        '\u0153' => "oe",
        '\u0152' => "OE",
        '\u00F8' => "o",
        '\u00D8' => "O",
        '\u0142' => "l",
        '\u0141' => "L",
        '\u0111' or '\u00F0' => "d",
        '\u0110' or '\u00D0' => "D",
        '\u00FE' => "th",
        '\u00DE' => "Th",
        '\u0131' => "i",
        _ => Decompose(c),
    };

    // é → e + combining accent → e; compatibility forms too (ﬁ → fi, ² → 2, fullwidth Ａ → A).
    // Whatever has no ASCII letter, digit or punctuation in its decomposition is dropped.
    private static string Decompose(char c)
    {
        string decomposed;
        try
        {
            decomposed = c.ToString().Normalize(NormalizationForm.FormKD);
        }
        catch (ArgumentException)
        {
            return "";
        }
        var kept = new StringBuilder(decomposed.Length);
        foreach (var d in decomposed)
        {
            if (d is > ' ' and < '\u007F')
                kept.Append(d);
            else if (d == '\u2044')
                kept.Append('/'); // the fraction slash of ½
        }
        return kept.ToString();
    }
}
