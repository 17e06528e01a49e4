using Npgsql;
using Pamoja.Web.Features.Notifications;

namespace Pamoja.Web.Features.Channels;

/// A stored inbound message. Duplicate: the provider delivered it before; Reply is then what
/// was answered (null while the first delivery is still being handled).
public sealed record InboundRecord(Guid Id, bool Duplicate, string? Reply);

/// Inbound chat messages and USSD steps (table inbound_messages): stored raw before anything is
/// done with them, handled once per provider id, and answered the same way however often they
/// arrive, and the SMS replies a provider cannot give in its webhook. A PIN is never kept: the step
/// that read one has its body and raw text blanked.
public sealed class ChatInbox(NpgsqlDataSource db, TimeProvider clock)
{
    public const string Redacted = "[redacted: PIN]";

    /// How long a duplicate waits for the first delivery's answer before answering empty.
    private static readonly TimeSpan DuplicateWait = TimeSpan.FromSeconds(3);

    public async Task<InboundRecord> StoreAsync(string provider, string channel, string externalId, string? phone, string? body, string raw,
        CancellationToken ct)
    {
        var id = Guid.CreateVersion7(clock.GetUtcNow());
        await using (var insert = db.CreateCommand("""
            INSERT INTO inbound_messages (id, provider, channel, external_id, phone, body, raw, received_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            ON CONFLICT (provider, channel, external_id) DO NOTHING
            """))
        {
            insert.Parameters.AddWithValue(id);
            insert.Parameters.AddWithValue(provider);
            insert.Parameters.AddWithValue(channel);
            insert.Parameters.AddWithValue(externalId);
            insert.Parameters.AddWithValue((object?)phone ?? DBNull.Value);
            insert.Parameters.AddWithValue((object?)body ?? DBNull.Value);
            insert.Parameters.AddWithValue(raw);
            insert.Parameters.AddWithValue(clock.GetUtcNow());
            if (await insert.ExecuteNonQueryAsync(ct) == 1)
                return new InboundRecord(id, false, null);
        }

        // Seen before: answer as the first time, waiting briefly if that one is still running.
        var deadline = DateTime.UtcNow + DuplicateWait;
        while (true)
        {
            await using var select = db.CreateCommand("SELECT id, status, reply FROM inbound_messages WHERE provider = $1 AND channel = $2 AND external_id = $3");
            select.Parameters.AddWithValue(provider);
            select.Parameters.AddWithValue(channel);
            select.Parameters.AddWithValue(externalId);
            await using var reader = await select.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            var status = reader.GetString(1);
            if (status != "received" || DateTime.UtcNow >= deadline)
                return new InboundRecord(reader.GetGuid(0), true, reader.IsDBNull(2) ? null : reader.GetString(2));
            await reader.DisposeAsync();
            await Task.Delay(100, ct);
        }
    }

    public async Task AnswerAsync(Guid id, string reply, bool secret, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            UPDATE inbound_messages SET status = 'answered', reply = $2, answered_at = $3,
                   body = CASE WHEN $4 THEN $5 ELSE body END, raw = CASE WHEN $4 THEN $5 ELSE raw END
             WHERE id = $1
            """);
        cmd.Parameters.AddWithValue(id);
        cmd.Parameters.AddWithValue(reply);
        cmd.Parameters.AddWithValue(clock.GetUtcNow());
        cmd.Parameters.AddWithValue(secret);
        cmd.Parameters.AddWithValue(Redacted);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// A WhatsApp message opens the 24-hour window for free-form replies; a first message on
    /// WhatsApp also makes WhatsApp the member's channel unless they chose otherwise.
    public async Task NoteWhatsAppAsync(string phone, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var cmd = db.CreateCommand("""
            INSERT INTO contact_preferences (phone, channel, whatsapp_last_inbound_at, updated_at) VALUES ($1, 'whatsapp', $2, $2)
            ON CONFLICT (phone) DO UPDATE SET whatsapp_last_inbound_at = greatest(contact_preferences.whatsapp_last_inbound_at, EXCLUDED.whatsapp_last_inbound_at)
            """);
        cmd.Parameters.AddWithValue(phone);
        cmd.Parameters.AddWithValue(now);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// A reply to an inbound SMS that the provider cannot answer in its webhook (Africa's
    /// Talking): an urgent SMS through the outbox, once per inbound message.
    public async Task QueueSmsReplyAsync(string phone, string text, string dedupeKey, CancellationToken ct)
    {
        await using var batch = db.CreateBatch();
        batch.BatchCommands.Add(Notices.SmsTextCommand(phone, "chat.reply", text, dedupeKey, clock.GetUtcNow()));
        await batch.ExecuteNonQueryAsync(ct);
    }
}
