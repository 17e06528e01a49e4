using System.Text.Json;

namespace Pamoja.Web.Features.Audit;

/// One line of a group's audit trail (table audit_log, append-only in the database).
public sealed class AuditEntry
{
    public Guid Id { get; set; }
    public Guid? GroupId { get; set; }
    public Guid? ActorUserId { get; set; }
    public string Action { get; set; } = "";
    public string EntityType { get; set; } = "";
    public string? EntityId { get; set; }
    public string? Before { get; set; }
    public string? After { get; set; }
    public DateTimeOffset At { get; set; }
}

/// Adds audit entries to the caller's DbContext, so they commit in the same transaction as
/// the change they describe: no change without its entry, no entry without its change.
public static class AuditTrail
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static void Record(Data.AppDbContext db, TimeProvider clock, Guid? groupId, Guid? actor, string action,
        string entityType, object? entityId, object? before, object? after)
    {
        var now = clock.GetUtcNow();
        db.AuditLog.Add(new AuditEntry
        {
            Id = Guid.CreateVersion7(now),
            GroupId = groupId,
            ActorUserId = actor,
            Action = action,
            EntityType = entityType,
            EntityId = entityId?.ToString(),
            Before = before is null ? null : JsonSerializer.Serialize(before, Json),
            After = after is null ? null : JsonSerializer.Serialize(after, Json),
            At = now,
        });
    }
}
