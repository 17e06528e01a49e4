using System.Text;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Pamoja.Core.Groups;
using Pamoja.Core.Money;
using Pamoja.Web.Features.Groups;
using Pamoja.Web.Features.Ledger;
using Pamoja.Web.Features.Members;

namespace Pamoja.Web.Features.Dashboards.Pages;

/// Print views and CSV downloads of a group's books. Like every {groupId} route, an outsider gets
/// 404 before this runs (GroupAccessMiddleware); within the group, the ledger is for every member
/// (as on the ledger page), everyone's contributions for officials only, and the balances as the
/// balances API shows them (a member: their own row).
[Authorize]
public sealed class ExportModel(GroupQueries groups, MemberQueries members, LedgerQueries ledger, TimeProvider clock) : PageModel
{
    public GroupView Group { get; private set; } = null!;
    public GroupContext Caller { get; private set; } = null!;
    public bool Official => RolePermissions.IsOfficial(Caller.Role);

    public async Task OnGetAsync(CancellationToken ct)
    {
        Caller = GroupContext.From(HttpContext);
        Group = await groups.ViewAsync(Caller, ct);
    }

    public async Task<IActionResult> OnGetLedgerAsync(CancellationToken ct)
    {
        var (group, currency, name) = await LoadAsync(ct);
        return Csv(GroupCsv.Ledger(await AllEntriesAsync(ct), currency, name), group, "ledger");
    }

    public async Task<IActionResult> OnGetContributionsAsync(CancellationToken ct)
    {
        Caller = GroupContext.From(HttpContext);
        if (!RolePermissions.IsOfficial(Caller.Role))
            return StatusCode(StatusCodes.Status403Forbidden);
        var (group, currency, name) = await LoadAsync(ct);
        return Csv(GroupCsv.Contributions(await AllEntriesAsync(ct), currency, name), group, "contributions");
    }

    public async Task<IActionResult> OnGetBalancesAsync(CancellationToken ct)
    {
        var (group, _, _) = await LoadAsync(ct);
        return Csv(GroupCsv.Balances(await ledger.BalancesAsync(Caller, ct)), group, "balances");
    }

    private async Task<(GroupView Group, Currency Currency, Func<Guid, string> Name)> LoadAsync(CancellationToken ct)
    {
        Caller = GroupContext.From(HttpContext);
        Group = await groups.ViewAsync(Caller, ct);
        var names = (await members.ListAsync(Caller, ct)).ToDictionary(m => m.MemberId, m => m.FullName);
        return (Group, Currency.Get(Group.Currency), id => names.GetValueOrDefault(id) ?? "former member");
    }

    /// The whole journal in pages of a thousand entries.
    private async Task<IReadOnlyList<JournalEntryView>> AllEntriesAsync(CancellationToken ct)
    {
        var all = new List<JournalEntryView>();
        while (true)
        {
            var page = await ledger.JournalAsync(Caller.GroupId, all.Count == 0 ? 0 : all[^1].Seq, 1000, ct);
            all.AddRange(page);
            if (page.Count < 1000) return all;
        }
    }

    private FileContentResult Csv(string text, GroupView group, string what)
    {
        var today = clock.GetUtcNow().ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture);
        return File(Encoding.UTF8.GetBytes(text), "text/csv; charset=utf-8", $"{what}-{GroupCsv.Slug(group.Name)}-{today}.csv");
    }
}
