using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Pamoja.Web.Features.Shared.Localization;
using Pamoja.Web.Http;

namespace Pamoja.Web.Features.Accounts.Pages;

[AllowAnonymous]
public sealed class SignInModel(SignInManager<AppUser> signIn, AccountLookup lookup, AuthThrottle throttle) : PageModel
{
    /// The page texts in the reader's language.
    private PageTexts T => this.Texts();

    // Verifying against a fixed hash when the login is unknown keeps the response time the same
    // as for a wrong password, so timing does not tell which phone numbers have accounts.
    private static readonly Lazy<string> DummyHash = new(() => new PasswordHasher<AppUser>().HashPassword(new AppUser(), "not-a-real-password-ever"));

    [BindProperty]
    public InputModel Input { get; set; } = new();

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public bool PasswordChanged { get; private set; }

    public void OnGet(string? reset) => PasswordChanged = reset == "1";

    public async Task<IActionResult> OnPostAsync()
    {
        var login = this.Required("Input.Login", Input.Login, AccountLookup.MaxLoginLength, T["Enter your phone number or email."], T["Phone number or email"]);
        var password = this.Password("Input.Password", Input.Password, T["Enter your password."], T["Password"]);
        if (login is null || password is null)
            return Page();

        if (throttle.TryAcquire(AuthAction.SignIn, HttpContext, login) is { } wait)
            return this.TooManyAttempts(wait);

        var user = await lookup.FindByLoginAsync(login);
        if (user is null)
        {
            signIn.UserManager.PasswordHasher.VerifyHashedPassword(new AppUser(), DummyHash.Value, password);
            return Wrong();
        }

        var result = await signIn.PasswordSignInAsync(user, password, isPersistent: false, lockoutOnFailure: true);
        if (result.Succeeded)
            return LocalRedirect(Url.LocalOrHome(ReturnUrl));
        if (result.RequiresTwoFactor)
            return LocalRedirect("/account/sign-in/code?returnUrl=" + Uri.EscapeDataString(Url.LocalOrHome(ReturnUrl)));
        if (result.IsLockedOut)
            return this.Locked();
        return Wrong();
    }

    private PageResult Wrong()
    {
        ModelState.AddModelError("", T[AuthPages.WrongLogin]); // not which of the two: that would tell who has an account
        return Page();
    }

    public sealed class InputModel
    {
        public string? Login { get; set; }
        public string? Password { get; set; }
    }
}
