using Microsoft.AspNetCore.Identity;
using Pamoja.Core.Groups;
using Pamoja.Web.Features.Accounts;
using Pamoja.Web.Http;

namespace Pamoja.Web.Features.Groups;

/// api.md § Groups and members: creating and reading groups, and their settings.
public static class GroupsApi
{
    public static IEndpointRouteBuilder MapGroupsApi(this IEndpointRouteBuilder app)
    {
        var groups = app.MapGroup("/api/v1/groups").WithTags("Groups").RequireAuthorization(AccountsModule.ApiPolicy);
        groups.MapPost("", Create);
        groups.MapGet("", Mine);
        return app;
    }

    /// Routes under /api/v1/groups/{groupId}: reached only through GroupAccessMiddleware.
    public static RouteGroupBuilder MapGroupApi(this RouteGroupBuilder group)
    {
        group.MapGet("", async (GroupContext caller, GroupQueries queries, CancellationToken ct) => Results.Ok(await queries.ViewAsync(caller, ct)));
        group.MapPut("/settings", ChangeSettings).RequirePermission(Permission.ChangeSettings);
        return group;
    }

    private static async Task<IResult> Create(GroupSettingsInput body, HttpContext http, UserManager<AppUser> users, CreateGroup create,
        GroupQueries queries, GroupAccess access, CancellationToken ct)
    {
        if (await users.GetUserAsync(http.User) is not { } user) return Results.Unauthorized();
        switch (await create.HandleAsync(body, user, ct))
        {
            case CreateGroupOutcome.Created created:
                var caller = (await access.FindAsync(created.GroupId, http.User, ct))!;
                return Results.Created($"/api/v1/groups/{created.GroupId}", await queries.ViewAsync(caller, ct));
            case CreateGroupOutcome.Invalid invalid:
                return invalid.Errors.ToProblem();
            default:
                throw new InvalidOperationException();
        }
    }

    private static async Task<IResult> Mine(HttpContext http, UserManager<AppUser> users, GroupQueries queries, CancellationToken ct) =>
        Guid.TryParse(users.GetUserId(http.User), out var userId) ? Results.Ok(await queries.MineAsync(userId, ct)) : Results.Unauthorized();

    private static async Task<IResult> ChangeSettings(GroupSettingsInput body, GroupContext caller, ChangeGroupSettings change, GroupQueries queries, CancellationToken ct) =>
        await change.HandleAsync(caller, body, ct) switch
        {
            ChangeSettingsOutcome.Changed => Results.Ok(await queries.ViewAsync(caller, ct)),
            ChangeSettingsOutcome.Invalid i => i.Errors.ToProblem(),
            ChangeSettingsOutcome.Conflict c => ApiProblems.Status(StatusCodes.Status409Conflict, "Changed meanwhile", c.Detail),
            ChangeSettingsOutcome.Refused r => ApiProblems.Status(StatusCodes.Status422UnprocessableEntity, "Not allowed by the group's rules", r.Detail),
            _ => throw new InvalidOperationException(),
        };
}
