using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Pamoja.Web.Features.Accounts;
using Pamoja.Web.Features.Accounts.Pages;
using Pamoja.Web.Features.Members;
using Pamoja.Web.Features.Shared.Localization;
using Pamoja.Web.Http;

namespace Pamoja.Web.Features.Groups.Pages;

/// Ask to join a group with its invite code (typed, or from a shared /groups/join?code= link);
/// an official approves the request. Guessing codes is rate-limited like guessing passwords.
[Authorize]
public sealed class JoinModel(JoinGroup join, UserManager<AppUser> users, AuthThrottle throttle) : PageModel
{
    public const int MaxCode = 32;

    [BindProperty(SupportsGet = true)]
    public string? Code { get; set; }

    public void OnGet()
    {
        Code = Code is { Length: <= MaxCode } code ? code.Trim().ToUpperInvariant() : null;
        ModelState.Remove(nameof(Code)); // show the tidied code, not the raw query value
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var T = this.Texts();
        var code = this.Required(nameof(Code), Code, MaxCode, T["Enter the invite code."], T["The invite code"]);
        if (code is null)
            return Page();
        if (await users.GetUserAsync(User) is not { } user)
            return Challenge();
        if (throttle.TryAcquire(AuthAction.SignIn, HttpContext, "join:" + user.Id) is { } wait)
            return this.TooManyAttempts(wait);

        switch (await join.HandleAsync(user, code, ct))
        {
            case JoinOutcome.Requested requested:
                TempData[GroupPages.MessageKey] = T["Request sent to {0}. An official of the group will approve it; it shows here as waiting until then.", requested.GroupName];
                return LocalRedirect("/groups");
            case JoinOutcome.UnknownCode:
                ModelState.AddModelError(nameof(Code), T["No group has this invite code. Check it with the official who gave it to you."]);
                return Page();
            case JoinOutcome.Conflict conflict:
                ModelState.AddModelError("", conflict.Detail);
                Response.StatusCode = StatusCodes.Status409Conflict;
                return Page();
            case JoinOutcome.Refused refused:
                ModelState.AddModelError("", refused.Detail);
                Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
                return Page();
            default:
                throw new InvalidOperationException("Unknown outcome.");
        }
    }
}
