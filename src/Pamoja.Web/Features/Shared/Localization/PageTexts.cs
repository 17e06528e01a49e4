using System.Globalization;

namespace Pamoja.Web.Features.Shared.Localization;

/// The web pages' words in the reader's language: English is the key and the text, Swahili a
/// translation looked up by it (a missing one shows the English, never a key). In a view:
/// @T["Sign in"], or with values @T["Welcome, {0}", name] (the translation keeps the {0}).
/// The Swahili catalogue is filled per feature by the partial methods below, one file each
/// (PageTexts.Sw.&lt;Feature&gt;.cs), so that each feature's words sit together.
public sealed partial class PageTexts(IHttpContextAccessor http)
{
    public const string English = "en";
    public const string Swahili = "sw";

    /// The reader's language for this request (PageLanguageMiddleware decides it).
    public string Language => http.HttpContext?.Items[PageLanguageMiddleware.ItemKey] as string ?? English;

    public string this[string english] => Translate(english, Language);

    public string this[string english, params object?[] values] => string.Format(CultureInfo.InvariantCulture, Translate(english, Language), values);

    /// A date in the reader's language: "21 November 2026", "21 Novemba 2026".
    public string Date(DateOnly date) => Language == Swahili
        ? string.Create(CultureInfo.InvariantCulture, $"{date.Day} {Notifications.MessageTexts.SwahiliMonth(date.Month)} {date.Year}")
        : date.ToString("d MMMM yyyy", CultureInfo.InvariantCulture);

    /// A date in tables: "21 Nov 2026"; Swahili has no short month names in common use, so the full one.
    public string ShortDate(DateOnly date) => Language == Swahili ? Date(date) : date.ToString("d MMM yyyy", CultureInfo.InvariantCulture);

    public static string Translate(string english, string language) =>
        language == Swahili && Sw.TryGetValue(english, out var swahili) ? swahili : english;

    /// The Swahili catalogue (tests hold every wrapped English text to having an entry).
    public static IReadOnlyDictionary<string, string> SwahiliCatalogue => Sw;

    private static readonly Dictionary<string, string> Sw = Build();

    private static Dictionary<string, string> Build()
    {
        var d = new Dictionary<string, string>(StringComparer.Ordinal);
        AddShared(d);
        AddAccounts(d);
        AddGroups(d);
        AddMembers(d);
        AddLedger(d);
        AddSchedules(d);
        AddPayments(d);
        AddDashboards(d);
        AddChannels(d);
        AddAudit(d);
        AddHome(d);
        return d;
    }

    static partial void AddShared(Dictionary<string, string> d);
    static partial void AddAccounts(Dictionary<string, string> d);
    static partial void AddGroups(Dictionary<string, string> d);
    static partial void AddMembers(Dictionary<string, string> d);
    static partial void AddLedger(Dictionary<string, string> d);
    static partial void AddSchedules(Dictionary<string, string> d);
    static partial void AddPayments(Dictionary<string, string> d);
    static partial void AddDashboards(Dictionary<string, string> d);
    static partial void AddChannels(Dictionary<string, string> d);
    static partial void AddAudit(Dictionary<string, string> d);
    static partial void AddHome(Dictionary<string, string> d);
}

/// Decides each request's page language: the "pamoja.lang" cookie (set by /language), else
/// the browser's Accept-Language when it puts Swahili first, else English.
public sealed class PageLanguageMiddleware(RequestDelegate next)
{
    public const string ItemKey = "pamoja.lang";
    public const string Cookie = "pamoja.lang";

    public Task InvokeAsync(HttpContext context)
    {
        context.Items[ItemKey] = Choose(context.Request);
        return next(context);
    }

    public static string Choose(HttpRequest request)
    {
        if (request.Cookies[Cookie] is PageTexts.English or PageTexts.Swahili)
            return request.Cookies[Cookie]!;
        var first = request.Headers.AcceptLanguage.ToString().Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .FirstOrDefault()?.Split(';')[0];
        return first is not null && first.StartsWith("sw", StringComparison.OrdinalIgnoreCase) ? PageTexts.Swahili : PageTexts.English;
    }
}

public static class PageLanguageModule
{
    /// In a page model: var T = this.Texts(); then T["…"] as in the views.
    public static PageTexts Texts(this Microsoft.AspNetCore.Mvc.RazorPages.PageModel page) =>
        page.HttpContext.RequestServices.GetRequiredService<PageTexts>();

    public static WebApplicationBuilder AddPageLanguages(this WebApplicationBuilder builder)
    {
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddScoped<PageTexts>();
        return builder;
    }

    /// GET /language?lang=sw&amp;returnUrl=/groups: remembers the choice for a year and goes back.
    /// A link, not a form: it works without JavaScript and changes nothing but the cookie.
    public static WebApplication MapPageLanguages(this WebApplication app)
    {
        app.MapGet("/language", (HttpContext http, string? lang, string? returnUrl) =>
        {
            if (lang is not (PageTexts.English or PageTexts.Swahili))
                return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Unknown language", detail: "lang must be en or sw.");
            http.Response.Cookies.Append(PageLanguageMiddleware.Cookie, lang, new CookieOptions
            {
                MaxAge = TimeSpan.FromDays(365), HttpOnly = true, SameSite = SameSiteMode.Lax, Secure = http.Request.IsHttps, IsEssential = true,
            });
            // The same test as the sign-in pages' LocalOrHome (IsLocalUrl), without an IUrlHelper.
            var back = returnUrl is { Length: <= 2000 } && Microsoft.AspNetCore.Http.HttpResults.RedirectHttpResult.IsLocalUrl(returnUrl) ? returnUrl : "/";
            return Results.LocalRedirect(back);
        }).ExcludeFromDescription();
        return app;
    }
}
