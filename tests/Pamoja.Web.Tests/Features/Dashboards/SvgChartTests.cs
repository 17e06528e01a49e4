using System.Text.RegularExpressions;
using System.Xml.Linq;
using Pamoja.Core.Money;
using Pamoja.Web.Features.Dashboards;

namespace Pamoja.Web.Tests.Features.Dashboards;

/// The server-side chart renderer: well-formed, accessible SVG for every shape of data.
public sealed partial class SvgChartTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";
    private static readonly Currency Zar = Currency.Get("ZAR");

    private static Chart Make(ChartKind kind, params long[] values) =>
        new("test", kind, "Paid in", "Money paid in", Zar, values.Select((v, i) => new ChartPoint($"P{i + 1}", v)).ToList());

    private static XElement Parse(Chart chart) => XElement.Parse(SvgChart.Render(chart));

    private static double[] Numbers(XElement svg, string element, string attribute) =>
        svg.Descendants(Svg + element).Select(e => double.Parse(e.Attribute(attribute)!.Value, System.Globalization.CultureInfo.InvariantCulture)).ToArray();

    [Theory]
    [InlineData(ChartKind.Line)]
    [InlineData(ChartKind.Bars)]
    public void Every_chart_is_an_image_with_a_title_and_description_that_label_it(ChartKind kind)
    {
        var svg = Parse(Make(kind, 150_000, 300_000));
        Assert.Equal("img", svg.Attribute("role")!.Value);
        var title = svg.Element(Svg + "title")!;
        var desc = svg.Element(Svg + "desc")!;
        Assert.Equal("Paid in", title.Value);
        Assert.Equal($"{title.Attribute("id")!.Value} {desc.Attribute("id")!.Value}", svg.Attribute("aria-labelledby")!.Value);
        Assert.Contains("ZAR 3,000.00", desc.Value, StringComparison.Ordinal); // the highest and latest, in the currency's words
    }

    [Theory]
    [InlineData(ChartKind.Line)]
    [InlineData(ChartKind.Bars)]
    public void No_data_draws_an_empty_frame_that_says_so(ChartKind kind)
    {
        var svg = Parse(Make(kind));
        Assert.Contains(svg.Descendants(Svg + "text"), t => t.Value == "No data yet");
        Assert.Empty(svg.Descendants(Svg + "polyline"));
        Assert.Empty(svg.Descendants(Svg + "circle"));
        Assert.DoesNotContain(svg.Descendants(Svg + "rect"), r => (string?)r.Attribute("class") == "chart-bar");
        Assert.EndsWith("No data yet.", svg.Element(Svg + "desc")!.Value, StringComparison.Ordinal);
    }

    [Fact]
    public void One_point_is_a_dot_without_a_line_and_is_described()
    {
        var svg = Parse(Make(ChartKind.Line, 150_000));
        Assert.Empty(svg.Descendants(Svg + "polyline"));
        Assert.Single(svg.Descendants(Svg + "circle"));
        Assert.Contains("One value: P1, ZAR 1,500.00.", svg.Element(Svg + "desc")!.Value, StringComparison.Ordinal);
        // The dot sits inside the plot, above the zero line.
        var zeroLine = svg.Descendants(Svg + "line").Single(l => l.Attribute("stroke-width")?.Value == "1.5");
        Assert.True(Numbers(svg, "circle", "cy")[0] < double.Parse(zeroLine.Attribute("y1")!.Value, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Negative_bars_hang_below_the_zero_line_in_red_and_a_zero_bar_has_no_height()
    {
        var svg = Parse(Make(ChartKind.Bars, 200_000, 0, -100_000));
        var bars = svg.Descendants(Svg + "rect").Where(r => (string?)r.Attribute("class") == "chart-bar").ToList();
        Assert.Equal(3, bars.Count);
        var zeroY = double.Parse(svg.Descendants(Svg + "line").Single(l => l.Attribute("stroke-width")?.Value == "1.5").Attribute("y1")!.Value,
            System.Globalization.CultureInfo.InvariantCulture);
        double Y(XElement bar) => double.Parse(bar.Attribute("y")!.Value, System.Globalization.CultureInfo.InvariantCulture);
        double H(XElement bar) => double.Parse(bar.Attribute("height")!.Value, System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal(zeroY, Y(bars[0]) + H(bars[0]), 1); // positive: ends at zero
        Assert.Equal(0, H(bars[1]), 1);
        Assert.Equal(zeroY, Y(bars[2]), 1);              // negative: starts at zero
        Assert.Equal(H(bars[0]) / 2, H(bars[2]), 1);     // half the amount, half the height
        Assert.Equal("#b3261e", bars[2].Attribute("fill")!.Value);
        Assert.NotEqual("#b3261e", bars[0].Attribute("fill")!.Value);
        // The axis has a negative label.
        Assert.Contains(svg.Descendants(Svg + "text"), t => t.Value.StartsWith('\u2212'));
    }

    [Fact]
    public void All_zero_values_still_have_a_scale()
    {
        var svg = Parse(Make(ChartKind.Line, 0, 0, 0));
        var ys = Numbers(svg, "circle", "cy");
        Assert.Equal(3, ys.Length);
        Assert.All(ys, y => Assert.False(double.IsNaN(y) || double.IsInfinity(y)));
    }

    [Fact]
    public void The_largest_and_smallest_amounts_draw_inside_the_frame_with_short_labels()
    {
        var svg = Parse(Make(ChartKind.Bars, long.MaxValue, long.MinValue, 1));
        var bars = svg.Descendants(Svg + "rect").Where(r => (string?)r.Attribute("class") == "chart-bar").ToList();
        foreach (var bar in bars)
        {
            var y = double.Parse(bar.Attribute("y")!.Value, System.Globalization.CultureInfo.InvariantCulture);
            var h = double.Parse(bar.Attribute("height")!.Value, System.Globalization.CultureInfo.InvariantCulture);
            Assert.InRange(y, 0, 180);
            Assert.InRange(y + h, 0, 180);
        }
        var labels = svg.Descendants(Svg + "text").Select(t => t.Value).ToList();
        Assert.Contains(labels, l => l.EndsWith('T'));
        Assert.All(labels, l => Assert.True(l.Length <= 12, l));
        // The description still carries the exact amounts.
        Assert.Contains("ZAR 92,233,720,368,547,758.07", svg.Element(Svg + "desc")!.Value, StringComparison.Ordinal);
    }

    [Fact]
    public void Text_from_members_is_escaped()
    {
        var chart = new Chart("x\"><script>", ChartKind.Line, "<script>alert(1)</script>", "Tom & Jerry's \"pool\"", Zar,
            [new ChartPoint("<b>Jan</b>", 1), new ChartPoint("Feb", 2)]);
        var text = SvgChart.Render(chart);
        Assert.DoesNotContain("<script>", text, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>", text, StringComparison.Ordinal);
        var svg = XElement.Parse(text);
        Assert.Equal("<script>alert(1)</script>", svg.Element(Svg + "title")!.Value);
        Assert.Matches(IdPattern(), svg.Element(Svg + "title")!.Attribute("id")!.Value);
    }

    [Fact]
    public void Many_points_get_at_most_six_x_labels_including_both_ends()
    {
        Assert.Equal([0, 1, 2], SvgChart.LabelIndexes(3));
        var many = SvgChart.LabelIndexes(31);
        Assert.True(many.Count <= 6);
        Assert.Equal(0, many[0]);
        Assert.Equal(30, many[^1]);
        var svg = Parse(Make(ChartKind.Line, Enumerable.Range(1, 31).Select(i => (long)i * 1000).ToArray()));
        Assert.Single(svg.Descendants(Svg + "polyline"));
        Assert.Equal(31, svg.Descendants(Svg + "circle").Count());
    }

    [Theory]
    [InlineData(150_000, "ZAR", 50_000, "1,500")]
    [InlineData(2_500_000, "ZAR", 500_000, "25k")]
    [InlineData(-100_000, "ZAR", 50_000, "\u22121,000")]
    [InlineData(50, "ZAR", 10, "0.5")]
    [InlineData(2_000, "UGX", 500, "2,000")]
    [InlineData(350_000_000, "KES", 50_000_000, "3.5M")]
    public void Tick_labels_are_major_units_in_short_form(long minor, string currency, long step, string expected) =>
        Assert.Equal(expected, SvgChart.TickLabel(minor, Currency.Get(currency), step));

    [GeneratedRegex("^chart-[A-Za-z0-9_-]+-title$")]
    private static partial Regex IdPattern();
}
