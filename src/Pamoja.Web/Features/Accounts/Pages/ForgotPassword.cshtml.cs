using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Pamoja.Web.Features.Shared.Localization;
using Pamoja.Web.Http;

namespace Pamoja.Web.Features.Accounts.Pages;

/// Sends a reset code by SMS. Every login gets the same answer, so the page cannot be used to
/// find out who has an account.
[AllowAnonymous]
public sealed class ForgotPasswordModel(RequestPasswordReset reset, AuthThrottle throttle) : PageModel
{
    /// The page texts in the reader's language.
    private PageTexts T => this.Texts();

    [BindProperty]
    public InputModel Input { get; set; } = new();

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var login = this.Required("Input.Login", Input.Login, AccountLookup.MaxLoginLength, T["Enter your phone number or email."], T["Phone number or email"]);
        if (login is null)
            return Page();
        if (throttle.TryAcquire(AuthAction.PasswordReset, HttpContext, login) is { } wait)
            return this.TooManyAttempts(wait);

        await reset.HandleAsync(login, ct);
        return LocalRedirect("/account/reset-password?login=" + Uri.EscapeDataString(login) + "&sent=1");
    }

    public sealed class InputModel
    {
        public string? Login { get; set; }
    }
}
