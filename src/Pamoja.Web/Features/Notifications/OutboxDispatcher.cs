using Npgsql;

namespace Pamoja.Web.Features.Notifications;

public sealed class OutboxOptions
{
    public int MaxAttempts { get; set; } = 8;
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(1);
    public int BatchSize { get; set; } = 20;
}

/// Wakes the dispatcher right after a commit, so a reset code goes out in milliseconds rather
/// than at the next poll.
public sealed class OutboxSignal
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Notify()
    {
        try { _signal.Release(); } catch (SemaphoreFullException) { /* already signalled */ }
    }

    public Task WaitAsync(TimeSpan timeout, CancellationToken ct) => _signal.WaitAsync(timeout, ct);
}

/// Delivers the outbox. Rows are claimed with FOR UPDATE SKIP LOCKED and a lease, so several
/// app instances can dispatch at once without sending a message twice, and a crash mid-send
/// only delays a message until its lease ends.
public sealed class OutboxDispatcher(
    NpgsqlDataSource db, IMessageSender sender, TimeProvider clock, OutboxSignal signal,
    Microsoft.Extensions.Options.IOptions<OutboxOptions> options, ILogger<OutboxDispatcher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (await DispatchDueAsync(stoppingToken) > 0) { }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError(ex, "Outbox dispatch failed; will retry");
            }
            try { await signal.WaitAsync(options.Value.PollInterval, stoppingToken); }
            catch (OperationCanceledException) { return; }
        }
    }

    /// Sends one batch of due messages; returns how many were claimed.
    public async Task<int> DispatchDueAsync(CancellationToken ct)
    {
        var o = options.Value;
        var now = clock.GetUtcNow();
        var claimed = new List<OutgoingMessage>();
        await using (var cmd = db.CreateCommand("""
            UPDATE notification_outbox o
               SET status = 'sending', locked_until = $1, attempts = o.attempts + 1
             WHERE o.id IN (SELECT id FROM notification_outbox
                             WHERE (status = 'pending' AND next_attempt_at <= $2)
                                OR (status = 'sending' AND locked_until < $2)
                             ORDER BY next_attempt_at
                             LIMIT $3
                             FOR UPDATE SKIP LOCKED)
            RETURNING o.id, o.channel, o.recipient, o.body
            """))
        {
            cmd.Parameters.AddWithValue(now + o.Lease);
            cmd.Parameters.AddWithValue(now);
            cmd.Parameters.AddWithValue(o.BatchSize);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
                claimed.Add(new OutgoingMessage(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? "" : reader.GetString(3)));
        }

        foreach (var message in claimed)
        {
            SendResult result;
            try
            {
                result = await sender.SendAsync(message, ct);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
            {
                result = SendResult.Retry(ex.Message);
            }
            await RecordAsync(message, result, ct);
        }
        return claimed.Count;
    }

    private async Task RecordAsync(OutgoingMessage message, SendResult result, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (result.Sent)
        {
            await using var sent = db.CreateCommand("""
                UPDATE notification_outbox
                   SET status = 'sent', sent_at = $2, provider_message_id = $3, locked_until = NULL, last_error = NULL,
                       body = CASE WHEN sensitive THEN NULL ELSE body END
                 WHERE id = $1
                """);
            sent.Parameters.AddWithValue(message.Id);
            sent.Parameters.AddWithValue(now);
            sent.Parameters.AddWithValue((object?)result.ProviderMessageId ?? DBNull.Value);
            await sent.ExecuteNonQueryAsync(ct);
            return;
        }

        // Exponential backoff: 2 s, 4 s, 8 s … capped at 10 minutes; give up after MaxAttempts.
        await using var failed = db.CreateCommand("""
            UPDATE notification_outbox
               SET status = CASE WHEN $3 OR attempts >= $4 THEN 'failed' ELSE 'pending' END,
                   next_attempt_at = $2 + make_interval(secs => least(600, power(2, attempts))),
                   locked_until = NULL, last_error = left($5, 500),
                   body = CASE WHEN ($3 OR attempts >= $4) AND sensitive THEN NULL ELSE body END
             WHERE id = $1
            """);
        failed.Parameters.AddWithValue(message.Id);
        failed.Parameters.AddWithValue(now);
        failed.Parameters.AddWithValue(result.Permanent);
        failed.Parameters.AddWithValue(options.Value.MaxAttempts);
        failed.Parameters.AddWithValue(result.Error ?? "unknown error");
        await failed.ExecuteNonQueryAsync(ct);
        logger.LogWarning("Message {MessageId} not sent: {Error}", message.Id, result.Error);
    }
}
