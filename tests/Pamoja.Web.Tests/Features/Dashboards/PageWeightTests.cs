using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Pamoja.Web.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Pamoja.Web.Tests.Features.Dashboards;

/// Issue 8: the main pages are light enough for a slow 3G connection. Weighs each page's HTML
/// plus the stylesheet it links (the only other thing it loads: no scripts, fonts or images),
/// raw and gzipped, and holds each under a budget. The figures go in docs/performance.md.
public sealed partial class PageWeightTests(ITestOutputHelper output)
{
    /// HTML + CSS, uncompressed: 1.2 s at 400 kbps before any compression.
    public const int BudgetBytes = 60_000;

    [Fact]
    public async Task The_main_pages_with_their_stylesheet_stay_under_the_slow_3G_budget()
    {
        var app = await PamojaFactory.SharedAsync();
        var chair = app.ApiClient();
        var phone = await TestData.SignedInAsync(chair);
        var g = await LedgerData.GroupAsync(app, chair, LedgerData.GroupIn("KES", "Weighed Chama"));
        var members = new List<Guid> { g.ChairMemberId };
        for (var i = 0; i < 4; i++) members.Add((await GroupData.AddActiveAsync(app, chair, g.GroupId)).MemberId);
        // A dozen contributions over three days: a statement and a pool chart with something in them.
        foreach (var (member, day) in members.SelectMany(m => new[] { (m, 1), (m, 2), (m, 3) }).Take(12))
            await g.CreatedAsync(await g.ContributeAsync(member, 150_000, paidOn: DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-day).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)));

        var browser = await app.SignedInBrowserAsync(phone);
        var anonymous = app.Browser();
        var pages = new (string Name, HttpClient Client, string Path)[]
        {
            ("Sign in", anonymous, "/account/sign-in"),
            ("Home (member dashboard)", browser, "/"),
            ("Group dashboard (official)", browser, $"/groups/{g.GroupId}/dashboard"),
            ("Statement", browser, $"/groups/{g.GroupId}/statement"),
            ("Statement, print view", browser, $"/groups/{g.GroupId}/statement?print=1"),
            ("Meeting (record contributions)", browser, $"/groups/{g.GroupId}/meeting"),
        };

        var report = new StringBuilder("| page | HTML | CSS | total | gzipped | at 400 kbps |\n|---|---:|---:|---:|---:|---:|\n");
        foreach (var (name, client, path) in pages)
        {
            var response = await client.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var html = await response.Content.ReadAsByteArrayAsync();
            var text = Encoding.UTF8.GetString(html);
            Assert.DoesNotContain("<script", text, StringComparison.OrdinalIgnoreCase); // no JavaScript to download
            var css = Array.Empty<byte>();
            foreach (Match link in Stylesheet().Matches(text))
                css = [.. css, .. await client.GetByteArrayAsync(WebUtility.HtmlDecode(link.Groups[1].Value))];
            Assert.NotEmpty(css);
            var total = html.Length + css.Length;
            var gzipped = Gzip(html) + Gzip(css);
            var seconds = total * 8 / 400_000.0;
            report.Append(CultureInfo.InvariantCulture,
                $"| {name} | {html.Length:N0} | {css.Length:N0} | {total:N0} | {gzipped:N0} | {seconds:0.00} s |\n");
            Assert.True(total < BudgetBytes, $"{name} weighs {total:N0} bytes (HTML {html.Length:N0} + CSS {css.Length:N0}); the budget is {BudgetBytes:N0}");
        }
        output.WriteLine(report.ToString());
    }

    private static int Gzip(byte[] bytes)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
            gzip.Write(bytes);
        return (int)buffer.Length;
    }

    [GeneratedRegex("<link rel=\"stylesheet\" href=\"([^\"]+)\"")]
    private static partial Regex Stylesheet();
}
