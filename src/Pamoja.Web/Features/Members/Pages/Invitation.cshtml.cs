using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Pamoja.Web.Features.Shared.Localization;
using Microsoft.Extensions.Options;
using Pamoja.Core.Phones;
using Pamoja.Web.Features.Accounts;
using Pamoja.Web.Features.Accounts.Pages;
using Pamoja.Web.Features.Groups.Pages;

namespace Pamoja.Web.Features.Members.Pages;

/// The link in an invitation SMS. Someone new chooses a password here (the account gets the
/// invited phone number); someone with an account signs in as that number and accepts.
[AllowAnonymous]
public sealed class InvitationModel(AcceptInvitation accept, UserManager<AppUser> users, SignInManager<AppUser> signIn, IOptions<AccountOptions> options) : PageModel
{
    /// The page texts in the reader's language.
    private PageTexts T => this.Texts();

    [BindProperty]
    public string? FullName { get; set; }

    [BindProperty]
    public string? Password { get; set; }

    public InvitationView? Invitation { get; private set; }

    /// The phone of the signed-in account, when someone is signed in.
    public string? SignedInAs { get; private set; }

    public int MinimumPasswordLength => options.Value.MinimumPasswordLength;

    public string Token => (string)RouteData.Values["token"]!;

    public string MaskedPhone => Invitation is { } i && PhoneNumber.TryParse(i.Phone, out var phone) ? phone.Masked() : "";

    public bool SignedInAsInvitee => SignedInAs is not null && SignedInAs == Invitation?.Phone;

    public string SignInUrl => "/account/sign-in?returnUrl=" + Uri.EscapeDataString("/invitations/" + Token);

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct))
            return InvalidLink();
        FullName = Invitation!.FullName;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct))
            return InvalidLink();
        if (FullName is { Length: > 100 })
            ModelState.AddModelError(nameof(FullName), T["Full name must be at most 100 characters."]);
        if (Password is { Length: > RegisterAccount.MaxPassword })
            ModelState.AddModelError(nameof(Password), T["Password must be at most {0} characters.", RegisterAccount.MaxPassword]);
        if (!ModelState.IsValid)
            return Page();

        var signedIn = User.Identity?.IsAuthenticated == true ? await users.GetUserAsync(User) : null;
        switch (await accept.HandleAsync(new AcceptInvitationRequest(Token, FullName, Password), signedIn, ct))
        {
            case AcceptOutcome.Accepted accepted:
                if (signedIn is null)
                    await signIn.SignInAsync(accepted.User, isPersistent: false);
                TempData[GroupPages.MessageKey] = T["Welcome to {0}. You are now a member.", Invitation!.GroupName];
                return LocalRedirect($"/groups/{accepted.GroupId}");
            case AcceptOutcome.Invalid invalid:
                invalid.Errors.CopyTo(ModelState);
                return Page();
            case AcceptOutcome.SignInFirst:
                return LocalRedirect(SignInUrl);
            case AcceptOutcome.WrongAccount:
                ModelState.AddModelError("", T["This invitation is for another phone number. Sign out first, then open the link again."]);
                Response.StatusCode = StatusCodes.Status403Forbidden;
                return Page();
            default:
                return InvalidLink();
        }
    }

    private async Task<bool> LoadAsync(CancellationToken ct)
    {
        Invitation = await accept.FindAsync(Token, ct);
        if (User.Identity?.IsAuthenticated == true)
            SignedInAs = users.GetUserName(User);
        return Invitation is not null;
    }

    private PageResult InvalidLink()
    {
        Invitation = null;
        Response.StatusCode = StatusCodes.Status404NotFound;
        return Page();
    }
}
