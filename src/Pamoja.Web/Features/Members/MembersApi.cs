using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Pamoja.Core.Groups;
using Pamoja.Core.Phones;
using Pamoja.Web.Features.Accounts;
using Pamoja.Web.Features.Groups;
using Pamoja.Web.Http;

namespace Pamoja.Web.Features.Members;

/// api.md § Groups and members: members, roles, statuses, invitations and joining.
public static class MembersApi
{
    public static RouteGroupBuilder MapMembersApi(this RouteGroupBuilder group)
    {
        group.MapGet("/members", async (GroupContext caller, MemberQueries queries, CancellationToken ct) => Results.Ok(await queries.ListAsync(caller, ct)))
            .RequirePermission(Permission.ViewMembers);
        group.MapPost("/members", async (AddMemberRequest body, GroupContext caller, AddMember add, HttpContext http, CancellationToken ct) =>
            await add.HandleAsync(caller, body, ct) switch
            {
                MemberOutcome.TooMany tooMany => AuthThrottle.TooManyRequests(http, tooMany.RetryAfter),
                var outcome => ToResult(outcome, created: true),
            }).RequirePermission(Permission.ManageMembers);
        group.MapPut("/members/{memberId:guid}/role", async (Guid memberId, ChangeRoleRequest body, GroupContext caller, ChangeMemberRole change, CancellationToken ct) =>
            ToResult(await change.HandleAsync(caller, memberId, body, ct))).RequirePermission(Permission.ChangeRoles);

        foreach (var (path, change) in new[]
                 {
                     ("approve", StatusChange.Approve), ("reject", StatusChange.Reject), ("suspend", StatusChange.Suspend),
                     ("reactivate", StatusChange.Reactivate), ("remove", StatusChange.Remove),
                 })
        {
            group.MapPost($"/members/{{memberId:guid}}/{path}", async (Guid memberId, StatusChangeRequest? body, GroupContext caller, ChangeMemberStatus status, CancellationToken ct) =>
                ToResult(await status.HandleAsync(caller, memberId, change, body?.Reason, ct))).RequirePermission(Permission.ManageMembers);
        }
        group.MapPost("/leave", async (GroupContext caller, ChangeMemberStatus status, CancellationToken ct) =>
            ToResult(await status.HandleAsync(caller, caller.MemberId, StatusChange.Leave, null, ct)));
        return group;
    }

    /// Routes a person uses before they belong to the group.
    public static IEndpointRouteBuilder MapJoiningApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/groups/join", Join).WithTags("Members").RequireAuthorization(AccountsModule.ApiPolicy);
        var invitations = app.MapGroup("/api/v1/invitations").WithTags("Members");
        // The link travels by SMS and may be forwarded: the number it is for shows masked.
        invitations.MapGet("/{token}", async (string token, AcceptInvitation accept, CancellationToken ct) =>
            await accept.FindAsync(token, ct) is { } view ? Results.Ok(view with { Phone = PhoneNumber.Parse(view.Phone).Masked() }) : InvalidLink());
        invitations.MapPost("/accept", Accept);
        return app;
    }

    private static async Task<IResult> Join(JoinRequest body, HttpContext http, UserManager<AppUser> users, JoinGroup join, AuthThrottle throttle, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var code = errors.Text("code", body.Code, 32);
        if (errors.Any) return errors.ToProblem();
        if (await users.GetUserAsync(http.User) is not { } user) return Results.Unauthorized();
        // Invite codes are short; guessing them is limited like guessing passwords.
        if (throttle.TryAcquire(AuthAction.SignIn, http, "join:" + user.Id) is { } wait) return AuthThrottle.TooManyRequests(http, wait);
        return await join.HandleAsync(user, code!, ct) switch
        {
            JoinOutcome.Requested r => Results.Accepted($"/api/v1/groups/{r.GroupId}", new { groupId = r.GroupId, groupName = r.GroupName, memberId = r.Member.Id, status = Api.Name(r.Member.Status) }),
            JoinOutcome.UnknownCode => ApiProblems.Validation(new Dictionary<string, string[]> { ["code"] = ["No group has this invite code."] }),
            JoinOutcome.Conflict c => ApiProblems.Status(StatusCodes.Status409Conflict, "Already in the group", c.Detail),
            JoinOutcome.Refused r => ApiProblems.Status(StatusCodes.Status422UnprocessableEntity, "Cannot join", r.Detail),
            _ => throw new InvalidOperationException(),
        };
    }

    private static async Task<IResult> Accept(AcceptInvitationRequest body, HttpContext http, AcceptInvitation accept, UserManager<AppUser> users, CancellationToken ct)
    {
        var errors = new FieldErrors();
        errors.Text("token", body.Token, 512);
        errors.Text("fullName", body.FullName, RegisterAccount.MaxFullName, required: false);
        if (body.Password is { Length: > RegisterAccount.MaxPassword }) errors.Add("password", "Password is too long.");
        if (errors.Any) return errors.ToProblem();

        // A bearer token is optional here: needed only when the invited phone already has an account.
        var auth = await http.AuthenticateAsync(IdentityConstants.BearerScheme);
        var signedIn = auth.Succeeded ? await users.GetUserAsync(auth.Principal!) : null;
        return await accept.HandleAsync(body, signedIn, ct) switch
        {
            AcceptOutcome.Accepted a => Results.Created($"/api/v1/groups/{a.GroupId}", new { userId = a.User.Id, groupId = a.GroupId, memberId = a.MemberId }),
            AcceptOutcome.Invalid i => i.Errors.ToProblem(),
            AcceptOutcome.SignInFirst s => ApiProblems.Status(StatusCodes.Status401Unauthorized, "Sign in first",
                $"{s.Phone} already has a Pamoja account: sign in with it, then accept."),
            AcceptOutcome.WrongAccount => ApiProblems.Status(StatusCodes.Status403Forbidden, "Another account", "This invitation is for another phone number."),
            _ => InvalidLink(),
        };
    }

    private static IResult InvalidLink() => ApiProblems.Validation(
        new Dictionary<string, string[]> { ["token"] = ["This invitation link is invalid, used or expired. Ask the group's officials for a new one."] });

    private static IResult ToResult(MemberOutcome outcome, bool created = false) => outcome switch
    {
        MemberOutcome.Done d when created => Results.Created($"/api/v1/groups/{d.Member.GroupId}/members/{d.Member.Id}",
            new { memberId = d.Member.Id, userId = d.Member.UserId, role = Api.Name(d.Member.Role), status = Api.Name(d.Member.Status) }),
        MemberOutcome.Done => Results.NoContent(),
        MemberOutcome.NotFound => ApiProblems.Status(StatusCodes.Status404NotFound, "Not found", "No such member in this group."),
        MemberOutcome.Invalid i => i.Errors.ToProblem(),
        MemberOutcome.Forbidden f => ApiProblems.Status(StatusCodes.Status403Forbidden, "Not allowed", f.Detail),
        MemberOutcome.Conflict c => ApiProblems.Status(StatusCodes.Status409Conflict, "Conflict", c.Detail),
        MemberOutcome.Refused r => ApiProblems.Status(StatusCodes.Status422UnprocessableEntity, "Not allowed by the group's rules", r.Detail),
        _ => throw new InvalidOperationException(),
    };
}
