using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Pamoja.Web.Features.Shared.Localization;
using Pamoja.Web.Http;

namespace Pamoja.Web.Features.Accounts.Pages;

[Authorize]
public sealed class SecurityModel(UserManager<AppUser> users, SignInManager<AppUser> signIn, TwoFactor twoFactor, AuthThrottle throttle) : PageModel
{
    /// The page texts in the reader's language.
    private PageTexts T => this.Texts();

    [BindProperty]
    public string? Code { get; set; }

    public AppUser Account { get; private set; } = null!;
    public bool TwoFactorEnabled { get; private set; }

    /// Set while two-factor is being set up: the key to put in the app.
    public TwoFactorSetup? Setup { get; private set; }

    /// "enabled" or "disabled" right after a change.
    public string? Status { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? status)
    {
        if (!await LoadAsync())
            return Challenge();
        Status = status is "enabled" or "disabled" ? status : null;
        return Page();
    }

    public async Task<IActionResult> OnPostSetupAsync()
    {
        if (!await LoadAsync())
            return Challenge();
        if (await twoFactor.SetupAsync(Account) is not { } setup)
            return LocalRedirect("/account/security");
        // A new key changes the security stamp; renew the cookie or the session ends within a minute.
        await signIn.RefreshSignInAsync(Account);
        Setup = setup;
        return Page();
    }

    public async Task<IActionResult> OnPostEnableAsync()
    {
        if (!await LoadAsync())
            return Challenge();
        if (TwoFactorEnabled)
            return LocalRedirect("/account/security"); // never show the key of a factor that is on
        if (await KeepSetupAsync() is null)
        {
            ModelState.AddModelError("", T["Start the set-up again: no key was found."]);
            return Page();
        }
        if (ReadCode() is not { } code)
            return Page();
        if (throttle.TryAcquire(AuthAction.SignIn, HttpContext, Account.UserName) is { } wait)
            return this.TooManyAttempts(wait);

        switch (await twoFactor.EnableAsync(Account, code))
        {
            case TwoFactorOutcome.Done:
                await signIn.RefreshSignInAsync(Account);
                return LocalRedirect("/account/security?status=enabled");
            case TwoFactorOutcome.LockedOut locked:
                AuthThrottle.SetRetryAfter(HttpContext, locked.RetryAfter);
                return this.Locked();
            default:
                ModelState.AddModelError(nameof(Code), T["The code does not match. Check the key in your app and enter the code it shows now."]);
                return Page();
        }
    }

    public async Task<IActionResult> OnPostDisableAsync()
    {
        if (!await LoadAsync())
            return Challenge();
        if (!TwoFactorEnabled)
            return LocalRedirect("/account/security");
        if (ReadCode() is not { } code)
            return Page();
        if (throttle.TryAcquire(AuthAction.SignIn, HttpContext, Account.UserName) is { } wait)
            return this.TooManyAttempts(wait);

        switch (await twoFactor.DisableAsync(Account, code))
        {
            case TwoFactorOutcome.Done:
                await signIn.RefreshSignInAsync(Account);
                return LocalRedirect("/account/security?status=disabled");
            case TwoFactorOutcome.LockedOut locked:
                AuthThrottle.SetRetryAfter(HttpContext, locked.RetryAfter);
                return this.Locked();
            default:
                ModelState.AddModelError(nameof(Code), T["The code does not match. Enter the code your app shows now."]);
                return Page();
        }
    }

    private async Task<bool> LoadAsync()
    {
        if (await users.GetUserAsync(User) is not { } user)
            return false;
        Account = user;
        TwoFactorEnabled = await users.GetTwoFactorEnabledAsync(user);
        return true;
    }

    private string? ReadCode()
    {
        var code = TwoFactor.NormalizeCode(Code);
        if (string.IsNullOrEmpty(code))
            ModelState.AddModelError(nameof(Code), T["Enter the 6-digit code from your authenticator app."]);
        else if (code.Length != 6 || !code.All(char.IsAsciiDigit))
            ModelState.AddModelError(nameof(Code), T["The code is 6 digits, like 123 456."]);
        return ModelState.IsValid ? code : null;
    }

    /// After a wrong code, show the same key again (SetupAsync would make a new one).
    private async Task<TwoFactorSetup?> KeepSetupAsync() => Setup = await twoFactor.PendingSetupAsync(Account);
}
