using System.Globalization;
using System.Text.RegularExpressions;

namespace Pamoja.Web.Tests.Features.Shared;

/// The stylesheet's colour pairs that carry text meet WCAG 2.1 AA (4.5:1 for body text):
/// read from site.css's custom properties, so a colour changed there is checked here.
public sealed partial class ContrastTests
{
    [Theory]
    [InlineData("--text", "--bg")]
    [InlineData("--text", "--surface")]
    [InlineData("--muted", "--bg")]
    [InlineData("--muted", "--surface")]
    [InlineData("--link", "--bg")]
    [InlineData("--link", "--surface")]
    [InlineData("--error", "--surface")]
    [InlineData("--error", "--bg")]
    [InlineData("--surface", "--accent")]      // white text on the buttons and the header
    [InlineData("--surface", "--accent-dark")]
    public void Text_colours_have_at_least_4_5_to_1_contrast(string foreground, string background)
    {
        var vars = Variables();
        var ratio = Contrast(vars[foreground], vars[background]);
        Assert.True(ratio >= 4.5, $"{foreground} {vars[foreground]} on {background} {vars[background]}: {ratio:0.00}:1");
    }

    [Fact]
    public void The_ratio_is_computed_as_WCAG_defines_it()
    {
        Assert.Equal(21.0, Contrast("#000", "#fff"), 2);
        Assert.Equal(1.0, Contrast("#777777", "#777777"), 2);
        Assert.Equal(4.48, Contrast("#777777", "#ffffff"), 2); // the classic just-failing grey
    }

    private static Dictionary<string, string> Variables()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Pamoja.slnx"))) dir = dir.Parent;
        var css = File.ReadAllText(Path.Combine(dir!.FullName, "src", "Pamoja.Web", "wwwroot", "css", "site.css"));
        return Variable().Matches(css).GroupBy(m => m.Groups[1].Value).ToDictionary(g => g.Key, g => g.First().Groups[2].Value);
    }

    private static double Contrast(string a, string b)
    {
        var (la, lb) = (Luminance(a), Luminance(b));
        return (Math.Max(la, lb) + 0.05) / (Math.Min(la, lb) + 0.05);
    }

    private static double Luminance(string hex)
    {
        var h = hex.TrimStart('#');
        if (h.Length == 3) h = string.Concat(h.Select(c => $"{c}{c}"));
        double Channel(int i)
        {
            var c = int.Parse(h.AsSpan(i, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture) / 255.0;
            return c <= 0.03928 ? c / 12.92 : Math.Pow((c + 0.055) / 1.055, 2.4);
        }
        return 0.2126 * Channel(0) + 0.7152 * Channel(2) + 0.0722 * Channel(4);
    }

    [GeneratedRegex(@"(--[a-z-]+):\s*(#[0-9a-fA-F]{3,6})\s*;")]
    private static partial Regex Variable();
}
