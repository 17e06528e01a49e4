using System.Net;
using System.Text.RegularExpressions;

namespace Pamoja.Web.Tests.Infrastructure;

/// Posts Razor Page forms the way a browser does: fetch the page, take its antiforgery token,
/// send the fields. The client keeps cookies (WebApplicationFactory's default).
public static partial class Forms
{
    /// multipart: send multipart/form-data (browsers do for file uploads; the pages accept it too),
    /// which, unlike urlencoded forms, the framework does not refuse for a NUL in a value.
    public static async Task<HttpResponseMessage> SubmitAsync(HttpClient client, string pagePath, IDictionary<string, string> fields, string? postPath = null,
        bool multipart = false)
    {
        var page = await client.GetAsync(pagePath);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        var token = TokenPattern().Match(html);
        Assert.True(token.Success, $"no antiforgery token on {pagePath}");
        var form = new Dictionary<string, string>(fields) { ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token.Groups[1].Value) };
        if (!multipart)
            return await client.PostAsync(postPath ?? pagePath, new FormUrlEncodedContent(form));
        using var content = new MultipartFormDataContent();
        foreach (var (name, value) in form)
            content.Add(new StringContent(value), name);
        return await client.PostAsync(postPath ?? pagePath, content);
    }

    /// The antiforgery token a page's form carries for this client's session.
    public static async Task<string> TokenAsync(HttpClient client, string pagePath)
    {
        var html = await client.GetStringAsync(pagePath);
        var token = TokenPattern().Match(html);
        Assert.True(token.Success, $"no antiforgery token on {pagePath}");
        return WebUtility.HtmlDecode(token.Groups[1].Value);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}
