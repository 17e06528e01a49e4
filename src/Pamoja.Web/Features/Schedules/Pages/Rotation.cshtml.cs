using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Pamoja.Core.Groups;
using Pamoja.Core.Money;
using Pamoja.Core.Rotation;
using Pamoja.Web.Features.Groups;
using Pamoja.Web.Features.Groups.Pages;
using Pamoja.Web.Features.Members;
using Pamoja.Web.Features.Shared.Localization;

namespace Pamoja.Web.Features.Schedules.Pages;

/// A rotating group's order: set by the chair (fixed), drawn with a published commitment
/// (lottery, with the proof anyone can check), or won by bids; and the group's payout policy
/// and what happens to a leaver's turn.
[Authorize]
public sealed class RotationModel(GroupQueries groups, MemberQueries members, RotationQueries rotations, RotationChanges changes) : PageModel
{
    public GroupView Group { get; private set; } = null!;
    public GroupContext Caller { get; private set; } = null!;
    public Currency Currency { get; private set; } = null!;
    public RotationStateView Rotation { get; private set; } = null!;
    public IReadOnlyList<MemberView> Members { get; private set; } = [];
    public string? Error { get; private set; }

    public bool CanManage => Caller.Can(Permission.ManageRotation);

    public string Name(Guid? memberId) => memberId is { } id ? Members.FirstOrDefault(m => m.MemberId == id)?.FullName ?? T["a former member"] : T["(turn left empty)"];

    private PageTexts T => this.Texts();

    /// The proof of a draw, recomputed here: the seed hashes to the commitment, and the order as
    /// drawn follows from the seed and the members it was drawn among.
    public static bool Verifies(CycleView cycle) =>
        cycle is { Seed: { } seed, Commitment: { } commitment, DrawnOrder: { } drawn } && Lottery.Matches(seed, commitment) &&
        Lottery.Draw(seed, drawn).SequenceEqual(drawn);

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        return Group.Kind == "rosca" ? Page() : NotFound();
    }

    [RequiresPermission(Permission.ManageRotation)]
    public async Task<IActionResult> OnPostOrderAsync(Dictionary<Guid, int>? positions, CancellationToken ct)
    {
        var caller = GroupContext.From(HttpContext);
        // Members are given places 1, 2, 3 …; the order is by place (ties keep the page's order).
        var order = (positions ?? []).OrderBy(p => p.Value).Select(p => p.Key).ToArray();
        return await Outcome(await changes.SetOrderAsync(caller, new RotationOrderRequest(order), ct), T["The order of turns is saved."], ct);
    }

    [RequiresPermission(Permission.ManageRotation)]
    public async Task<IActionResult> OnPostDrawAsync(CancellationToken ct)
    {
        var caller = GroupContext.From(HttpContext);
        var outcome = await changes.DrawAsync(caller, ct);
        return await Outcome(outcome, outcome is ScheduleOutcome.Done { Value: DrawResponse d }
            ? T["Drawn. Seed {0}; it hashes to the commitment {1} published on {2}.", d.Seed, d.Commitment, d.CommitmentPublishedAt.ToString("d MMM yyyy", System.Globalization.CultureInfo.InvariantCulture)]
            : "", ct);
    }

    [RequiresPermission(Permission.ManageRotation)]
    public async Task<IActionResult> OnPostSettingsAsync(string? payoutPolicy, string? exitTurn, CancellationToken ct) =>
        await Outcome(await changes.SetSettingsAsync(GroupContext.From(HttpContext), new RotationSettingsRequest(payoutPolicy, exitTurn), ct),
            T["Saved."], ct);

    public async Task<IActionResult> OnPostBidAsync(int? period, string? discount, CancellationToken ct)
    {
        await LoadAsync(ct);
        var amount = MoneyInput.TryParse(discount, Currency, out var minor, out _) ? minor : (long?)null;
        if (amount is null)
            return await Outcome(ScheduleOutcome.Invalid("discount", T["Write the discount as an amount in {0}, such as 100 or 100.50.", Currency.Code]), "", ct);
        return await Outcome(await changes.BidAsync(GroupContext.From(HttpContext), new BidRequest(period, amount), ct),
            T["Your bid for period {0} is in. Bids close when the period's payments open.", period], ct);
    }

    private async Task<IActionResult> Outcome(ScheduleOutcome outcome, string success, CancellationToken ct)
    {
        if (outcome is ScheduleOutcome.Done)
        {
            TempData[GroupPages.MessageKey] = success;
            return LocalRedirect($"/groups/{GroupContext.From(HttpContext).GroupId}/rotation");
        }
        var refused = (ScheduleOutcome.Refused)outcome;
        Error = refused.Errors is { Count: > 0 } errors ? string.Join(" ", errors.SelectMany(e => e.Value)) : refused.Detail;
        ModelState.AddModelError("", Error);
        Response.StatusCode = refused.Status;
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Caller = GroupContext.From(HttpContext);
        Group = await groups.ViewAsync(Caller, ct);
        Currency = Currency.Get(Group.Currency);
        Members = await members.ListAsync(Caller, ct);
        Rotation = await rotations.GetAsync(Caller.GroupId, ct);
    }
}
