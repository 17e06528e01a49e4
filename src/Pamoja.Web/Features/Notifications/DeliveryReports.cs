using Npgsql;

namespace Pamoja.Web.Features.Notifications;

/// Delivery as the providers report it (Twilio status callbacks, Africa's Talking delivery
/// reports) on the outbox row of the message: never backwards (a late "sent" after "delivered"
/// changes nothing) and never out of a failure. A WhatsApp message that finally failed is sent
/// again by SMS, once.
public sealed class DeliveryReports(NpgsqlDataSource db, TimeProvider clock, OutboxSignal signal)
{
    /// Returns false when no message of that provider has that id.
    public async Task<bool> ApplyAsync(string provider, string providerMessageId, string status, int rank, bool final, bool delivered, string? error,
        CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        Guid id;
        string? channel;
        int currentRank;
        bool currentFinal;
        await using (var read = new NpgsqlCommand("""
            SELECT id, sent_channel, coalesce(delivery_rank, 0), coalesce(delivery_final, false) FROM notification_outbox
             WHERE provider = $1 AND provider_message_id = $2 FOR UPDATE
            """, connection, tx))
        {
            read.Parameters.AddWithValue(provider);
            read.Parameters.AddWithValue(providerMessageId);
            await using var reader = await read.ExecuteReaderAsync(ct);
            if (!await reader.ReadAsync(ct))
            {
                // Not (yet) a message of ours: a report can outrun the send's own answer. It
                // waits, and is applied when that message's provider id is recorded.
                await reader.DisposeAsync();
                await using var wait = new NpgsqlCommand("""
                    INSERT INTO pending_delivery_reports (provider, provider_message_id, status, rank, final, delivered, error, received_at)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING
                    """, connection, tx);
                wait.Parameters.AddWithValue(provider);
                wait.Parameters.AddWithValue(providerMessageId);
                wait.Parameters.AddWithValue(status);
                wait.Parameters.AddWithValue(rank);
                wait.Parameters.AddWithValue(final);
                wait.Parameters.AddWithValue(delivered);
                wait.Parameters.Add(new NpgsqlParameter { Value = (object?)error ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
                wait.Parameters.AddWithValue(now);
                await wait.ExecuteNonQueryAsync(ct);
                await tx.CommitAsync(ct);
                return false;
            }
            (id, channel, currentRank, currentFinal) = (reader.GetGuid(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetInt32(2), reader.GetBoolean(3));
        }
        if (currentFinal || rank <= currentRank)
            return true; // a duplicate or a report that arrived late: nothing changes

        await using (var write = new NpgsqlCommand("""
            UPDATE notification_outbox SET delivery_status = $2, delivery_rank = $3, delivery_final = $4,
                   delivered_at = CASE WHEN $5 THEN coalesce(delivered_at, $6) ELSE delivered_at END,
                   last_error = CASE WHEN $7::text IS NOT NULL THEN left($7, 500) ELSE last_error END
             WHERE id = $1
            """, connection, tx))
        {
            write.Parameters.AddWithValue(id);
            write.Parameters.AddWithValue(status);
            write.Parameters.AddWithValue(rank);
            write.Parameters.AddWithValue(final && !delivered);
            write.Parameters.AddWithValue(delivered);
            write.Parameters.AddWithValue(now);
            write.Parameters.Add(new NpgsqlParameter { Value = (object?)error ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
            await write.ExecuteNonQueryAsync(ct);
        }
        var fallback = final && !delivered && channel == MessageChannels.WhatsApp;
        if (fallback)
        {
            // The same notice by SMS: rendered again at dispatch from its template and values.
            await using var copy = new NpgsqlCommand("""
                INSERT INTO notification_outbox (id, channel, recipient, template, body, params, urgent, sensitive, status, attempts,
                                                 next_attempt_at, created_at, dedupe_key, fallback_of)
                SELECT $2, 'sms', recipient, template, body, params, urgent, sensitive, 'pending', 0, $3, $3, 'fallback:' || id::text, id
                  FROM notification_outbox WHERE id = $1
                ON CONFLICT (dedupe_key) WHERE dedupe_key IS NOT NULL DO NOTHING
                """, connection, tx);
            copy.Parameters.AddWithValue(id);
            copy.Parameters.AddWithValue(Guid.CreateVersion7(now));
            copy.Parameters.AddWithValue(now);
            await copy.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
        if (fallback) signal.Notify();
        return true;
    }

    /// Applies the reports that arrived for a message before its provider id was recorded.
    public async Task ApplyPendingAsync(string provider, string providerMessageId, CancellationToken ct)
    {
        var pending = new List<(string Status, int Rank, bool Final, bool Delivered, string? Error)>();
        await using (var cmd = db.CreateCommand("""
            DELETE FROM pending_delivery_reports WHERE provider = $1 AND provider_message_id = $2
            RETURNING status, rank, final, delivered, error
            """))
        {
            cmd.Parameters.AddWithValue(provider);
            cmd.Parameters.AddWithValue(providerMessageId);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
                pending.Add((reader.GetString(0), reader.GetInt32(1), reader.GetBoolean(2), reader.GetBoolean(3), reader.IsDBNull(4) ? null : reader.GetString(4)));
        }
        foreach (var report in pending.OrderBy(p => p.Rank))
            await ApplyAsync(provider, providerMessageId, report.Status, report.Rank, report.Final, report.Delivered, report.Error, ct);
    }

    /// Keeps a provider's report as it came (provider_callbacks), for the record.
    public async Task RecordRawAsync(string provider, string kind, string raw, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var cmd = db.CreateCommand("""
            INSERT INTO provider_callbacks (id, provider, kind, body, received_at, status, processed_at) VALUES ($1, $2, $3, $4, $5, 'processed', $5)
            """);
        cmd.Parameters.AddWithValue(Guid.CreateVersion7(now));
        cmd.Parameters.AddWithValue(provider);
        cmd.Parameters.AddWithValue(kind);
        cmd.Parameters.AddWithValue(raw);
        cmd.Parameters.AddWithValue(now);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
