using System.Net;
using Microsoft.AspNetCore.Diagnostics;

namespace Pamoja.Web.Http;

/// Bodies for bare error statuses (404, 405, a failed antiforgery check's 400, …): problem
/// details for API and webhook callers, a small HTML page for people in a browser.
public static class StatusPages
{
    public static async Task WriteAsync(StatusCodeContext context)
    {
        var http = context.HttpContext;
        var status = http.Response.StatusCode;
        if (IsMachinePath(http.Request.Path))
        {
            await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
            {
                HttpContext = http,
                ProblemDetails = { Status = status, Title = ReasonPhrase(status) },
            });
            return;
        }

        var (title, advice) = status switch
        {
            400 => ("This form has expired", "Go back, reload the page and try again."),
            403 => ("You don't have access to that page", "Ask an official of your group if you think you should."),
            404 => ("Page not found", "Check the address, or start again from the home page."),
            429 => ("Too many attempts", "Wait a little and try again."),
            _ => (ReasonPhrase(status), "Try again, or start again from the home page."),
        };
        http.Response.ContentType = "text/html; charset=utf-8";
        await http.Response.WriteAsync($"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{WebUtility.HtmlEncode(title)} – Pamoja</title><link rel="stylesheet" href="/css/site.css"></head>
            <body><main id="main" class="container"><h1>{WebUtility.HtmlEncode(title)}</h1><p>{WebUtility.HtmlEncode(advice)}</p>
            <p><a href="/">Pamoja home</a></p></main></body></html>
            """);
    }

    public static bool IsMachinePath(PathString path) =>
        path.StartsWithSegments("/api") || path.StartsWithSegments("/webhooks") || path.StartsWithSegments("/health");

    private static string ReasonPhrase(int status) =>
        Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status) is { Length: > 0 } phrase ? phrase : "Error";
}
