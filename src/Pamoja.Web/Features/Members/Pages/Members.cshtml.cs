using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Pamoja.Web.Features.Shared.Localization;
using Pamoja.Core.Groups;
using Pamoja.Web.Features.Groups;
using Pamoja.Web.Features.Accounts.Pages;
using Pamoja.Web.Features.Groups.Pages;
using Pamoja.Web.Http;

namespace Pamoja.Web.Features.Members.Pages;

/// The members of a group. Officials add members by phone, answer join requests, suspend,
/// reactivate and remove; the chair also changes roles. Each action is a small POST form.
[Authorize]
[RequiresPermission(Permission.ViewMembers)]
public sealed class MembersModel(MemberQueries queries, GroupQueries groups, AddMember add, ChangeMemberRole roles, ChangeMemberStatus status) : PageModel
{
    /// The page texts in the reader's language.
    private PageTexts T => this.Texts();

    [BindProperty]
    public NewMemberInput NewMember { get; set; } = new();

    public GroupContext Caller { get; private set; } = null!;
    public GroupView Group { get; private set; } = null!;
    public IReadOnlyList<MemberView> Members { get; private set; } = [];

    public static readonly string[] FieldOrder = ["NewMember.Phone", "NewMember.FullName", "NewMember.Role"];

    public Task OnGetAsync(CancellationToken ct) => LoadAsync(ct);

    [RequiresPermission(Permission.ManageMembers)]
    public async Task<IActionResult> OnPostAddAsync(CancellationToken ct)
    {
        var caller = GroupContext.From(HttpContext);
        // The form offers a role to the chair only; the service refuses officials from anyone else.
        var request = new AddMemberRequest(NewMember.Phone, NewMember.FullName, string.IsNullOrEmpty(NewMember.Role) ? null : NewMember.Role);
        var outcome = await add.HandleAsync(caller, request, ct);
        if (outcome is MemberOutcome.Done { Member: var member })
            return Done(T["Invitation sent to {0} by SMS. They show as invited until they accept it.", member.Phone]);
        if (outcome is MemberOutcome.Invalid invalid)
        {
            invalid.Errors.CopyTo(ModelState, "NewMember.");
            await LoadAsync(ct);
            return Page();
        }
        return await FailedAsync(outcome, ct);
    }

    [RequiresPermission(Permission.ManageMembers)]
    public Task<IActionResult> OnPostApproveAsync(Guid memberId, CancellationToken ct) =>
        ChangeStatusAsync(memberId, StatusChange.Approve, m => T["{0} is now a member.", Name(m)], ct);

    [RequiresPermission(Permission.ManageMembers)]
    public Task<IActionResult> OnPostRejectAsync(Guid memberId, CancellationToken ct) =>
        ChangeStatusAsync(memberId, StatusChange.Reject, m => T["The request of {0} to join was turned down.", Name(m)], ct);

    [RequiresPermission(Permission.ManageMembers)]
    public Task<IActionResult> OnPostSuspendAsync(Guid memberId, CancellationToken ct) =>
        ChangeStatusAsync(memberId, StatusChange.Suspend, m => T["{0} is suspended. Their history stays, and they can be reactivated.", Name(m)], ct);

    [RequiresPermission(Permission.ManageMembers)]
    public Task<IActionResult> OnPostReactivateAsync(Guid memberId, CancellationToken ct) =>
        ChangeStatusAsync(memberId, StatusChange.Reactivate, m => T["{0} is active again.", Name(m)], ct);

    [RequiresPermission(Permission.ManageMembers)]
    public Task<IActionResult> OnPostRemoveAsync(Guid memberId, CancellationToken ct) =>
        ChangeStatusAsync(memberId, StatusChange.Remove, m => m.UserId is null
            ? T["The invitation to {0} is withdrawn.", m.Phone]
            : T["{0} is no longer a member of the group.", Name(m)], ct);

    [RequiresPermission(Permission.ChangeRoles)]
    public async Task<IActionResult> OnPostRoleAsync(Guid memberId, string? role, CancellationToken ct)
    {
        var outcome = await roles.HandleAsync(GroupContext.From(HttpContext), memberId, new ChangeRoleRequest(role), ct);
        return outcome is MemberOutcome.Done { Member: var member }
            ? Done(member.Role == GroupRole.Member
                ? T["{0} is now a {1}.", Name(member), GroupWords.Role(Api.Name(member.Role)).ToLowerInvariant()]
                : T["{0} is now the group's {1}.", Name(member), GroupWords.Role(Api.Name(member.Role)).ToLowerInvariant()])
            : await FailedAsync(outcome, ct);
    }

    private async Task<IActionResult> ChangeStatusAsync(Guid memberId, StatusChange change, Func<GroupMember, string> message, CancellationToken ct)
    {
        var outcome = await status.HandleAsync(GroupContext.From(HttpContext), memberId, change, null, ct);
        return outcome is MemberOutcome.Done { Member: var member } ? Done(message(member)) : await FailedAsync(outcome, ct);
    }

    private LocalRedirectResult Done(string message)
    {
        TempData[GroupPages.MessageKey] = message;
        return LocalRedirect($"/groups/{GroupContext.From(HttpContext).GroupId}/members");
    }

    /// The list again with the reason at the top, and the status an API client would get.
    private async Task<IActionResult> FailedAsync(MemberOutcome outcome, CancellationToken ct)
    {
        var (code, message) = outcome switch
        {
            MemberOutcome.NotFound => (StatusCodes.Status404NotFound, T["That member is not in this group."]),
            MemberOutcome.Forbidden f => (StatusCodes.Status403Forbidden, f.Detail),
            MemberOutcome.Conflict c => (StatusCodes.Status409Conflict, c.Detail),
            MemberOutcome.Refused r => (StatusCodes.Status422UnprocessableEntity, r.Detail),
            MemberOutcome.Invalid i => (StatusCodes.Status400BadRequest, string.Join(" ", i.Errors.ToDictionary().SelectMany(e => e.Value))),
            MemberOutcome.TooMany t => (StatusCodes.Status429TooManyRequests,
                T["Too many invitations: this group, or this phone number, has had its share for now. Try again in {0}.", AuthPages.Describe(t.RetryAfter, roundUp: true, T)]),
            _ => throw new InvalidOperationException("Unknown outcome."),
        };
        ModelState.AddModelError("", message);
        Response.StatusCode = code;
        if (outcome is MemberOutcome.TooMany tooMany)
            AuthThrottle.SetRetryAfter(HttpContext, tooMany.RetryAfter);
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Caller = GroupContext.From(HttpContext);
        Group = await groups.ViewAsync(Caller, ct);
        Members = await queries.ListAsync(Caller, ct);
    }

    /// Which status buttons this caller gets on a member's row: officials answer for members;
    /// only the chair acts on other officials; nobody on themselves here (they leave instead).
    public bool CanActOn(MemberView member) =>
        Caller.Can(Permission.ManageMembers) && member.MemberId != Caller.MemberId &&
        (member.Role == "member" || Caller.Can(Permission.ChangeRoles));

    public bool CanChangeRole(MemberView member) =>
        Caller.Can(Permission.ChangeRoles) && member.Status is "active" or "suspended" or "invited";

    private static string Name(GroupMember member) => member.FullName.Length > 0 ? member.FullName : member.Phone;

    public sealed class NewMemberInput
    {
        public string? Phone { get; set; }
        public string? FullName { get; set; }
        public string? Role { get; set; }
    }
}
