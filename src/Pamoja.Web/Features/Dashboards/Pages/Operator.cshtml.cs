using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Pamoja.Web.Features.Accounts;
using Pamoja.Web.Features.Groups.Pages;
using Pamoja.Web.Features.Shared.Localization;
using Pamoja.Web.Jobs;

namespace Pamoja.Web.Features.Dashboards.Pages;

/// The platform operator's dashboard: health, the job queue with its dead letters (and a retry
/// for each), and every group's open reconciliation exceptions. Signed-in operators only; anyone
/// else is sent to the "not allowed" page (403).
[Authorize(Roles = Roles.Operator)]
public sealed class OperatorModel(DashboardQueries queries, JobQueue jobs) : PageModel
{
    public OperatorDashboard Dashboard { get; private set; } = null!;

    public async Task OnGetAsync(CancellationToken ct) => Dashboard = await queries.OperatorAsync(ct);

    /// A dead job runs again with fresh attempts (the same as POST /api/v1/admin/jobs/{id}/retry).
    public async Task<IActionResult> OnPostRetryAsync(Guid jobId, CancellationToken ct)
    {
        var T = this.Texts();
        TempData[GroupPages.MessageKey] = await jobs.RetryAsync(jobId, ct)
            ? T["The job is queued again."]
            : T["That job is not dead any more: nothing to retry."];
        return RedirectToPage();
    }
}
