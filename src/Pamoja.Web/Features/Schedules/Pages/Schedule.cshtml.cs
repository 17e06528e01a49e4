using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Pamoja.Core.Groups;
using Pamoja.Core.Money;
using Pamoja.Web.Features.Groups;
using Pamoja.Web.Features.Members;
using Pamoja.Web.Features.Shared.Localization;

namespace Pamoja.Web.Features.Schedules.Pages;

/// Who receives when, who has paid this period, and who is behind: the page a member opens
/// before a meeting, and the treasurer's checklist.
[Authorize]
public sealed class ScheduleModel(GroupQueries groups, MemberQueries members, ScheduleQueries schedules) : PageModel
{
    public GroupView Group { get; private set; } = null!;
    public GroupContext Caller { get; private set; } = null!;
    public Currency Currency { get; private set; } = null!;
    public ScheduleView Schedule { get; private set; } = null!;
    public SchedulePeriod? Current { get; private set; }
    public IReadOnlyList<ObligationView> CurrentObligations { get; private set; } = [];
    public IReadOnlyList<(Guid MemberId, string FullName, long Overdue, int Periods)> Arrears { get; private set; } = [];
    private Dictionary<Guid, string> _names = [];

    public string Name(Guid? memberId) => memberId is { } id ? _names.GetValueOrDefault(id) ?? T["a former member"] : "—";

    private PageTexts T => this.Texts();

    public async Task OnGetAsync(CancellationToken ct)
    {
        Caller = GroupContext.From(HttpContext);
        Group = await groups.ViewAsync(Caller, ct);
        Currency = Currency.Get(Group.Currency);
        _names = (await members.ListAsync(Caller, ct)).ToDictionary(m => m.MemberId, m => m.FullName);
        Schedule = await schedules.ScheduleAsync(Caller.GroupId, null, null, ct);
        // "This period": the latest one whose payments have opened, else the first.
        Current = Schedule.Periods.LastOrDefault(p => p.Status != "upcoming") ?? Schedule.Periods.FirstOrDefault();
        if (Current is not null)
            CurrentObligations = await schedules.ObligationsAsync(Caller.GroupId, Current.Period, null, ct);
        Arrears = await schedules.ArrearsAsync(Caller.GroupId, ct);
    }

    public bool Rotating => Group.Kind == "rosca";

    public bool CanManageRotation => Caller.Can(Permission.ManageRotation);

    public static string Status(string status) => status switch
    {
        "upcoming" => "Upcoming",
        "collecting" => "Collecting",
        "collected" => "All paid",
        "overdue" => "Overdue",
        "payout_reserved" => "Payout ready",
        "paid_out" => "Paid out",
        "payout_voided" => "Payout cancelled",
        "skipped" => "No payments (turn left empty)",
        _ => status,
    };

    public static string ObligationStatus(string status) => status switch
    {
        "paid" => "Paid",
        "partial" => "Part paid",
        "due" => "Due",
        "overdue" => "Overdue",
        "upcoming" => "Not yet due",
        _ => status,
    };
}
