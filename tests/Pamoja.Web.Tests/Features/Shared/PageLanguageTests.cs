using System.Net;
using System.Text.RegularExpressions;
using Pamoja.Web.Features.Shared.Localization;
using Pamoja.Web.Tests.Infrastructure;

namespace Pamoja.Web.Tests.Features.Shared;

/// The pages in English or Swahili: every text a page wraps for translation has its Swahili, the
/// reader's choice (a cookie set by /language, else the browser's first language) decides, and the
/// page says which language it is in.
public sealed partial class PageLanguageTests : IAsyncLifetime
{
    private PamojaFactory _app = null!;

    public async Task InitializeAsync() => _app = await PamojaFactory.SharedAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    /// Every T["…"] in the pages and page models: the texts the pages ask to translate.
    public static TheoryData<string> WrappedTexts()
    {
        var data = new TheoryData<string>();
        foreach (var text in Texts()) data.Add(text);
        return data;
    }

    private static List<string> Texts()
    {
        var features = Path.Combine(RepositoryRoot(), "src", "Pamoja.Web", "Features");
        return Directory.EnumerateFiles(features, "*.cshtml*", SearchOption.AllDirectories)
            .SelectMany(f => Wrapped().Matches(File.ReadAllText(f)).Select(m => Regex.Unescape(m.Groups[1].Value)))
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
    }

    [Theory]
    [MemberData(nameof(WrappedTexts))]
    public void Every_text_a_page_wraps_has_its_Swahili(string english)
    {
        Assert.True(PageTexts.SwahiliCatalogue.TryGetValue(english, out var swahili), $"No Swahili for \"{english}\"");
        Assert.False(string.IsNullOrWhiteSpace(swahili));
        // The same placeholders, so T["…{0}…", value] fills the translation too.
        Assert.Equal(Placeholders().Matches(english).Select(m => m.Value).Order(), Placeholders().Matches(swahili).Select(m => m.Value).Order());
    }

    [Fact]
    public void Each_English_text_has_one_Swahili_entry_in_the_catalogue_files()
    {
        // A second assignment of a key silently wins over the first: there must be none.
        var folder = Path.Combine(RepositoryRoot(), "src", "Pamoja.Web", "Features", "Shared", "Localization");
        var keys = Directory.EnumerateFiles(folder, "PageTexts.Sw.*.cs")
            .SelectMany(f => Assigned().Matches(File.ReadAllText(f)).Select(m => (Key: Regex.Unescape(m.Groups[1].Value), File: Path.GetFileName(f))))
            .ToList();
        Assert.True(keys.Count > 100, $"only {keys.Count} entries found: is the pattern still right?");
        var twice = keys.GroupBy(k => k.Key).Where(g => g.Count() > 1).Select(g => $"\"{g.Key}\" in {string.Join(", ", g.Select(k => k.File))}").ToList();
        Assert.True(twice.Count == 0, "Defined more than once: " + string.Join("; ", twice));
    }

    [Fact]
    public void The_pages_wrap_their_texts()
    {
        // Not a count to game: the layout and the main pages are translated, so there are many.
        var count = Texts().Count;
        Assert.True(count > 300, $"only {count} texts are wrapped");
    }

