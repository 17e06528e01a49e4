using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Pamoja.Core.Groups;
using Pamoja.Web.Data;
using Pamoja.Web.Http;

namespace Pamoja.Web.Features.Groups;

/// Who the caller is in the group named by the route: set by GroupAccessMiddleware before any
/// handler runs, so a handler that takes a GroupContext can only run for an active member
/// with the permission its route requires.
public sealed record GroupContext(Guid GroupId, Guid MemberId, Guid UserId, GroupRole Role)
{
    private const string ItemKey = "pamoja.group";

    public bool Can(Permission permission) => RolePermissions.Allows(Role, permission);

    internal void Attach(HttpContext http) => http.Items[ItemKey] = this;

    public static GroupContext From(HttpContext http) =>
        http.Items[ItemKey] as GroupContext ?? throw new InvalidOperationException("This route has no {groupId}, so no group context.");

    /// The caller's membership when this request's route named a group they belong to; null
    /// elsewhere (the layout uses it to show the group's menu).
    public static GroupContext? Find(HttpContext http) => http.Items[ItemKey] as GroupContext;

    /// Lets minimal-API handlers declare a GroupContext parameter.
    public static ValueTask<GroupContext?> BindAsync(HttpContext http) => ValueTask.FromResult<GroupContext?>(From(http));
}

/// Marks the permission a group route needs. Without one, a route needs ViewGroup.
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method)]
public sealed class RequiresPermissionAttribute(Permission permission) : Attribute
{
    public Permission Permission { get; } = permission;
}

public sealed class GroupAccess(AppDbContext db)
{
    /// The caller's active membership of the group, or null — also when the group does not
    /// exist, so outsiders cannot tell the two apart.
    public async Task<GroupContext?> FindAsync(Guid groupId, ClaimsPrincipal user, CancellationToken ct = default)
    {
        if (!Guid.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), out var userId))
            return null;
        var member = await db.Members.AsNoTracking()
            .Where(m => m.GroupId == groupId && m.UserId == userId && m.Status == MemberStatus.Active)
            .Select(m => new { m.Id, m.Role })
            .FirstOrDefaultAsync(ct);
        return member is null ? null : new GroupContext(groupId, member.Id, userId, member.Role);
    }
}

/// Guards every endpoint whose route has a {groupId} — API routes and pages alike, however
/// they were mapped: 404 unless the caller is an active member of that group (the same answer
/// as for a group that does not exist), 403 unless their role has the endpoint's permission.
/// Runs after authentication and authorization and before any handler or model binding.
public sealed class GroupAccessMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext http, GroupAccess access)
    {
        if (http.GetEndpoint() is not { } endpoint || !http.Request.RouteValues.TryGetValue("groupId", out var raw))
        {
            await next(http);
            return;
        }

        if (!Guid.TryParse(raw?.ToString(), out var groupId) || await access.FindAsync(groupId, http.User, http.RequestAborted) is not { } group)
        {
            await Deny(http, StatusCodes.Status404NotFound, "Not found", "No such group.");
            return;
        }

        var needed = endpoint.Metadata.GetMetadata<RequiresPermissionAttribute>()?.Permission ?? Permission.ViewGroup;
        if (!group.Can(needed))
        {
            await Deny(http, StatusCodes.Status403Forbidden, "Not allowed", $"Your role in this group ({group.Role.ToString().ToLowerInvariant()}) cannot do this.");
            return;
        }

        group.Attach(http);
        await next(http);
    }

    private static Task Deny(HttpContext http, int status, string title, string detail)
    {
        if (StatusPages.IsMachinePath(http.Request.Path))
            return ApiProblems.Status(status, title, detail).ExecuteAsync(http);
        http.Response.StatusCode = status; // the HTML status page fills the body
        return Task.CompletedTask;
    }
}

public static class GroupRoutes
{
    /// The one place group-scoped API routes hang from (bearer-authenticated; the middleware
    /// does the membership check). The outsider test walks every route with a {groupId}.
    public static RouteGroupBuilder MapGroupScope(this IEndpointRouteBuilder app) =>
        app.MapGroup("/api/v1/groups/{groupId:guid}").RequireAuthorization(Accounts.AccountsModule.ApiPolicy);

    public static TBuilder RequirePermission<TBuilder>(this TBuilder builder, Permission permission) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RequiresPermissionAttribute(permission));
}
