using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Pamoja.Web.Features.Shared.Localization;
using Pamoja.Web.Features.Accounts;
using Pamoja.Web.Features.Accounts.Pages;

namespace Pamoja.Web.Features.Channels.Pages;

/// Sets the PIN that guards paying from WhatsApp, SMS and USSD. Asks for the password too, so
/// an unattended signed-in browser cannot be used to set one.
[Authorize]
public sealed class ChatPinModel(UserManager<AppUser> users, SignInManager<AppUser> signIn, ChatPins pins) : PageModel
{
    /// The page texts in the reader's language.
    private PageTexts T => this.Texts();

    [BindProperty] public string? Pin { get; set; }
    [BindProperty] public string? ConfirmPin { get; set; }
    [BindProperty] public string? CurrentPassword { get; set; }

    public bool HasPin { get; private set; }
    public bool Saved { get; private set; }

    public async Task OnGetAsync(bool saved, CancellationToken ct)
    {
        Saved = saved;
        HasPin = await pins.IsSetAsync(UserId, ct);
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var user = await users.GetUserAsync(User);
        if (user is null) return Challenge();
        HasPin = await pins.IsSetAsync(user.Id, ct);
        if (ChatPins.Problem(Pin) is { } problem)
            ModelState.AddModelError(nameof(Pin), problem);
        else if (Pin != ConfirmPin)
            ModelState.AddModelError(nameof(ConfirmPin), T["The two PINs are not the same."]);
        var password = this.Password(nameof(CurrentPassword), CurrentPassword, T["Enter your password."], T["Password"]);
        if (!ModelState.IsValid || password is null)
            return Page();
        // Counted like a sign-in: wrong passwords here lock the account too.
        var check = await signIn.CheckPasswordSignInAsync(user, password, lockoutOnFailure: true);
        if (check.IsLockedOut)
            return this.Locked();
        if (!check.Succeeded)
        {
            ModelState.AddModelError(nameof(CurrentPassword), T["That password is not right."]);
            return Page();
        }
        await pins.SetAsync(user.Id, Pin!, ct);
        return LocalRedirect("/account/chat-pin?saved=true");
    }

    private Guid UserId => Guid.Parse(users.GetUserId(User)!);
}
