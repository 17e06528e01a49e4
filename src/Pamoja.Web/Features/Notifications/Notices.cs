using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace Pamoja.Web.Features.Notifications;

/// Writing a notice from SQL, in the same batch/transaction as its cause. The notice names a
/// template (MessageTexts) and its values; the dispatcher renders it in the recipient's language and
/// sends it on their channel. A dedupe key already queued is skipped, so a cause that runs twice
/// notifies once.
public static class Notices
{
    public static string Json(IReadOnlyDictionary<string, string> values) => JsonSerializer.Serialize(values);

    public static NpgsqlBatchCommand Command(string phone, string template, IReadOnlyDictionary<string, string> values, string? dedupeKey,
        DateTimeOffset now, bool urgent = false) =>
        Insert("auto", phone, template, Json(values), body: null, urgent, dedupeKey, now);

    /// An SMS whose text is already written (a chat reply in the language the member wrote in),
    /// urgent: it answers what the member just did.
    public static NpgsqlBatchCommand SmsTextCommand(string phone, string template, string body, string? dedupeKey, DateTimeOffset now) =>
        Insert("sms", phone, template, valuesJson: null, body, urgent: true, dedupeKey, now);

    // One notice: a template with its values (rendered at dispatch), or a text already written.
    private static NpgsqlBatchCommand Insert(string channel, string phone, string template, string? valuesJson, string? body, bool urgent,
        string? dedupeKey, DateTimeOffset now)
    {
        var command = new NpgsqlBatchCommand("""
            INSERT INTO notification_outbox (id, channel, recipient, template, params, body, urgent, sensitive, status, attempts, next_attempt_at, created_at, dedupe_key)
            VALUES ($1, $2, $3, $4, $5, $6, $7, false, 'pending', 0, $8, $8, $9)
            ON CONFLICT (dedupe_key) WHERE dedupe_key IS NOT NULL DO NOTHING
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = Guid.CreateVersion7(now) });
        command.Parameters.Add(new NpgsqlParameter { Value = channel });
        command.Parameters.Add(new NpgsqlParameter { Value = phone });
        command.Parameters.Add(new NpgsqlParameter { Value = template });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)valuesJson ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Jsonb });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)body ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = urgent });
        command.Parameters.Add(new NpgsqlParameter { Value = now });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)dedupeKey ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        return command;
    }

    /// Many notices in one statement (the engines' reminders), each with its values already
    /// written as JSON (Json): a group's reminders of one kind share them, so they are written once.
    public static NpgsqlBatchCommand ManyCommand(IReadOnlyList<(string Phone, string Template, string ValuesJson, string DedupeKey)> notices,
        DateTimeOffset now)
    {
        var command = new NpgsqlBatchCommand("""
            INSERT INTO notification_outbox (id, channel, recipient, template, params, urgent, sensitive, status, attempts, next_attempt_at, created_at, dedupe_key)
            SELECT n.id, 'auto', n.recipient, n.template, n.params, false, false, 'pending', 0, $1, $1, n.dedupe_key
              FROM unnest($2::uuid[], $3::text[], $4::text[], $5::jsonb[], $6::text[]) AS n(id, recipient, template, params, dedupe_key)
            ON CONFLICT (dedupe_key) WHERE dedupe_key IS NOT NULL DO NOTHING
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = now });
        command.Parameters.Add(new NpgsqlParameter { Value = notices.Select(_ => Guid.CreateVersion7(now)).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = notices.Select(n => n.Phone).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = notices.Select(n => n.Template).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = notices.Select(n => n.ValuesJson).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb });
        command.Parameters.Add(new NpgsqlParameter { Value = notices.Select(n => n.DedupeKey).ToArray() });
        return command;
    }
}
