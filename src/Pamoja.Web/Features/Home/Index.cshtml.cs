using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Pamoja.Web.Features.Accounts;
using Pamoja.Web.Features.Dashboards;
using Pamoja.Web.Features.Groups;

namespace Pamoja.Web.Features.Home;

/// Signed out: what Pamoja is. Signed in: the member's dashboard, one card per group (balance,
/// next due, next payout, history chart), and the groups still waiting for approval.
public sealed class IndexModel(UserManager<AppUser> users, GroupQueries groups, DashboardQueries dashboards) : PageModel
{
    public string? FullName { get; private set; }

    public IReadOnlyList<GroupSummary> Groups { get; private set; } = [];
    public IReadOnlyList<MemberGroupCard> Cards { get; private set; } = [];
    public bool IsOperator { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        if (User.Identity?.IsAuthenticated != true)
            return;
        FullName = (await users.GetUserAsync(User))?.FullName ?? User.Identity.Name;
        IsOperator = User.IsInRole(Roles.Operator);
        if (Guid.TryParse(users.GetUserId(User), out var userId))
        {
            Groups = await groups.MineAsync(userId, ct);
            Cards = await dashboards.HomeAsync(userId, Groups, ct);
        }
    }
}
