using Npgsql;

namespace Pamoja.Web.Features.Notifications;

public sealed class OutboxOptions
{
    public int MaxAttempts { get; set; } = 8;
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// The shortest lease a claim gets; it is lengthened to cover the whole batch (EffectiveLease).
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(1);

    /// Small, because the messages of a batch are sent one after another under one lease.
    public int BatchSize { get; set; } = 5;

    /// The longest one send may take; then it is abandoned and retried later. Also what the
    /// lease is sized by, so it must not be shorter than the provider client's own timeout.
    public TimeSpan SendTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// How long a claim holds its rows: until every send of a full batch could have timed out,
    /// plus time to record the results. Another instance may claim a row only after that, so a
    /// slow batch's last message is never sent twice.
    public TimeSpan EffectiveLease
    {
        get
        {
            var batch = Math.Max(1, BatchSize) * SendTimeout + TimeSpan.FromSeconds(30);
            return batch > Lease ? batch : Lease;
        }
    }
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

        // A row still 'sending' after its lease means the send (or the process) died before its
        // result was recorded. Each claim counted an attempt, so one that keeps dying stops here
        // instead of being claimed for ever.
        await using (var giveUp = db.CreateCommand("""
            UPDATE notification_outbox
               SET status = 'failed', locked_until = NULL,
                   last_error = left('Gave up after ' || attempts || ' attempts; the last send never finished. ' || coalesce(last_error, ''), 500),
                   body = CASE WHEN sensitive THEN NULL ELSE body END
             WHERE status = 'sending' AND locked_until < $1 AND attempts >= $2
            """))
        {
            giveUp.Parameters.AddWithValue(now);
            giveUp.Parameters.AddWithValue(o.MaxAttempts);
            await giveUp.ExecuteNonQueryAsync(ct);
        }

        var claimed = new List<(OutgoingMessage Message, DateTimeOffset Lease)>();
        await using (var cmd = db.CreateCommand("""
            UPDATE notification_outbox o
               SET status = 'sending', locked_until = $1, attempts = o.attempts + 1
             WHERE o.id IN (SELECT id FROM notification_outbox
                             WHERE (status = 'pending' AND next_attempt_at <= $2)
                                OR (status = 'sending' AND locked_until < $2 AND attempts < $4)
                             ORDER BY next_attempt_at
                             LIMIT $3
                             FOR UPDATE SKIP LOCKED)
            RETURNING o.id, o.channel, o.recipient, o.body, o.locked_until
            """))
        {
            cmd.Parameters.AddWithValue(now + o.EffectiveLease);
            cmd.Parameters.AddWithValue(now);
            cmd.Parameters.AddWithValue(o.BatchSize);
            cmd.Parameters.AddWithValue(o.MaxAttempts);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
                claimed.Add((new OutgoingMessage(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? "" : reader.GetString(3)),
                    reader.GetFieldValue<DateTimeOffset>(4)));
        }

        foreach (var (message, lease) in claimed)
            await RecordAsync(message, lease, await SendOneAsync(message, o.SendTimeout, ct), ct);
        return claimed.Count;
    }

    /// One send, never longer than the timeout, and never an exception except at shutdown: a
    /// failure of any kind is this message's failure, retried later, and the batch goes on.
    private async Task<SendResult> SendOneAsync(OutgoingMessage message, TimeSpan timeout, CancellationToken ct)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(timeout);
        try
        {
            // WaitAsync also gives up on a sender that ignores its token.
            return await sender.SendAsync(message, limit.Token).WaitAsync(limit.Token);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw; // shutting down: the row stays 'sending' and its lease hands it on
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested)
        {
            return SendResult.Retry($"No answer within {timeout.TotalSeconds:0.#} s.");
        }
        catch (Exception ex)
        {
            if (ex is not (HttpRequestException or TaskCanceledException))
                logger.LogError(ex, "Sending message {MessageId} failed unexpectedly; it will be retried", message.Id);
            return SendResult.Retry($"{ex.GetType().Name}: {ex.Message}");
        }
    }

    /// Writes the result only while this claim still holds the row (same status, same lease):
    /// if the lease ran out and another instance claimed the row meanwhile, the row is theirs.
    private async Task RecordAsync(OutgoingMessage message, DateTimeOffset lease, SendResult result, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        int updated;
        if (result.Sent)
        {
            await using var sent = db.CreateCommand("""
                UPDATE notification_outbox
                   SET status = 'sent', sent_at = $2, provider_message_id = $3, locked_until = NULL, last_error = NULL,
                       body = CASE WHEN sensitive THEN NULL ELSE body END
                 WHERE id = $1 AND status = 'sending' AND locked_until = $4
                """);
            sent.Parameters.AddWithValue(message.Id);
            sent.Parameters.AddWithValue(now);
            sent.Parameters.AddWithValue((object?)result.ProviderMessageId ?? DBNull.Value);
            sent.Parameters.AddWithValue(lease);
            updated = await sent.ExecuteNonQueryAsync(ct);
        }
        else
        {
            // Exponential backoff: 2 s, 4 s, 8 s … capped at 10 minutes; give up after MaxAttempts.
            await using var failed = db.CreateCommand("""
                UPDATE notification_outbox
                   SET status = CASE WHEN $3 OR attempts >= $4 THEN 'failed' ELSE 'pending' END,
                       next_attempt_at = $2 + make_interval(secs => least(600, power(2, attempts))),
                       locked_until = NULL, last_error = left($5, 500),
                       body = CASE WHEN ($3 OR attempts >= $4) AND sensitive THEN NULL ELSE body END
                 WHERE id = $1 AND status = 'sending' AND locked_until = $6
                """);
            failed.Parameters.AddWithValue(message.Id);
            failed.Parameters.AddWithValue(now);
            failed.Parameters.AddWithValue(result.Permanent);
            failed.Parameters.AddWithValue(options.Value.MaxAttempts);
            failed.Parameters.AddWithValue(result.Error ?? "unknown error");
            failed.Parameters.AddWithValue(lease);
            updated = await failed.ExecuteNonQueryAsync(ct);
            logger.LogWarning("Message {MessageId} not sent: {Error}", message.Id, result.Error);
        }
        if (updated == 0)
            logger.LogWarning("Message {MessageId} was claimed again after its lease ran out; its result is left to that claim", message.Id);
    }
}
