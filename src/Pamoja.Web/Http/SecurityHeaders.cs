namespace Pamoja.Web.Http;

/// Headers on every response: no framing (clickjacking of money forms), no MIME sniffing, no
/// referrer leaking reset links, and a CSP that allows only our own scripts and styles. Answers
/// that carry tokens, 2FA keys, reset codes or invitation links are never cached (no-store),
/// errors included.
public sealed class SecurityHeadersMiddleware(RequestDelegate next)
{
    private static readonly PathString[] NoStore = ["/api/v1/auth", "/api/v1/me", "/api/v1/invitations", "/account", "/invitations"];

    private const string ContentSecurityPolicy =
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; " +
        "base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    public Task InvokeAsync(HttpContext context)
    {
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            headers["Content-Security-Policy"] = ContentSecurityPolicy;
            headers["X-Content-Type-Options"] = "nosniff";
            headers["X-Frame-Options"] = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()";
            headers["Cross-Origin-Opener-Policy"] = "same-origin";
            if (NoStore.Any(p => context.Request.Path.StartsWithSegments(p)))
            {
                headers.CacheControl = "no-store";
                headers.Pragma = "no-cache";
            }
            return Task.CompletedTask;
        });
        return next(context);
    }
}
