using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Pamoja.Web.Features.Shared.Localization;
using Pamoja.Web.Http;

namespace Pamoja.Web.Features.Accounts.Pages;

/// Second step of a sign-in when two-factor is on: the password was right, now the app's code.
[AllowAnonymous]
public sealed class SignInCodeModel(SignInManager<AppUser> signIn, AuthThrottle throttle) : PageModel
{
    /// The page texts in the reader's language.
    private PageTexts T => this.Texts();

    [BindProperty]
    public InputModel Input { get; set; } = new();

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public async Task<IActionResult> OnGetAsync() =>
        await signIn.GetTwoFactorAuthenticationUserAsync() is null ? StartAgain() : Page();

    public async Task<IActionResult> OnPostAsync()
    {
        var user = await signIn.GetTwoFactorAuthenticationUserAsync();
        if (user is null)
            return StartAgain();

        var code = TwoFactor.NormalizeCode(Input.Code);
        if (string.IsNullOrEmpty(code))
            ModelState.AddModelError("Input.Code", T["Enter the 6-digit code from your authenticator app."]);
        else if (code.Length != 6 || !code.All(char.IsAsciiDigit))
            ModelState.AddModelError("Input.Code", T["The code is 6 digits, like 123 456."]);
        if (!ModelState.IsValid)
            return Page();

        if (throttle.TryAcquire(AuthAction.SignIn, HttpContext, user.UserName) is { } wait)
            return this.TooManyAttempts(wait);

        var result = await signIn.TwoFactorAuthenticatorSignInAsync(code!, isPersistent: false, rememberClient: false);
        if (result.Succeeded)
            return LocalRedirect(Url.LocalOrHome(ReturnUrl));
        if (result.IsLockedOut)
            return this.Locked();
        ModelState.AddModelError("Input.Code", T["The code is wrong or has expired. Enter the code your app shows now."]);
        return Page();
    }

    private LocalRedirectResult StartAgain() =>
        LocalRedirect("/account/sign-in" + (ReturnUrl is { Length: > 0 } && Url.IsLocalUrl(ReturnUrl) ? "?returnUrl=" + Uri.EscapeDataString(ReturnUrl) : ""));

    public sealed class InputModel
    {
        public string? Code { get; set; }
    }
}
