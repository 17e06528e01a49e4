using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Pamoja.Web.Http;
using Pamoja.Web.Features.Shared.Localization;

namespace Pamoja.Web.Features.Accounts.Pages;

/// What the account pages share: field checks, the throttle and lockout answers, safe redirects.
internal static class AuthPages
{
    public const string WrongLogin = "The login or password is wrong.";
    public const string LockedOut = "This account is locked after too many failed attempts. Try again later or reset your password.";

    /// Trimmed value, or null after adding "required" or "too long" to ModelState.
    public static string? Required(this PageModel page, string key, string? value, int maxLength, string whenMissing, string label)
    {
        var T = page.Texts();
        if (string.IsNullOrWhiteSpace(value))
        {
            page.ModelState.AddModelError(key, whenMissing);
            return null;
        }
        if (value.Length > maxLength)
        {
            page.ModelState.AddModelError(key, T["{0} must be at most {1} characters.", label, maxLength]);
            return null;
        }
        if (!FieldErrors.IsCleanText(value))
        {
            page.ModelState.AddModelError(key, T["{0} must not contain control characters.", label]);
            return null;
        }
        return value.Trim();
    }

    /// Passwords are not trimmed: spaces may be part of them.
    public static string? Password(this PageModel page, string key, string? value, string whenMissing, string label)
    {
        var T = page.Texts();
        if (string.IsNullOrEmpty(value))
        {
            page.ModelState.AddModelError(key, whenMissing);
            return null;
        }
        if (value.Length > RegisterAccount.MaxPassword)
        {
            page.ModelState.AddModelError(key, T["{0} must be at most {1} characters.", label, RegisterAccount.MaxPassword]);
            return null;
        }
        return value;
    }

    /// 429 with Retry-After, and the form again with the wait in words.
    public static PageResult TooManyAttempts(this PageModel page, TimeSpan wait)
    {
        AuthThrottle.SetRetryAfter(page.HttpContext, wait);
        page.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        var T = page.Texts();
        page.ModelState.AddModelError("", T["Too many attempts. Try again in {0}.", Describe(wait, roundUp: true, T)]);
        return page.Page();
    }

    public static PageResult Locked(this PageModel page)
    {
        page.Response.StatusCode = StatusCodes.Status423Locked;
        page.ModelState.AddModelError("", page.Texts()[LockedOut]);
        return page.Page();
    }

    /// Only paths on this site; anything else (https://evil.example, //evil, /\evil) goes home.
    public static string LocalOrHome(this IUrlHelper url, string? returnUrl) =>
        !string.IsNullOrEmpty(returnUrl) && url.IsLocalUrl(returnUrl) ? returnUrl : "/";

    /// "3 minutes", "1 minute", "45 seconds". Exact whole minutes, or seconds below two minutes;
    /// longer odd spans are rounded up to minutes when roundUp (a wait) and to nearest otherwise.
    /// With the page texts, in the reader's language.
    public static string Describe(TimeSpan span, bool roundUp = false, PageTexts? T = null)
    {
        var seconds = Math.Max(1, (int)(roundUp ? Math.Ceiling(span.TotalSeconds) : Math.Round(span.TotalSeconds)));
        if (seconds % 60 == 0 || seconds >= 120)
        {
            var minutes = roundUp ? (seconds + 59) / 60 : (int)Math.Round(seconds / 60.0);
            return T is null ? Count(minutes, "minute") : minutes == 1 ? T["{0} minute", minutes] : T["{0} minutes", minutes];
        }
        return T is null ? Count(seconds, "second") : seconds == 1 ? T["{0} second", seconds] : T["{0} seconds", seconds];
    }

    private static string Count(int n, string unit) => n.ToString(CultureInfo.InvariantCulture) + " " + unit + (n == 1 ? "" : "s");
}
