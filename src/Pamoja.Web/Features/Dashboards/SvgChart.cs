using System.Globalization;
using System.Net;
using System.Text;
using Pamoja.Core.Money;

namespace Pamoja.Web.Features.Dashboards;

public enum ChartKind { Line, Bars }

/// One point of a money chart: a label for the x axis ("Mar 2027", "4 Jan") and an amount in
/// the currency's minor units, like every amount in Pamoja.
public sealed record ChartPoint(string Label, long Value);

/// A chart to draw: Id makes the SVG's title/desc ids unique on the page; Title and Description
/// are what a screen reader announces (the table beside the chart has the numbers).
/// TitleFormat and Subject, when set, say how to write the title in another language
/// (T[TitleFormat, Subject]); Title is the English.
public sealed record Chart(string Id, ChartKind Kind, string Title, string Description, Currency Currency, IReadOnlyList<ChartPoint> Points,
    string ValueHeading = "Amount", string? TitleFormat = null, string? Subject = null);

/// Draws a line or bar chart as inline SVG on the server: no JavaScript and no chart library to
/// download on a slow connection, and the same picture in print. Scale arithmetic is in decimal
/// (a long's whole range fits), geometry in double (pixels only). Colours are presentation
/// attributes, not styles, so the page's CSP (style-src 'self') allows them.
public static class SvgChart
{
    // The drawing's own coordinate system; CSS scales it to the width of the screen.
    private const double Width = 320, Height = 180;
    private const double Left = 52, Right = 10, Top = 12, Bottom = 30;
    private const double PlotWidth = Width - Left - Right, PlotHeight = Height - Top - Bottom;
    private const int MaxXLabels = 6;

    private const string Ink = "#1a1a1a", Grid = "#d5d9d2", Axis = "#4a4f55", Accent = "#0b6b45", Negative = "#b3261e";

