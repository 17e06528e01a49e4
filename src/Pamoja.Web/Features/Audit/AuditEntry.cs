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

    /// The same entry as a statement for a use case that writes with plain SQL in its own
    /// transaction (rotation, payouts): it commits or rolls back with the change.
    public static Npgsql.NpgsqlBatchCommand Command(TimeProvider clock, Guid? groupId, Guid? actor, string action,
        string entityType, object? entityId, object? before, object? after)
    {
        var now = clock.GetUtcNow();
        var command = new Npgsql.NpgsqlBatchCommand("""
            INSERT INTO audit_log (id, group_id, actor_user_id, action, entity_type, entity_id, before, after, at)
            VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb, $9)
            """);
        object Db(object? value) => value ?? DBNull.Value;
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = Guid.CreateVersion7(now) });
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = Db(groupId), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Uuid });
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = Db(actor), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Uuid });
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = action });
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = entityType });
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = Db(entityId?.ToString()), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = Db(before is null ? null : JsonSerializer.Serialize(before, Json)), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = Db(after is null ? null : JsonSerializer.Serialize(after, Json)), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = now });
        return command;
    }
}
