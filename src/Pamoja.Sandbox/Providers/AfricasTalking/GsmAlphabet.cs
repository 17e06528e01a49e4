using System.Globalization;
using System.Text;

namespace Pamoja.Sandbox.Providers.AfricasTalking;

// The GSM 03.38 default alphabet and its extension table: what a USSD screen can show.
// Extension characters take two septets (an escape and the character), so a screen is
// measured in septets, not in UTF-16 units.
public static class GsmAlphabet
{
    private const string Basic =
        "@\u00A3$\u00A5\u00E8\u00E9\u00F9\u00EC\u00F2\u00C7\n\u00D8\u00F8\r\u00C5\u00E5" +
        "\u0394_\u03A6\u0393\u039B\u03A9\u03A0\u03A8\u03A3\u0398\u039E\u00C6\u00E6\u00DF\u00C9" +
        " !\"#\u00A4%&'()*+,-./0123456789:;<=>?" +
        "\u00A1ABCDEFGHIJKLMNOPQRSTUVWXYZ\u00C4\u00D6\u00D1\u00DC\u00A7" +
        "\u00BFabcdefghijklmnopqrstuvwxyz\u00E4\u00F6\u00F1\u00FC\u00E0";

    private const string Extension = "^{}\\[~]|\u20AC";

    public static bool IsBasic(char c) => Basic.Contains(c, StringComparison.Ordinal);

    public static bool IsExtension(char c) => Extension.Contains(c, StringComparison.Ordinal);

    // Septets needed to send `text`, counting characters outside the alphabet as one each.
    public static int Septets(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var count = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            count += rune.IsBmp && IsExtension((char)rune.Value) ? 2 : 1;
        }
        return count;
    }

    // Distinct characters the alphabet lacks, in order of appearance, e.g. "'…' (U+2026)".
    public static IReadOnlyList<string> Outside(string text, int max = 5)
    {
        ArgumentNullException.ThrowIfNull(text);
        var found = new List<string>();
        var seen = new HashSet<int>();
        foreach (var rune in text.EnumerateRunes())
        {
            if (rune.IsBmp && (IsBasic((char)rune.Value) || IsExtension((char)rune.Value)))
            {
                continue;
            }
            if (seen.Add(rune.Value) && found.Count < max)
            {
                var shown = Rune.IsControl(rune) ? "" : $"'{rune}' ";
                found.Add(string.Create(CultureInfo.InvariantCulture, $"{shown}(U+{rune.Value:X4})"));
            }
        }
        return found;
    }
}
