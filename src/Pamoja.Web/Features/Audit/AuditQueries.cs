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

    /// Newest first by the time written; page with `before` (the id of the last entry seen).
    /// Not by id: ids are UUIDv7 from the app's clock, random within a millisecond and as
    /// skewed as the clocks of the instances that wrote them. Entries written at the same
    /// instant come in id order, which is arbitrary but stable, so paging neither skips nor
    /// repeats them. An unknown `before` gives nothing.
    public async Task<IReadOnlyList<AuditView>> ListAsync(GroupContext caller, int limit, Guid? before, CancellationToken ct = default)
    {
        var query = db.AuditLog.AsNoTracking().Where(a => a.GroupId == caller.GroupId);
        if (before is { } b)
        {
            var cursor = await query.Where(a => a.Id == b).Select(a => (DateTimeOffset?)a.At).SingleOrDefaultAsync(ct);
            if (cursor is not { } at)
                return [];
            query = query.Where(a => a.At < at || (a.At == at && a.Id.CompareTo(b) < 0));
        }
        var rows = await query.OrderByDescending(a => a.At).ThenByDescending(a => a.Id).Take(Math.Clamp(limit, 1, MaxLimit))
            .GroupJoin(db.Users, a => a.ActorUserId, u => u.Id, (a, us) => new { a, us })
            .SelectMany(x => x.us.DefaultIfEmpty(), (x, u) => new { x.a, Name = u == null ? null : u.FullName })
            .ToListAsync(ct);
        // The join may lose the order; the page is put back in it here (same keys, same order).
        return rows.OrderByDescending(r => r.a.At).ThenByDescending(r => r.a.Id, UuidOrder.Instance)
            .Select(r => new AuditView(r.a.Id, r.a.At, r.a.ActorUserId, r.Name, r.a.Action, r.a.EntityType,
                r.a.EntityId, Parse(r.a.Before), Parse(r.a.After))).ToList();
    }

    /// PostgreSQL's order of uuids (their 16 bytes, big-endian), which Guid.CompareTo is not.
    private sealed class UuidOrder : IComparer<Guid>
    {
        public static readonly UuidOrder Instance = new();

        public int Compare(Guid x, Guid y)
        {
            Span<byte> a = stackalloc byte[16], b = stackalloc byte[16];
            x.TryWriteBytes(a, bigEndian: true, out _);
            y.TryWriteBytes(b, bigEndian: true, out _);
            return a.SequenceCompareTo(b);
        }
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
