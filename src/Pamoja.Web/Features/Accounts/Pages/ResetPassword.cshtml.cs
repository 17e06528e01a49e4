using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Pamoja.Web.Features.Shared.Localization;
using Microsoft.Extensions.Options;
using Pamoja.Web.Http;

namespace Pamoja.Web.Features.Accounts.Pages;

/// The SMS link opens this page with login and code filled in; people who typed the code
/// from the message fill them in by hand.
[AllowAnonymous]
public sealed class ResetPasswordModel(ConfirmPasswordReset confirm, AuthThrottle throttle, IOptions<AccountOptions> options) : PageModel
{
    /// The page texts in the reader's language.
    private PageTexts T => this.Texts();

    private const int MaxCode = 32;

    [BindProperty]
    public InputModel Input { get; set; } = new();

    public bool Sent { get; private set; }
    public bool CodeRejected { get; private set; }
    public string CodeLifetime => AuthPages.Describe(options.Value.PasswordResetLifetime, T: T);
    public int MinimumPasswordLength => options.Value.MinimumPasswordLength;

    public void OnGet(string? login, string? code, string? sent)
    {
        Input.Login = login is { Length: <= AccountLookup.MaxLoginLength } ? login : null;
        Input.Code = code is { Length: <= MaxCode } ? code : null;
        Sent = sent == "1";
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var login = this.Required("Input.Login", Input.Login, AccountLookup.MaxLoginLength, T["Enter your phone number or email."], T["Phone number or email"]);
        var code = this.Required("Input.Code", Input.Code, MaxCode, T["Enter the code from the SMS."], T["Code"]);
        var password = this.Password("Input.NewPassword", Input.NewPassword, T["Enter a new password."], T["New password"]);
        if (login is null || code is null || password is null)
            return Page();

        // Guessing codes is a sign-in attempt by another name: same per-IP and per-login limits.
        if (throttle.TryAcquire(AuthAction.SignIn, HttpContext, login) is { } wait)
            return this.TooManyAttempts(wait);

        switch (await confirm.HandleAsync(login, code, password, ct))
        {
            case ResetOutcome.Done:
                return LocalRedirect("/account/sign-in?reset=1");
            case ResetOutcome.InvalidPassword invalid:
                invalid.Errors.CopyTo(ModelState, "Input.");
                return Page();
            default:
                CodeRejected = true;
                ModelState.AddModelError("Input.Code", T["The code is wrong, already used or expired. Ask for a new one."]);
                return Page();
        }
    }

    public sealed class InputModel
    {
        public string? Login { get; set; }
        public string? Code { get; set; }
        public string? NewPassword { get; set; }
    }
}
