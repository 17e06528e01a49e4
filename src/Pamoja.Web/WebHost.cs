using Microsoft.AspNetCore.HttpOverrides;
using Pamoja.Web.Http;
using Pamoja.Web.Jobs;

namespace Pamoja.Web;

/// Host-wide settings that belong to no single feature: logging, JSON, problem details,
/// security headers, proxies, Razor Pages. Features register themselves (AddAccounts() …).
public static class WebHost
{
    public static WebApplicationBuilder AddPamojaHost(this WebApplicationBuilder builder)
    {
        // Structured JSON logs on stdout (journald or any collector takes them from there).
        builder.Logging.ClearProviders();
        builder.Logging.AddJsonConsole(o =>
        {
            o.IncludeScopes = true;
            o.UseUtcTimestamp = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
        });

        // PAMOJA_URL is where the app listens unless --urls / ASPNETCORE_URLS say otherwise.
        if (string.IsNullOrEmpty(builder.Configuration["urls"]))
            builder.WebHost.UseUrls(builder.Configuration["PAMOJA_URL"] is { Length: > 0 } url ? url : "http://localhost:5000");

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<BadRequestExceptionHandler>();
        // Malformed JSON becomes an exception that BadRequestExceptionHandler turns into a 400
        // naming the field, instead of an empty 400.
        builder.Services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        // ASP.NET's web defaults read "150000" as a number; for money that ambiguity is refused:
        // a string where a number belongs is a 400 naming the field.
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict);
        builder.Services.AddOpenApi();
        builder.Services.AddRazorPages(o => o.RootDirectory = "/Features");
        builder.Services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "pamoja.antiforgery";
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
        builder.Services.AddHsts(o => o.MaxAge = TimeSpan.FromDays(365));

        if (builder.Configuration.GetValue("Network:TrustForwardedHeaders", false))
        {
            // Behind nginx: trust its X-Forwarded-* so rate limits see the member's IP and links
            // use https — but only from the proxies named (loopback unless configured).
            var proxies = TrustedProxies.Parse(builder.Configuration[TrustedProxies.Setting]);
            builder.Services.Configure<ForwardedHeadersOptions>(proxies.ApplyTo);
        }
        builder.AddJobs();
        return builder;
    }

    public static WebApplication UsePamojaPipeline(this WebApplication app)
    {
        if (app.Configuration.GetValue("Network:TrustForwardedHeaders", false))
        {
            if (TrustedProxies.Parse(app.Configuration[TrustedProxies.Setting]).AnySender && !app.Environment.IsEnvironment("Testing"))
                app.Logger.LogWarning("{Setting} is \"*\": any client can choose the address the rate limits see. Name the proxies instead.",
                    TrustedProxies.Setting);
            app.UseForwardedHeaders();
        }
        app.UseExceptionHandler();
        app.UseStatusCodePages(StatusPages.WriteAsync);
        if (!app.Environment.IsDevelopment())
            app.UseHsts();
        app.UseMiddleware<SecurityHeadersMiddleware>();
        app.UseMiddleware<ApiBodyLimitMiddleware>();
        app.UseStaticFiles();
        app.UseMiddleware<Features.Shared.Localization.PageLanguageMiddleware>();
        app.UseRouting();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseMiddleware<Features.Groups.GroupAccessMiddleware>();
        app.MapOpenApi("/openapi/{documentName}.json");
        app.MapJobsAdminApi();
        return app;
    }
}
