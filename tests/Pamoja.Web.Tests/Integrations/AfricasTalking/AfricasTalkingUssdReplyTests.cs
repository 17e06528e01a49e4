using Pamoja.Web.Integrations.AfricasTalking;

namespace Pamoja.Web.Tests.Integrations.AfricasTalking;

public sealed class AfricasTalkingUssdReplyTests
{
    [Fact]
    public void PrefixesAreConAndEndWithOneSpace()
    {
        Assert.Equal("CON Karibu", UssdReply.Continue("Karibu"));
        Assert.Equal("END Asante", UssdReply.End("Asante"));
        Assert.Equal("text/plain; charset=utf-8", UssdReply.ContentType);
    }

    [Fact]
    public void SwahiliMenuIsUnchanged()
    {
        const string menu = "Karibu Pamoja!\n1. Weka akiba\n2. Angalia salio\n3. Omba mkopo\n4. Lipa mkopo\n0. Toka";
        Assert.Equal("CON " + menu, UssdReply.Continue(menu));
    }

    [Fact]
    public void ExactlyTheLimitIsKept()
    {
        var screen = Words(UssdReply.MaxScreenLength);
        Assert.Equal(182, screen.Length);

        Assert.Equal("CON " + screen, UssdReply.Continue(screen));
    }

    [Fact]
    public void OneOverTheLimitIsCutAtAWordWithAnEllipsis()
    {
        var screen = Words(UssdReply.MaxScreenLength + 1);

        var shown = UssdReply.Screen(screen);

        Assert.True(shown.Length <= UssdReply.MaxScreenLength, $"{shown.Length} characters");
        Assert.EndsWith("...", shown, StringComparison.Ordinal);
        var kept = shown[..^3];
        // The kept part is whole words of the original: it ends where the original had a space.
        Assert.StartsWith(kept, screen, StringComparison.Ordinal);
        Assert.Equal(' ', screen[kept.Length]);
        Assert.False(kept.EndsWith(' '));
        Assert.Equal("END " + shown, UssdReply.End(screen));
    }

    [Fact]
    public void ALineBreakIsAWordBoundaryToo()
    {
        var screen = new string('a', 150) + "\n" + new string('b', 60);

        Assert.Equal(new string('a', 150) + "...", UssdReply.Screen(screen));
    }

    [Fact]
    public void OneEndlessWordIsCutHardAtTheLimit()
    {
        var shown = UssdReply.Screen(new string('x', 500));

        Assert.Equal(new string('x', 179) + "...", shown);
    }

    [Fact]
    public void AHugeScreenIsCutWithoutReadingItAll()
    {
        var shown = UssdReply.Screen(string.Concat(Enumerable.Repeat("Weka akiba ", 200_000)));

        Assert.True(shown.Length <= UssdReply.MaxScreenLength, $"{shown.Length} characters");
        Assert.StartsWith("Weka akiba Weka", shown, StringComparison.Ordinal);
        Assert.EndsWith("...", shown, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("It\u2019s \u201Cready\u201D", "It's \"ready\"")]
    [InlineData("\u2018single\u2019", "'single'")]
    [InlineData("1\u20132 or 3\u20144", "1-2 or 3-4")]
    [InlineData("Wait\u2026", "Wait...")]
    [InlineData("Caf\u00E9 na\u00EFve \u00C5se \u00F1 \u00E7", "Cafe naive Ase n c")]
    [InlineData("Stra\u00DFe \u00C6sir \u0141\u00F3d\u017A", "Strasse AEsir Lodz")]
    [InlineData("Umoja \U0001F44B\U0001F3FD group", "Umoja group")]
    [InlineData("\u2764\uFE0F Asante", "Asante")]
    [InlineData("KES\u00A0500", "KES 500")]
    [InlineData("a[1] {b} c|d e\\f ~g ^h `i`", "a(1) (b) c/d e/f -g 'h 'i'")]
    [InlineData("\u20AC5 \u00A33", "EUR5 GBP3")]
    [InlineData("\u2022 Weka\n\u2022 Toa", "- Weka\n- Toa")]
    [InlineData("\uFF21\uFF22 \uFB01le x\u00B2", "AB file x2")]
    [InlineData("\u041F\u0440\u0438\u0432\u0435\u0442 Habari \u4F60\u597D", "Habari")]
    public void TextIsMadeTelcoSafe(string input, string expected)
    {
        Assert.Equal(expected, UssdReply.Screen(input));
    }

    [Theory]
    [InlineData("1. Weka\r\n2. Toa", "1. Weka\n2. Toa")]
    [InlineData("1. Weka\r2. Toa", "1. Weka\n2. Toa")]
    [InlineData("1. Weka\u20282. Toa", "1. Weka\n2. Toa")]
    [InlineData("  Karibu   sana \t rafiki  \n  2. Toa  ", "Karibu sana rafiki\n2. Toa")]
    [InlineData("\n\nKaribu\n\n", "Karibu")]
    [InlineData("Ka\u0000ri\u0007bu\u001B", "Karibu")]
    public void LineEndingsAndSpacingAreNormalised(string input, string expected)
    {
        Assert.Equal(expected, UssdReply.Screen(input));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   \r\n\t ")]
    [InlineData("\U0001F600\U0001F600")]
    [InlineData("\u4F60\u597D")]
    public void NothingShowableGivesTheFallbackScreen(string? input)
    {
        Assert.Equal("CON " + UssdReply.FallbackScreen, UssdReply.Continue(input));
        Assert.Equal("END " + UssdReply.FallbackScreen, UssdReply.End(input));
    }

    [Fact]
    public void LoneSurrogatesAreDroppedNotThrown()
    {
        Assert.Equal("ab", UssdReply.Screen("a\uD83Db\uDC00"));
    }

    [Fact]
    public void EveryCharacterOutIsPlainGsmAscii()
    {
        // Every BMP character once: whatever comes out must be printable ASCII in GSM's
        // default table, or a line break.
        var all = string.Concat(Enumerable.Range(1, 0xFFFF).Where(i => i is < 0xD800 or > 0xDFFF).Select(i => ((char)i).ToString()));
        for (var start = 0; start < all.Length; start += 150)
        {
            var screen = UssdReply.Screen(all.Substring(start, Math.Min(150, all.Length - start)));
            Assert.True(screen.Length <= UssdReply.MaxScreenLength);
            Assert.All(screen, c => Assert.True(c == '\n' || (c is >= ' ' and <= '}' && c is not ('`' or '[' or ']' or '\\' or '^' or '{' or '|' or '}')),
                $"U+{(int)c:X4} in output for input starting at {start}"));
        }
    }

    [Fact]
    public void ScreenAfterTransliterationIsMeasuredNotTheInput()
    {
        // 60 ellipses become 180 characters: still within the limit, so nothing is cut.
        var shown = UssdReply.Screen(new string('\u2026', 60));
        Assert.Equal(new string('.', 180), shown);

        // 61 become 183: cut.
        Assert.Equal(new string('.', 179) + "...", UssdReply.Screen(new string('\u2026', 61)));
    }

    // Words of 3-7 letters separated by single spaces, exactly `length` characters long.
    private static string Words(int length)
    {
        var words = new[] { "weka", "akiba", "kila", "wiki", "pamoja", "na", "kikundi", "chako" };
        var text = new System.Text.StringBuilder();
        var i = 0;
        while (text.Length < length)
        {
            if (text.Length > 0) text.Append(' ');
            text.Append(words[i++ % words.Length]);
        }
        var result = text.ToString()[..length];
        return result.EndsWith(' ') ? result[..^1] + "a" : result;
    }
}