    public static string Render(Chart chart)
    {
        var id = SafeId(chart.Id);
        var svg = new StringBuilder(2048);
        svg.Append(CultureInfo.InvariantCulture,
            $"<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 {Width} {Height}\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" preserveAspectRatio=\"xMidYMid meet\">");
        svg.Append(CultureInfo.InvariantCulture, $"<title id=\"{id}-title\">{Text(chart.Title)}</title>");
        svg.Append(CultureInfo.InvariantCulture, $"<desc id=\"{id}-desc\">{Text(Describe(chart))}</desc>");

        if (chart.Points.Count == 0)
        {
            svg.Append(CultureInfo.InvariantCulture,
                $"<rect x=\"{N(Left)}\" y=\"{N(Top)}\" width=\"{N(PlotWidth)}\" height=\"{N(PlotHeight)}\" fill=\"none\" stroke=\"{Grid}\"/>");
            svg.Append(CultureInfo.InvariantCulture,
                $"<text x=\"{N(Left + PlotWidth / 2)}\" y=\"{N(Top + PlotHeight / 2)}\" text-anchor=\"middle\" font-size=\"12\" fill=\"{Axis}\">No data yet</text>");
            return svg.Append("</svg>").ToString();
        }

        var scale = Scale.For(chart.Points.Select(p => p.Value));
        // Grid lines and amount labels.
        foreach (var tick in scale.Ticks)
        {
            var y = scale.Y(tick);
            svg.Append(CultureInfo.InvariantCulture,
                $"<line x1=\"{N(Left)}\" y1=\"{N(y)}\" x2=\"{N(Width - Right)}\" y2=\"{N(y)}\" stroke=\"{(tick == 0 ? Axis : Grid)}\" stroke-width=\"{(tick == 0 ? "1.5" : "1")}\"/>");
            svg.Append(CultureInfo.InvariantCulture,
                $"<text x=\"{N(Left - 4)}\" y=\"{N(y + 3.5)}\" text-anchor=\"end\" font-size=\"10\" fill=\"{Ink}\">{Text(TickLabel(tick, chart.Currency, scale.Step))}</text>");
        }
        svg.Append(CultureInfo.InvariantCulture,
            $"<line x1=\"{N(Left)}\" y1=\"{N(Top)}\" x2=\"{N(Left)}\" y2=\"{N(Top + PlotHeight)}\" stroke=\"{Axis}\"/>");

        var count = chart.Points.Count;
        var slot = PlotWidth / count;
        double X(int i) => Left + slot * (i + 0.5);
        if (chart.Kind == ChartKind.Bars)
        {
            var barWidth = Math.Max(1, slot * 0.7);
            var zero = scale.Y(0);
            for (var i = 0; i < count; i++)
            {
                var p = chart.Points[i];
                var y = scale.Y(p.Value);
                svg.Append(CultureInfo.InvariantCulture,
                    $"<rect class=\"chart-bar\" x=\"{N(X(i) - barWidth / 2)}\" y=\"{N(Math.Min(y, zero))}\" width=\"{N(barWidth)}\" height=\"{N(Math.Abs(zero - y))}\" fill=\"{(p.Value < 0 ? Negative : Accent)}\"><title>{Text(p.Label + ": " + chart.Currency.Format(p.Value))}</title></rect>");
            }
        }
        else
        {
            if (count > 1)
            {
                svg.Append(CultureInfo.InvariantCulture, $"<polyline class=\"chart-line\" fill=\"none\" stroke=\"{Accent}\" stroke-width=\"2\" stroke-linejoin=\"round\" points=\"");
                for (var i = 0; i < count; i++)
                    svg.Append(CultureInfo.InvariantCulture, $"{(i == 0 ? "" : " ")}{N(X(i))},{N(scale.Y(chart.Points[i].Value))}");
                svg.Append("\"/>");
            }
            // Dots only where they stay apart; always for a single point, which has no line.
            if (count <= 40)
                for (var i = 0; i < count; i++)
                {
                    var p = chart.Points[i];
                    svg.Append(CultureInfo.InvariantCulture,
                        $"<circle class=\"chart-point\" cx=\"{N(X(i))}\" cy=\"{N(scale.Y(p.Value))}\" r=\"3\" fill=\"{(p.Value < 0 ? Negative : Accent)}\"><title>{Text(p.Label + ": " + chart.Currency.Format(p.Value))}</title></circle>");
                }
        }

        // At most a handful of x labels, always the first and the last, so they never overlap.
        foreach (var i in LabelIndexes(count))
            svg.Append(CultureInfo.InvariantCulture,
                $"<text x=\"{N(X(i))}\" y=\"{N(Height - Bottom + 14)}\" text-anchor=\"{(count == 1 ? "middle" : i == 0 ? "start" : i == count - 1 ? "end" : "middle")}\" font-size=\"10\" fill=\"{Ink}\">{Text(Shorten(chart.Points[i].Label))}</text>");
        svg.Append(CultureInfo.InvariantCulture,
            $"<text x=\"{N(Left - 4)}\" y=\"{N(Height - 4)}\" text-anchor=\"end\" font-size=\"9\" fill=\"{Axis}\">{Text(chart.Currency.Code)}</text>");
        return svg.Append("</svg>").ToString();
    }

    /// The chart in words: how many points, the range and the latest value.
    public static string Describe(Chart chart)
    {
        var c = chart.Currency;
        var lead = chart.Description.Length > 0 ? chart.Description.TrimEnd('.') + ". " : "";
        var points = chart.Points;
        if (points.Count == 0)
            return lead + "No data yet.";
        if (points.Count == 1)
            return lead + $"One value: {points[0].Label}, {c.Format(points[0].Value)}.";
        var low = points.MinBy(p => p.Value)!;
        var high = points.MaxBy(p => p.Value)!;
        return lead + $"{points.Count} values from {points[0].Label} to {points[^1].Label}; lowest {c.Format(low.Value)} ({low.Label}), " +
               $"highest {c.Format(high.Value)} ({high.Label}), latest {c.Format(points[^1].Value)}.";
    }

