using System.Text.Json;
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
///
/// Per message, at dispatch: the recipient's preference (language, channel, quiet hours) decides
/// the text and the way. A notice outside quiet hours or marked urgent goes now; otherwise it
/// waits for the morning without counting an attempt. WhatsApp is used within the 24-hour window,
/// or with an approved template outside it; otherwise, and when WhatsApp refuses the message for
/// good, the notice goes by SMS instead (DeliveryReports does the same when a WhatsApp message
/// fails after it was accepted).
public sealed class OutboxDispatcher(
    NpgsqlDataSource db, MessageSenders senders, DeliveryReports reports, TimeProvider clock, OutboxSignal signal,
    Microsoft.Extensions.Options.IOptions<OutboxOptions> options, ILogger<OutboxDispatcher> logger) : BackgroundService
{
    private sealed record Claimed(Guid Id, string Channel, string Recipient, string? Body, DateTimeOffset Lease, string Template,
        string? Params, bool Urgent, bool Sensitive);

    private sealed record Plan(OutgoingMessage Message, ChannelSender Route, string Language, string? FallbackNote);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (!stoppingToken.IsCancellationRequested && await DispatchDueAsync(stoppingToken) > 0) { }
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
                   body = CASE WHEN sensitive THEN NULL ELSE body END,
                   params = CASE WHEN sensitive THEN NULL ELSE params END
             WHERE status = 'sending' AND locked_until < $1 AND attempts >= $2
            """))
        {
            giveUp.Parameters.AddWithValue(now);
            giveUp.Parameters.AddWithValue(o.MaxAttempts);
            await giveUp.ExecuteNonQueryAsync(ct);
        }

        var claimed = new List<Claimed>();
        await using (var cmd = db.CreateCommand("""
            UPDATE notification_outbox o
               SET status = 'sending', locked_until = $1, attempts = o.attempts + 1
             WHERE o.id IN (SELECT id FROM notification_outbox
                             WHERE (status = 'pending' AND next_attempt_at <= $2)
                                OR (status = 'sending' AND locked_until < $2 AND attempts < $4)
                             ORDER BY urgent DESC, next_attempt_at
                             LIMIT $3
                             FOR UPDATE SKIP LOCKED)
            RETURNING o.id, o.channel, o.recipient, o.body, o.locked_until, o.template, o.params::text, o.urgent, o.sensitive
            """))
        {
            cmd.Parameters.AddWithValue(now + o.EffectiveLease);
            cmd.Parameters.AddWithValue(now);
            cmd.Parameters.AddWithValue(o.BatchSize);
            cmd.Parameters.AddWithValue(o.MaxAttempts);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
                claimed.Add(new Claimed(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3),
                    reader.GetFieldValue<DateTimeOffset>(4), reader.GetString(5), reader.IsDBNull(6) ? null : reader.GetString(6), reader.GetBoolean(7), reader.GetBoolean(8)));
        }
        if (claimed.Count == 0)
            return 0;

        var preferences = await PreferencesAsync(claimed.Select(c => c.Recipient).Distinct().ToArray(), ct);
        // Once a row is claimed its send is finished and recorded even if the app is stopping
        // (the send is bounded by SendTimeout, well inside the host's shutdown timeout): a
        // message cut off mid-send would wait for its lease, nearly two minutes. The rows not
        // yet started are handed back at once for another instance, or the next start.
        for (var i = 0; i < claimed.Count; i++)
        {
            if (ct.IsCancellationRequested)
            {
                await ReleaseAsync(claimed.Skip(i).ToList());
                break;
            }
            var row = claimed[i];
            var preference = preferences.GetValueOrDefault(row.Recipient) ?? ContactPreference.Default;
            if (!row.Urgent && preference.QuietUntil(now, row.Recipient) is { } until)
            {
                await DeferAsync(row, until, CancellationToken.None);
                continue;
            }
            var plan = PlanFor(row, preference, now);
            var result = await SendOneAsync(plan.Message, plan.Route.Resolve(), o.SendTimeout);
            await RecordAsync(row, plan, result, CancellationToken.None);
        }
        return claimed.Count;
    }

    /// Claimed rows never sent go back to pending, their claim's attempt not counted.
    private async Task ReleaseAsync(IReadOnlyList<Claimed> rows)
    {
        await using var cmd = db.CreateCommand("""
            UPDATE notification_outbox o
               SET status = 'pending', locked_until = NULL, attempts = greatest(0, o.attempts - 1)
              FROM unnest($1::uuid[], $2::timestamptz[]) AS r(id, lease)
             WHERE o.id = r.id AND o.status = 'sending' AND o.locked_until = r.lease
            """);
        cmd.Parameters.AddWithValue(rows.Select(r => r.Id).ToArray());
        cmd.Parameters.AddWithValue(rows.Select(r => r.Lease).ToArray());
        await cmd.ExecuteNonQueryAsync(CancellationToken.None);
        logger.LogInformation("Stopping: {Count} claimed messages handed back unsent", rows.Count);
    }

    private async Task<Dictionary<string, ContactPreference>> PreferencesAsync(string[] phones, CancellationToken ct)
    {
        var found = new Dictionary<string, ContactPreference>(StringComparer.Ordinal);
        await using var cmd = db.CreateCommand("""
            SELECT phone, language, channel, quiet_from, quiet_to, time_zone, whatsapp_last_inbound_at
              FROM contact_preferences WHERE phone = ANY($1)
            """);
        cmd.Parameters.AddWithValue(phones);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            found[reader.GetString(0)] = new ContactPreference(reader.GetString(1), reader.GetString(2), reader.GetInt16(3), reader.GetInt16(4),
                reader.IsDBNull(5) ? null : reader.GetString(5), reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6));
        return found;
    }

    /// The channel, text and sender for one message.
    private Plan PlanFor(Claimed row, ContactPreference preference, DateTimeOffset now)
    {
        var language = Languages.Normalize(preference.Language);
        var values = row.Params is null ? null : JsonSerializer.Deserialize<Dictionary<string, string>>(row.Params);
        var key = MessageTexts.KeyFor(row.Template, values);
        var body = values is null ? row.Body ?? "" : MessageTexts.Render(key, language, values);
        // Codes and links (sensitive) go by SMS: their text is wiped once sent, so a WhatsApp
        // message that later fails could not be re-sent by SMS.
        var channel = row.Channel != MessageChannels.Auto ? row.Channel : row.Sensitive ? MessageChannels.Sms : preference.Channel;
        string? note = null;
        string? contentSid = null;
        if (channel == MessageChannels.WhatsApp)
        {
            if (senders.WhatsApp is null)
                (channel, note) = (MessageChannels.Sms, "WhatsApp is not configured; sent by SMS.");
            else if (!preference.WhatsAppWindowOpen(now))
            {
                // Outside the 24-hour window WhatsApp takes only an approved template (the
                // member's language, else English: then the message is written in English).
                if (senders.WhatsAppTemplate(key, language) is { } template)
                {
                    contentSid = template.Sid;
                    language = template.Language;
                    body = MessageTexts.Render(key, language, values);
                }
                else
                    (channel, note) = (MessageChannels.Sms, "Outside WhatsApp's 24-hour window with no approved template; sent by SMS.");
            }
        }
        var route = senders.For(channel) ?? senders.Sms;
        var message = new OutgoingMessage(row.Id, channel, row.Recipient, body)
        {
            ContentSid = contentSid,
            ContentVariables = contentSid is null || values is null ? null : TemplateVariables(key, language, values),
            StatusCallback = route.StatusCallback,
        };
        return new Plan(message, route, language, note);
    }

    /// Template variables are numbered in the order the text's placeholders appear.
    private static string TemplateVariables(string key, string language, IReadOnlyDictionary<string, string> values)
    {
        var variables = new Dictionary<string, string>();
        var i = 1;
        foreach (var name in MessageTexts.PlaceholdersInOrder(key, language))
            variables[(i++).ToString(System.Globalization.CultureInfo.InvariantCulture)] =
                values.ContainsKey(name) ? MessageTexts.Render("{" + name + "}", language, values) : "";
        return JsonSerializer.Serialize(variables);
    }

    /// Quiet hours: back to pending until they end, and the claim's attempt does not count.
    private async Task DeferAsync(Claimed row, DateTimeOffset until, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            UPDATE notification_outbox SET status = 'pending', next_attempt_at = $2, attempts = attempts - 1, locked_until = NULL
             WHERE id = $1 AND status = 'sending' AND locked_until = $3
            """);
        cmd.Parameters.AddWithValue(row.Id);
        cmd.Parameters.AddWithValue(until);
        cmd.Parameters.AddWithValue(row.Lease);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// One send, never longer than the timeout, and never an exception: a failure of any kind
    /// is this message's failure, retried later, and the batch goes on. Shutdown does not cut
    /// it off (see DispatchDueAsync).
    private async Task<SendResult> SendOneAsync(OutgoingMessage message, IMessageSender sender, TimeSpan timeout)
    {
        using var limit = new CancellationTokenSource(timeout);
        try
        {
            // WaitAsync also gives up on a sender that ignores its token.
            return await sender.SendAsync(message, limit.Token).WaitAsync(limit.Token);
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
    private async Task RecordAsync(Claimed row, Plan plan, SendResult result, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var message = plan.Message;
        int updated;
        if (result.Sent)
        {
            await using var sent = db.CreateCommand("""
                UPDATE notification_outbox
                   SET status = 'sent', sent_at = $2, provider_message_id = $3, locked_until = NULL, last_error = $5,
                       sent_channel = $6, sent_language = $7, provider = $8, delivery_status = 'accepted',
                       body = CASE WHEN sensitive THEN NULL ELSE $9 END,
                       params = CASE WHEN sensitive THEN NULL ELSE params END
                 WHERE id = $1 AND status = 'sending' AND locked_until = $4
                """);
            sent.Parameters.AddWithValue(message.Id);
            sent.Parameters.AddWithValue(now);
            sent.Parameters.AddWithValue((object?)result.ProviderMessageId ?? DBNull.Value);
            sent.Parameters.AddWithValue(row.Lease);
            sent.Parameters.AddWithValue((object?)plan.FallbackNote ?? DBNull.Value);
            sent.Parameters.AddWithValue(message.Channel);
            sent.Parameters.AddWithValue(plan.Language);
            sent.Parameters.AddWithValue(plan.Route.Provider);
            sent.Parameters.AddWithValue(message.Body);
            updated = await sent.ExecuteNonQueryAsync(ct);
            if (updated == 1 && result.ProviderMessageId is { } providerId)
                await reports.ApplyPendingAsync(plan.Route.Provider, providerId, ct);
        }
        else if (result.Permanent && message.Channel == MessageChannels.WhatsApp)
        {
            // WhatsApp refused it for good (not on WhatsApp, outside the window …): SMS at once.
            await using var fallback = db.CreateCommand("""
                UPDATE notification_outbox
                   SET channel = 'sms', status = 'pending', next_attempt_at = $2, locked_until = NULL,
                       last_error = left('WhatsApp refused it (' || $3 || '); falling back to SMS.', 500)
                 WHERE id = $1 AND status = 'sending' AND locked_until = $4
                """);
            fallback.Parameters.AddWithValue(message.Id);
            fallback.Parameters.AddWithValue(now);
            fallback.Parameters.AddWithValue(result.Error ?? "refused");
            fallback.Parameters.AddWithValue(row.Lease);
            updated = await fallback.ExecuteNonQueryAsync(ct);
            logger.LogInformation("Message {MessageId} refused by WhatsApp ({Error}); falling back to SMS", message.Id, result.Error);
        }
        else
        {
            // Exponential backoff: 2 s, 4 s, 8 s … capped at 10 minutes; give up after MaxAttempts.
            await using var failed = db.CreateCommand("""
                UPDATE notification_outbox
                   SET status = CASE WHEN $3 OR attempts >= $4 THEN 'failed' ELSE 'pending' END,
                       next_attempt_at = $2 + make_interval(secs => least(600, power(2, attempts))),
                       locked_until = NULL, last_error = left($5, 500),
                       body = CASE WHEN ($3 OR attempts >= $4) AND sensitive THEN NULL ELSE body END,
                       params = CASE WHEN ($3 OR attempts >= $4) AND sensitive THEN NULL ELSE params END
                 WHERE id = $1 AND status = 'sending' AND locked_until = $6
                """);
            failed.Parameters.AddWithValue(message.Id);
            failed.Parameters.AddWithValue(now);
            failed.Parameters.AddWithValue(result.Permanent);
            failed.Parameters.AddWithValue(options.Value.MaxAttempts);
            failed.Parameters.AddWithValue(result.Error ?? "unknown error");
            failed.Parameters.AddWithValue(row.Lease);
            updated = await failed.ExecuteNonQueryAsync(ct);
            logger.LogWarning("Message {MessageId} not sent: {Error}", message.Id, result.Error);
        }
        if (updated == 0)
            logger.LogWarning("Message {MessageId} was claimed again after its lease ran out; its result is left to that claim", message.Id);
    }
}
