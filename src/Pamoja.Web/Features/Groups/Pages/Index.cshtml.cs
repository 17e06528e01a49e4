using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Pamoja.Web.Features.Accounts;

namespace Pamoja.Web.Features.Groups.Pages;

/// My groups: where the caller is active, and where they wait for approval.
[Authorize]
public sealed class IndexModel(GroupQueries queries, UserManager<AppUser> users) : PageModel
{
    public IReadOnlyList<GroupSummary> Groups { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!Guid.TryParse(users.GetUserId(User), out var userId))
            return Challenge();
        Groups = await queries.MineAsync(userId, ct);
        return Page();
    }
}