    /// Which points get an x label: all when few, else evenly spread including both ends.
    public static IReadOnlyList<int> LabelIndexes(int count)
    {
        if (count <= MaxXLabels) return Enumerable.Range(0, count).ToList();
        var indexes = new SortedSet<int>();
        for (var k = 0; k < MaxXLabels; k++)
            indexes.Add((int)Math.Round(k * (count - 1) / (double)(MaxXLabels - 1)));
        return indexes.ToList();
    }

    /// "1,500", "12.5k", "3.2M" in major units: axis labels stay short; the table has exact amounts.
    public static string TickLabel(decimal minor, Currency currency, decimal step)
    {
        var unit = Pow10(currency.Exponent);
        var major = minor / unit;
        var abs = Math.Abs(major);
        var sign = major < 0 ? "\u2212" : "";
        (decimal Div, string Suffix) = abs switch
        {
            >= 1_000_000_000_000m => (1_000_000_000_000m, "T"),
            >= 1_000_000_000m => (1_000_000_000m, "B"),
            >= 1_000_000m => (1_000_000m, "M"),
            >= 10_000m => (1_000m, "k"),
            _ => (1m, ""),
        };
        var scaled = abs / Div;
        // Enough decimals that neighbouring ticks read differently.
        var stepScaled = step / unit / Div;
        var decimals = stepScaled >= 1 ? 0 : stepScaled >= 0.1m ? 1 : stepScaled >= 0.01m ? 2 : 3;
        decimals = Math.Min(decimals, Suffix.Length > 0 ? 3 : currency.Exponent);
        return sign + scaled.ToString("#,0." + new string('#', decimals), CultureInfo.InvariantCulture).TrimEnd('.') + Suffix;
    }

    private static decimal Pow10(int exponent)
    {
        var value = 1m;
        for (var i = 0; i < exponent; i++) value *= 10;
        return value;
    }

    private static string Shorten(string label) => label.Length <= 12 ? label : label[..11] + "…";

    private static string Text(string text) => WebUtility.HtmlEncode(text);

    private static string N(double value) => Math.Round(value, 1).ToString("0.#", CultureInfo.InvariantCulture);

    private static string SafeId(string id)
    {
        var sb = new StringBuilder("chart-");
        foreach (var ch in id)
            sb.Append(char.IsAsciiLetterOrDigit(ch) || ch is '-' or '_' ? ch : '-');
        return sb.ToString();
    }

    /// A y scale with round ticks that always includes zero, so bars start at zero and a line's
    /// height is never exaggerated.
    public sealed record Scale(decimal Min, decimal Max, decimal Step)
    {
        public IEnumerable<decimal> Ticks
        {
            get
            {
                for (var t = Min; t <= Max; t += Step) yield return t;
            }
        }

        public double Y(decimal value) => Top + PlotHeight * (double)((Max - value) / (Max - Min));

        public static Scale For(IEnumerable<long> values)
        {
            decimal low = 0, high = 0;
            foreach (var v in values)
            {
                low = Math.Min(low, v);
                high = Math.Max(high, v);
            }
            if (high == low) high = low + 1; // all zero: an empty band above the axis
            var step = NiceStep((high - low) / 4);
            var min = Math.Floor(low / step) * step;
            var max = Math.Ceiling(high / step) * step;
            return new Scale(min, max, step);
        }

        /// 1, 2 or 5 times a power of ten, at least one minor unit.
        private static decimal NiceStep(decimal raw)
        {
            if (raw <= 1) return 1;
            var magnitude = 1m;
            while (magnitude * 10 <= raw) magnitude *= 10;
            var normalized = raw / magnitude;
            return (normalized <= 1 ? 1 : normalized <= 2 ? 2 : normalized <= 5 ? 5 : 10) * magnitude;
        }
    }
}