    [Fact]
    public async Task English_by_default_Swahili_when_chosen_or_asked_for_first()
    {
        var english = await _app.Browser().GetStringAsync("/account/sign-in");
        Assert.Contains("<html lang=\"en\">", english, StringComparison.Ordinal);
        Assert.Contains(">Register</a>", english, StringComparison.Ordinal);

        var browser = _app.Browser();
        var choose = await browser.GetAsync("/language?lang=sw&returnUrl=%2Faccount%2Fsign-in");
        Assert.Equal(HttpStatusCode.Redirect, choose.StatusCode);
        Assert.Equal("/account/sign-in", choose.Headers.Location!.OriginalString);
        var swahili = await browser.GetStringAsync("/account/sign-in");
        Assert.Contains("<html lang=\"sw\">", swahili, StringComparison.Ordinal);
        Assert.Contains(">Jisajili</a>", swahili, StringComparison.Ordinal);
        Assert.DoesNotContain(">Register</a>", swahili, StringComparison.Ordinal);

        // Back to English.
        await browser.GetAsync("/language?lang=en&returnUrl=%2F");
        Assert.Contains("<html lang=\"en\">", await browser.GetStringAsync("/account/sign-in"), StringComparison.Ordinal);

        // No cookie: the browser's first language.
        var kenyan = _app.Browser();
        kenyan.DefaultRequestHeaders.AcceptLanguage.ParseAdd("sw-KE,sw;q=0.9,en;q=0.8");
        Assert.Contains("<html lang=\"sw\">", await kenyan.GetStringAsync("/account/sign-in"), StringComparison.Ordinal);
        var other = _app.Browser();
        other.DefaultRequestHeaders.AcceptLanguage.ParseAdd("en-GB,sw;q=0.5");
        Assert.Contains("<html lang=\"en\">", await other.GetStringAsync("/account/sign-in"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Pamoja.Web.Features.Dashboards.DashboardQueries.HistoryTitle)]
    [InlineData(Pamoja.Web.Features.Dashboards.DashboardQueries.HistoryDescription)]
    [InlineData(Pamoja.Web.Features.Dashboards.DashboardQueries.PoolTitle)]
    [InlineData(Pamoja.Web.Features.Dashboards.DashboardQueries.PoolDescription)]
    public void The_charts_words_have_their_Swahili(string english) => Every_text_a_page_wraps_has_its_Swahili(english);

    [Fact]
    public void Dates_are_written_in_the_page_language()
    {
        var http = new Microsoft.AspNetCore.Http.DefaultHttpContext();
        var texts = new PageTexts(new Microsoft.AspNetCore.Http.HttpContextAccessor { HttpContext = http });
        var day = new DateOnly(2026, 3, 5);
        Assert.Equal(("5 March 2026", "5 Mar 2026"), (texts.Date(day), texts.ShortDate(day)));
        http.Items[PageLanguageMiddleware.ItemKey] = PageTexts.Swahili;
        Assert.Equal(("5 Machi 2026", "5 Machi 2026"), (texts.Date(day), texts.ShortDate(day)));
        Assert.Equal("31 Desemba 2026", texts.Date(new DateOnly(2026, 12, 31)));
    }

    [Theory]
    [InlineData("/language?lang=xx&returnUrl=%2F", HttpStatusCode.BadRequest, null)]
    [InlineData("/language", HttpStatusCode.BadRequest, null)]
    [InlineData("/language?lang=sw&returnUrl=https%3A%2F%2Fevil.example%2F", HttpStatusCode.Redirect, "/")]
    [InlineData("/language?lang=sw&returnUrl=%2F%2Fevil.example", HttpStatusCode.Redirect, "/")]
    [InlineData("/language?lang=sw&returnUrl=%2F%5Cevil.example", HttpStatusCode.Redirect, "/")]
    public async Task A_bad_choice_is_refused_and_a_return_address_elsewhere_goes_home(string url, HttpStatusCode status, string? location)
    {
        var response = await _app.Browser().GetAsync(url);
        Assert.Equal(status, response.StatusCode);
        Assert.Equal(location, response.Headers.Location?.OriginalString);
        if (status != HttpStatusCode.Redirect)
            Assert.False(response.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith("pamoja.lang=", StringComparison.Ordinal)));
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Pamoja.slnx"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("The repository root (Pamoja.slnx) was not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex("""\bT\["((?:[^"\\]|\\.)*)"[\],]""")]
    private static partial Regex Wrapped();

    [GeneratedRegex("""\bd\["((?:[^"\\]|\\.)*)"\]\s*=""")]
    private static partial Regex Assigned();

    [GeneratedRegex(@"\{\d+\}")]
    private static partial Regex Placeholders();
}
