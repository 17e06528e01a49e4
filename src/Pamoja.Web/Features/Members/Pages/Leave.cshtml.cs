using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Pamoja.Web.Features.Shared.Localization;
using Pamoja.Web.Features.Groups;
using Pamoja.Web.Features.Groups.Pages;

namespace Pamoja.Web.Features.Members.Pages;

/// A member leaves the group, after a page that says what that means.
[Authorize]
public sealed class LeaveModel(GroupQueries groups, ChangeMemberStatus status) : PageModel
{
    /// The page texts in the reader's language.
    private PageTexts T => this.Texts();

    public GroupView Group { get; private set; } = null!;

    public async Task OnGetAsync(CancellationToken ct) => Group = await groups.ViewAsync(GroupContext.From(HttpContext), ct);

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var caller = GroupContext.From(HttpContext);
        Group = await groups.ViewAsync(caller, ct);
        switch (await status.HandleAsync(caller, caller.MemberId, StatusChange.Leave, null, ct))
        {
            case MemberOutcome.Done:
                TempData[GroupPages.MessageKey] = T["You left {0}.", Group.Name];
                return LocalRedirect("/groups");
            case MemberOutcome.Refused refused:
                ModelState.AddModelError("", refused.Detail);
                Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
                return Page();
            case MemberOutcome.Conflict conflict:
                ModelState.AddModelError("", conflict.Detail);
                Response.StatusCode = StatusCodes.Status409Conflict;
                return Page();
            case MemberOutcome.Forbidden forbidden:
                ModelState.AddModelError("", forbidden.Detail);
                Response.StatusCode = StatusCodes.Status403Forbidden;
                return Page();
            default:
                return NotFound();
        }
    }
}
