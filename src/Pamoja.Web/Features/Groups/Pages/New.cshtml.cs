using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Pamoja.Core.Groups;
using Pamoja.Core.Money;
using Pamoja.Web.Features.Accounts;
using Pamoja.Web.Features.Members;
using Pamoja.Web.Features.Shared.Localization;
using Pamoja.Web.Http;

namespace Pamoja.Web.Features.Groups.Pages;

/// Create a group: first choose the kind (plain links), then the form for that kind. No script:
/// the kind travels in the query string, so the form is built for it on the server.
[Authorize]
public sealed class NewModel(CreateGroup create, UserManager<AppUser> users, TimeProvider clock) : PageModel, IGroupSettingsPage
{
    private PageTexts T => this.Texts();

    [BindProperty(SupportsGet = true)]
    public string? Kind { get; set; }

    [BindProperty]
    public GroupSettingsForm Input { get; set; } = new();

    /// Null on the first step (no kind chosen yet, or an unknown one).
    public string? ChosenKind { get; private set; }

    public string KindName => ChosenKind ?? "";
    public Currency? FixedCurrency => null;

    public void OnGet()
    {
        if (Api.TryParse(Kind, out GroupKind kind))
        {
            ChosenKind = Api.Name(kind);
            // Today where a group with the form's default currency lives, not on the server.
            Input = GroupSettingsForm.Defaults(kind, clock.Today(GroupSettingsInput.DefaultTimeZone(GroupSettingsForm.DefaultCurrency)));
        }
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!Api.TryParse(Kind, out GroupKind kind))
            return LocalRedirect("/groups/new");
        ChosenKind = Api.Name(kind);
        if (await users.GetUserAsync(User) is not { } user)
            return Challenge();

        Currency.TryGet(Input.Currency, out var currency);
        var input = Input.ToInput(kind, currency, ModelState, T);
        if (!ModelState.IsValid)
        {
            // Also say at once what else is wrong, not one round trip per field.
            var errors = new FieldErrors();
            input.Validate(errors, clock);
            GroupSettingsForm.AddErrors(errors, ModelState);
            return Page();
        }

        switch (await create.HandleAsync(input, user, ct))
        {
            case CreateGroupOutcome.Created created:
                TempData[GroupPages.MessageKey] = T["Your group is ready and you are its chair. Next, add its members."];
                return LocalRedirect($"/groups/{created.GroupId}");
            case CreateGroupOutcome.Invalid invalid:
                GroupSettingsForm.AddErrors(invalid.Errors, ModelState);
                return Page();
            default:
                throw new InvalidOperationException("Unknown outcome.");
        }
    }
}
