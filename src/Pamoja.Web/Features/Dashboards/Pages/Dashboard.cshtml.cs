using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Pamoja.Core.Groups;
using Pamoja.Web.Features.Groups;

namespace Pamoja.Web.Features.Dashboards.Pages;

/// A group's dashboard: every member sees their own position; officials also see this period's
/// collection, arrears, the pool over time, upcoming payouts and what waits for their approval.
[Authorize]
public sealed class DashboardModel(DashboardQueries queries) : PageModel
{
    public GroupDashboard Dashboard { get; private set; } = null!;
    public GroupContext Caller { get; private set; } = null!;

    public async Task OnGetAsync(CancellationToken ct)
    {
        Caller = GroupContext.From(HttpContext);
        Dashboard = await queries.GroupAsync(Caller, ct);
    }

    public bool Can(Permission permission) => Caller.Can(permission);

    public MemberGroupCard MyCard => new(Dashboard.Group, Dashboard.Currency, Dashboard.Today, Dashboard.Me);

    public static string PeriodStatus(string status) => status switch
    {
        "payout_reserved" => "ready to pay out",
        "collected" => "all paid in",
        "collecting" => "collecting",
        "overdue" => "payments overdue",
        _ => "coming up",
    };
}
