using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Pamoja.Web.Features.Accounts;
using Pamoja.Web.Features.Groups;

namespace Pamoja.Web.Features.Home;

public sealed class IndexModel(UserManager<AppUser> users, GroupQueries groups) : PageModel
{
    public string? FullName { get; private set; }

    public IReadOnlyList<GroupSummary> Groups { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        if (User.Identity?.IsAuthenticated != true)
            return;
        FullName = (await users.GetUserAsync(User))?.FullName ?? User.Identity.Name;
        if (Guid.TryParse(users.GetUserId(User), out var userId))
            Groups = await groups.MineAsync(userId, ct);
    }
}
