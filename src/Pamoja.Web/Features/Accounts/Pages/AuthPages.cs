using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Pamoja.Web.Http;

namespace Pamoja.Web.Features.Accounts.Pages;

/// What the account pages share: field checks, the throttle and lockout answers, safe redirects.
internal static class AuthPages
{
    public const string WrongLogin = "The login or password is wrong.";
    public const string LockedOut = "This account is locked after too many failed attempts. Try again later or reset your password.";

    /// Trimmed value, or null after adding "required" or "too long" to ModelState.
    public static string? Required(this PageModel page, string key, string? value, int maxLength, string whenMissing, string label)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            page.ModelState.AddModelError(key, whenMissing);
            return null;
        }
        if (value.Length > maxLength)
        {
            page.ModelState.AddModelError(key, $"{label} must be at most {maxLength} characters.");
            return null;
        }
        if (!FieldErrors.IsCleanText(value))
        {
            page.ModelState.AddModelError(key, $"{label} must not contain control characters.");
            return null;
        }
        return value.Trim();
    }

    /// Passwords are not trimmed: spaces may be part of them.
    public static string? Password(this PageModel page, string key, string? value, string whenMissing, string label)
    {
        if (string.IsNullOrEmpty(value))
        {
            page.ModelState.AddModelError(key, whenMissing);
            return null;
        }
        if (value.Length > RegisterAccount.MaxPassword)
        {
            page.ModelState.AddModelError(key, $"{label} must be at most {RegisterAccount.MaxPassword} characters.");
            return null;
        }
        return value;
    }

    /// 429 with Retry-After, and the form again with the wait in words.
    public static PageResult TooManyAttempts(this PageModel page, TimeSpan wait)
    {
        AuthThrottle.SetRetryAfter(page.HttpContext, wait);
        page.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        page.ModelState.AddModelError("", $"Too many attempts. Try again in {Describe(wait, roundUp: true)}.");
        return page.Page();
    }

    public static PageResult Locked(this PageModel page)
    {
        page.Response.StatusCode = StatusCodes.Status423Locked;
        page.ModelState.AddModelError("", LockedOut);
        return page.Page();
    }

    /// Only paths on this site; anything else (https://evil.example, //evil, /\evil) goes home.
    public static string LocalOrHome(this IUrlHelper url, string? returnUrl) =>
        !string.IsNullOrEmpty(returnUrl) && url.IsLocalUrl(returnUrl) ? returnUrl : "/";

    /// "3 minutes", "1 minute", "45 seconds". Exact whole minutes, or seconds below two minutes;
    /// longer odd spans are rounded up to minutes when roundUp (a wait) and to nearest otherwise.
    public static string Describe(TimeSpan span, bool roundUp = false)
    {
        var seconds = Math.Max(1, (int)(roundUp ? Math.Ceiling(span.TotalSeconds) : Math.Round(span.TotalSeconds)));
        if (seconds % 60 == 0 || seconds >= 120)
        {
            var minutes = roundUp ? (seconds + 59) / 60 : (int)Math.Round(seconds / 60.0);
            return Count(minutes, "minute");
        }
        return Count(seconds, "second");
    }

    private static string Count(int n, string unit) => n.ToString(CultureInfo.InvariantCulture) + " " + unit + (n == 1 ? "" : "s");
}
