using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Pamoja.Core.Groups;
using Pamoja.Web.Features.Shared.Localization;
using Pamoja.Web.Http;

namespace Pamoja.Web.Features.Groups.Pages;

/// A group at a glance for its members; officials also see the invite code and join link.
[Authorize]
public sealed class OverviewModel(GroupQueries queries, PublicUrls urls) : PageModel
{
    public GroupView Group { get; private set; } = null!;
    public GroupContext Caller { get; private set; } = null!;

    /// What changes when the upcoming money rules start, in words.
    public IReadOnlyList<string> UpcomingChanges { get; private set; } = [];

    public string? JoinLink { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        Caller = GroupContext.From(HttpContext);
        Group = await queries.ViewAsync(Caller, ct);
        if (Group.InviteCode is { } code)
            JoinLink = urls.Absolute("/groups/join?code=" + Uri.EscapeDataString(code));
        if (Group.UpcomingRules is { } next)
            UpcomingChanges = Describe(Group, next, this.Texts());
    }

    public bool Can(Permission permission) => Caller.Can(permission);

    /// "the contribution becomes KES 2,000.00 monthly", one line per money rule that changes.
    private static List<string> Describe(GroupView g, RulesView next, PageTexts T)
    {
        var changes = new List<string>();
        if (next.Contribution != g.Contribution)
            changes.Add(T["the contribution becomes {0}", GroupWords.Contribution(g.Currency, next.Contribution, g.Kind, T)]);
        if (next.RegistrationFee != g.RegistrationFee)
            changes.Add(T["the registration fee becomes {0}", next.RegistrationFee == 0 ? T["none"] : GroupWords.Money(g.Currency, next.RegistrationFee)]);
        if (next.LateFine != g.LateFine)
            changes.Add(T["the late fine becomes {0}", next.LateFine.Amount == 0 && next.LateFine.Percent == 0 ? T["none"] : GroupWords.LateFine(g.Currency, next.LateFine, T)]);
        if (next.Rotation is { } rotation && rotation != g.Rotation)
            changes.Add(T["the rotation becomes: {0}", GroupWords.Rotation(rotation, T).ToLowerInvariant()]);
        if (next.Shares is { } shares && shares != g.Shares)
            changes.Add(T["members buy {0}", GroupWords.Shares(shares, T)]);
        return changes;
    }
}
