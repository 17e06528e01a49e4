using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Pamoja.Web.Features.Shared.Localization;
using Microsoft.Extensions.Options;
using Pamoja.Web.Http;

namespace Pamoja.Web.Features.Accounts.Pages;

[AllowAnonymous]
public sealed class RegisterModel(RegisterAccount register, SignInManager<AppUser> signIn, IOptions<AccountOptions> options, AuthThrottle throttle) : PageModel
{
    /// The page texts in the reader's language.
    private PageTexts T => this.Texts();

    [BindProperty]
    public InputModel Input { get; set; } = new();

    /// "phone" or "email" when that one already has an account: the page offers sign-in and reset.
    public string? AlreadyRegistered { get; private set; }

    public int MinimumPasswordLength => options.Value.MinimumPasswordLength;

    /// Where to go after registering (a join link, an invitation); local URLs only.
    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    /// A link from a chat carries the phone the member wrote from.
    public void OnGet(string? phone)
    {
        if (phone is { Length: <= 32 } && Pamoja.Core.Phones.PhoneNumber.TryParse(phone, out var parsed))
            Input.Phone ??= parsed.Value;
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (throttle.TryAcquire(AuthAction.Register, HttpContext, null) is { } wait)
            return this.TooManyAttempts(wait);
        switch (await register.HandleAsync(new RegisterRequest(Input.Phone, Input.FullName, Input.Password, Input.Email)))
        {
            case RegisterOutcome.Created created:
                await signIn.SignInAsync(created.User, isPersistent: false);
                return LocalRedirect(Url.LocalOrHome(ReturnUrl));
            case RegisterOutcome.Invalid invalid:
                invalid.Errors.CopyTo(ModelState, "Input.");
                return Page();
            case RegisterOutcome.AlreadyRegistered { Field: "email" }:
                AlreadyRegistered = "email";
                ModelState.AddModelError("Input.Email", T["An account with this email already exists."]);
                return Page();
            default:
                AlreadyRegistered = "phone";
                ModelState.AddModelError("Input.Phone", T["An account with this phone number already exists."]);
                return Page();
        }
    }

    public sealed class InputModel
    {
        public string? Phone { get; set; }
        public string? FullName { get; set; }
        public string? Email { get; set; }
        public string? Password { get; set; }
    }
}
