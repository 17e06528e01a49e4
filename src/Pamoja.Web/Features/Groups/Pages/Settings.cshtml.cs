using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Pamoja.Core.Groups;
using Pamoja.Core.Money;
using Pamoja.Web.Features.Members;
using Pamoja.Web.Features.Shared.Localization;
using Pamoja.Web.Http;

namespace Pamoja.Web.Features.Groups.Pages;

/// The chair changes the group's settings. Kind and currency are fixed; money rules become a
/// new version (from the next period once money has moved), listed in the history below.
[Authorize]
[RequiresPermission(Permission.ChangeSettings)]
public sealed class SettingsModel(GroupQueries queries, ChangeGroupSettings change, TimeProvider clock) : PageModel, IGroupSettingsPage
{
    private PageTexts T => this.Texts();

    [BindProperty]
    public GroupSettingsForm Input { get; set; } = new();

    public GroupView Group { get; private set; } = null!;

    /// Someone else saved first: the page offers to reload.
    public bool Conflict { get; private set; }

    public string KindName => Group.Kind;
    public Currency? FixedCurrency => Currency.Get(Group.Currency);

    /// The version in force today in the group's time zone.
    public int VersionInForce { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        Input = GroupSettingsForm.From(Group);
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var caller = GroupContext.From(HttpContext);
        await LoadAsync(ct);
        Api.TryParse(Group.Kind, out GroupKind kind);
        var input = Input.ToInput(kind, FixedCurrency, ModelState, T);
        if (!ModelState.IsValid)
        {
            var errors = new FieldErrors();
            input.Validate(errors, clock);
            GroupSettingsForm.AddErrors(errors, ModelState);
            return Page();
        }

        switch (await change.HandleAsync(caller, input, ct))
        {
            case ChangeSettingsOutcome.Changed changed:
                TempData[GroupPages.MessageKey] = changed.MoneyRulesEffectiveFrom switch
                {
                    null => T["Settings saved."],
                    { } from when from == input.StartsOn =>
                        T["Settings saved. No money has moved yet, so the new money rules apply from the group's start, {0}.", T.Date(from)],
                    { } from => T["Settings saved. The new money rules apply from {0}, the start of the next period; until then the current ones stay.", T.Date(from)],
                };
                return LocalRedirect($"/groups/{Group.Id}/settings");
            case ChangeSettingsOutcome.Invalid invalid:
                GroupSettingsForm.AddErrors(invalid.Errors, ModelState);
                return Page();
            case ChangeSettingsOutcome.Conflict:
                Conflict = true;
                ModelState.AddModelError("", T["Someone else changed the settings while you were editing them. Reload the page to see their changes, then make yours again."]);
                Response.StatusCode = StatusCodes.Status409Conflict;
                return Page();
            case ChangeSettingsOutcome.Refused refused:
                ModelState.AddModelError("", refused.Detail);
                Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
                return Page();
            default:
                throw new InvalidOperationException("Unknown outcome.");
        }
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Group = await queries.ViewAsync(GroupContext.From(HttpContext), ct);
        var today = clock.Today(Group.TimeZone);
        VersionInForce = Group.RulesHistory.Where(v => v.EffectiveFrom <= today).Select(v => v.Version).DefaultIfEmpty(1).Max();
    }
}
