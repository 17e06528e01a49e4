using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Pamoja.Core.Groups;
using Pamoja.Web.Data;
using Pamoja.Web.Features.Groups;

namespace Pamoja.Web.Features.Audit;

public sealed record AuditView(Guid Id, DateTimeOffset At, Guid? ActorUserId, string? ActorName, string Action, string EntityType,
    string? EntityId, JsonElement? Before, JsonElement? After);

public sealed class AuditQueries(AppDbContext db)
{
    public const int MaxLimit = 200;

    /// Newest first; page with `before` (the id of the last entry seen). Ids are UUIDv7, so
    /// their order is the order of writing.
    public async Task<IReadOnlyList<AuditView>> ListAsync(GroupContext caller, int limit, Guid? before, CancellationToken ct = default)
    {
        var query = db.AuditLog.AsNoTracking().Where(a => a.GroupId == caller.GroupId);
        if (before is { } b) query = query.Where(a => a.Id.CompareTo(b) < 0);
        var rows = await query.OrderByDescending(a => a.Id).Take(Math.Clamp(limit, 1, MaxLimit))
            .GroupJoin(db.Users, a => a.ActorUserId, u => u.Id, (a, us) => new { a, us })
            .SelectMany(x => x.us.DefaultIfEmpty(), (x, u) => new { x.a, Name = u == null ? null : u.FullName })
            .ToListAsync(ct);
        return rows.OrderByDescending(r => r.a.Id).Select(r => new AuditView(r.a.Id, r.a.At, r.a.ActorUserId, r.Name, r.a.Action, r.a.EntityType,
            r.a.EntityId, Parse(r.a.Before), Parse(r.a.After))).ToList();
    }

    private static JsonElement? Parse(string? json) => json is null ? null : JsonDocument.Parse(json).RootElement.Clone();
}

public static class AuditApi
{
    public static RouteGroupBuilder MapAuditApi(this RouteGroupBuilder group)
    {
        group.MapGet("/audit", async (GroupContext caller, AuditQueries audit, int? limit, Guid? before, CancellationToken ct) =>
            Results.Ok(await audit.ListAsync(caller, limit ?? 50, before, ct)))
            .RequirePermission(Permission.ViewAudit);
        return group;
    }
}
