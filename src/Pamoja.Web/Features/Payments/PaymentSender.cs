using Microsoft.Extensions.Options;
using Npgsql;
using Pamoja.Core.Ledger;
using Pamoja.Core.Money;
using Pamoja.Web.Features.Groups;
using Pamoja.Web.Features.Ledger;
using Pamoja.Web.Integrations.Payments;

namespace Pamoja.Web.Features.Payments;

/// Sends payments to their provider and asks about the ones whose outcome is not known yet.
///
/// Sending is two transactions around one HTTP call: first the payment is marked sent (and a
/// payout's money moves from the pool to the provider's clearing account) and committed, then
/// the request goes out, then its answer is applied. A crash in between leaves a payment that is
/// "sent" without an answer: the worker asks the provider about it, never sends it again. The
/// provider-side key (B2C OriginatorConversationID, MoMo X-Reference-Id) comes from the payment
/// and its attempt, so even a repeated send of one attempt is refused by the provider as a
/// duplicate rather than paid twice.
public sealed class PaymentSender(NpgsqlDataSource db, PaymentGateways gateways, CallbackTokens tokens, TimeProvider clock, IOptions<PaymentOptions> options,
    ILogger<PaymentSender> logger)
{
    /// After this many unanswered checks (about two days with the default back-off) the worker
    /// stops asking; reconciliation lists the payment for a person.
    public const int MaxChecks = 100;

    public async Task<string> SendAsync(Guid paymentId, CancellationToken ct)
    {
        PaymentRow payment;
        IPaymentGateway gateway;
        GatewayRequest request;
        await using (var connection = await db.OpenConnectionAsync(ct))
        await using (var tx = await connection.BeginTransactionAsync(ct))
        {
            var row = await PaymentBook.LockAsync(connection, tx, paymentId, ct);
            if (row is null || row.Stage != "queued")
            {
                await tx.CommitAsync(ct);
                return "not queued";
            }
            payment = row;
            var found = gateways.Find(payment.Provider);
            var refusal = found is null
                ? $"{PaymentBook.Name(payment.Provider)} is not configured on this server."
                : found.Refuse(payment.Way, payment.Phone, payment.Amount, payment.Currency);
            if (refusal is null && await PaymentBook.LockPayoutAsync(connection, tx, payment, ct) is { } payoutStatus && payoutStatus != "reserved")
                refusal = $"The payout was {payoutStatus} meanwhile.";
            request = await RequestAsync(connection, tx, payment, ct);
            if (refusal is not null || found is null)
            {
                await InsertAttemptAsync(connection, tx, payment, ct);
                var outcome = await PaymentBook.ApplyAsync(connection, tx, payment, payment.Attempt,
                    new GatewayAnswer(GatewayStatus.Failed, null, Code: "REFUSED", Message: refusal), new AnswerSource("refused"), clock, options.Value, ct);
                await tx.CommitAsync(ct);
                return outcome;
            }
            gateway = found;

            Guid? sentEntry = null;
            if (payment.Way == PaymentDirection.Payout)
            {
                // The money leaves the pool now; the pool's CHECK refuses an overdraft, and then
                // nothing is sent.
                await tx.SaveAsync("send", ct);
                try
                {
                    var facts = await GroupFacts.LoadAsync(connection, tx, payment.GroupId, ct);
                    var posted = await MoneyTransaction.PostAsync(connection, tx,
                        JournalEntry.Transfer(EntryKinds.PayoutSent, PaymentBook.Clearing(payment.Provider), LedgerAccount.PoolMobile,
                            new Money(payment.Amount, facts.Currency)),
                        new PostingMeta(payment.GroupId, payment.Currency, clock.Today(facts.TimeZone),
                            $"Payout sent by {PaymentBook.Name(payment.Provider)}" + (payment.Period is { } p ? $": period {p + 1}" : ""), null),
                        clock.GetUtcNow(), ct);
                    sentEntry = posted.Id;
                }
                catch (PostgresException ex) when (ex.ConstraintName == "ledger_balances_pool_not_overdrawn")
                {
                    await tx.RollbackAsync("send", ct);
                    await InsertAttemptAsync(connection, tx, payment, ct);
                    var outcome = await PaymentBook.ApplyAsync(connection, tx, payment, payment.Attempt,
                        new GatewayAnswer(GatewayStatus.Failed, null, Code: "POOL_EMPTY",
                            Message: "The group's mobile-money account does not hold enough for this payout."), new AnswerSource("refused"), clock, options.Value, ct);
                    await tx.CommitAsync(ct);
                    return outcome;
                }
            }
            await InsertAttemptAsync(connection, tx, payment, ct);
            var now = clock.GetUtcNow();
            await using (var mark = new NpgsqlCommand("""
                UPDATE payments SET stage = 'sent', entry_id = coalesce($2, entry_id), next_check_at = $3, updated_at = $4 WHERE id = $1
                """, connection, tx))
            {
                mark.Parameters.AddWithValue(payment.Id);
                mark.Parameters.AddWithValue(LedgerWriter.Nullable(sentEntry));
                mark.Parameters.AddWithValue(now + options.Value.FirstCheckAfter);
                mark.Parameters.AddWithValue(now);
                await mark.ExecuteNonQueryAsync(ct);
            }
            await tx.CommitAsync(ct);
        }

        GatewayAnswer answer;
        try
        {
            answer = await gateway.StartAsync(request, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // A gateway should not throw; if it does, the request may have left: unknown, not failed.
            logger.LogWarning(ex, "Sending payment {PaymentId} attempt {Attempt} through {Provider} threw", payment.Id, payment.Attempt, payment.Provider);
            answer = new GatewayAnswer(GatewayStatus.Unknown, null, Code: "CLIENT_ERROR", Message: "No clear answer from the provider.");
        }
        return await ApplyAsync(payment.Id, payment.Attempt, answer, new AnswerSource("answer"), null, ct);
    }

    /// Asks the provider about a payment that was sent and has no final answer.
    public async Task<string> CheckAsync(Guid paymentId, int checks, CancellationToken ct)
    {
        PaymentRow? payment;
        GatewayRequest request;
        await using (var connection = await db.OpenConnectionAsync(ct))
        await using (var tx = await connection.BeginTransactionAsync(ct))
        {
            await using (var cmd = new NpgsqlCommand($"SELECT {PaymentBook.Columns} FROM payments WHERE id = $1", connection, tx))
            {
                cmd.Parameters.AddWithValue(paymentId);
                await using var reader = await cmd.ExecuteReaderAsync(ct);
                payment = await reader.ReadAsync(ct) ? PaymentBook.Read(reader) : null;
            }
            if (payment is null || payment.Stage != "sent") return "not sent";
            request = await RequestAsync(connection, tx, payment, ct);
            await tx.CommitAsync(ct);
        }
        if (gateways.Find(payment.Provider) is not { } gateway) return "no gateway";
        GatewayAnswer answer;
        try
        {
            answer = await gateway.QueryAsync(request, payment.ProviderRef, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            logger.LogWarning(ex, "Asking {Provider} about payment {PaymentId} threw", payment.Provider, payment.Id);
            answer = new GatewayAnswer(GatewayStatus.Unknown, null);
        }
        // Still open: back off (30 s, 1, 2, 4 … minutes up to the maximum); after MaxChecks, stop
        // asking and leave it to reconciliation.
        var backoff = TimeSpan.FromSeconds(Math.Min(options.Value.MaxCheckInterval.TotalSeconds, 30 * Math.Pow(2, Math.Min(checks, 16))));
        if (answer.Status is GatewayStatus.Pending or GatewayStatus.Unknown)
            answer = answer with { ProviderRef = answer.ProviderRef ?? payment.ProviderRef };
        return await ApplyAsync(payment.Id, payment.Attempt, answer, new AnswerSource("query"), checks >= MaxChecks ? null : backoff, ct,
            stopChecking: checks >= MaxChecks);
    }

    public async Task<string> ApplyAsync(Guid paymentId, int attempt, GatewayAnswer answer, AnswerSource source, TimeSpan? checkAgainIn, CancellationToken ct,
        bool stopChecking = false)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var payment = await PaymentBook.LockAsync(connection, tx, paymentId, ct);
        if (payment is null) return "missing";
        var outcome = await PaymentBook.ApplyAsync(connection, tx, payment, attempt, answer, source, clock, options.Value, ct, checkAgainIn);
        if (stopChecking && !payment.Settled)
        {
            await using var stop = new NpgsqlCommand("UPDATE payments SET next_check_at = NULL WHERE id = $1 AND stage <> 'settled'", connection, tx);
            stop.Parameters.AddWithValue(paymentId);
            await stop.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
        logger.LogInformation("Payment {PaymentId} attempt {Attempt} ({Source}): {Outcome}", paymentId, attempt, source.Kind, outcome);
        return outcome;
    }

    private async Task<GatewayRequest> RequestAsync(NpgsqlConnection connection, NpgsqlTransaction tx, PaymentRow payment, CancellationToken ct)
    {
        // The member's paybill code is what they see on the prompt (at most 12 characters).
        await using var cmd = new NpgsqlCommand("SELECT pay_code FROM group_members WHERE group_id = $1 AND id = $2", connection, tx);
        cmd.Parameters.AddWithValue(payment.GroupId);
        cmd.Parameters.AddWithValue(payment.MemberId);
        var code = await cmd.ExecuteScalarAsync(ct) as string ?? "PAMOJA";
        return new GatewayRequest(payment.Id, payment.Attempt, payment.Way, payment.Phone, payment.Amount, payment.Currency, code,
            payment.Way == PaymentDirection.Payout ? "Pamoja payout" : "Pamoja", gateways.CallbackBase,
            await tokens.ForPaymentAsync(payment.Id, payment.Attempt, ct));
    }

    private async Task InsertAttemptAsync(NpgsqlConnection connection, NpgsqlTransaction tx, PaymentRow payment, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            INSERT INTO payment_attempts (payment_id, attempt, status, sent_at) VALUES ($1, $2, 'pending', $3) ON CONFLICT DO NOTHING
            """, connection, tx);
        cmd.Parameters.AddWithValue(payment.Id);
        cmd.Parameters.AddWithValue(payment.Attempt);
        cmd.Parameters.AddWithValue(clock.GetUtcNow());
        await cmd.ExecuteNonQueryAsync(ct);
    }
}

/// Wakes the payments worker when a request has queued a payment, so it is sent at once rather
/// than at the next poll.
public sealed class PaymentSignal
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Notify()
    {
        try { _signal.Release(); } catch (SemaphoreFullException) { /* already signalled */ }
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct) => _signal.WaitAsync(timeout, ct);
}

/// Sends queued payments and checks sent ones, on every instance: a payment is claimed by
/// pushing its next_check_at past a lease with FOR UPDATE SKIP LOCKED, so two workers never
/// hold the same one, and a worker that dies only delays it until the lease ends.
public sealed class PaymentsWorker(NpgsqlDataSource db, PaymentSender sender, PaymentSignal signal, TimeProvider clock, IOptions<PaymentOptions> options,
    ILogger<PaymentsWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.WorkerEnabled) return;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (await RunOnceAsync(stoppingToken) > 0) { }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "The payments worker failed a round");
            }
            try { await signal.WaitAsync(options.Value.PollInterval, stoppingToken); }
            catch (OperationCanceledException) { return; }
        }
    }

    /// One round: claims what is due and sends or checks it. Returns how many it handled.
    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var claimed = new List<(Guid Id, string Stage, int Checks)>();
        await using (var cmd = db.CreateCommand("""
            UPDATE payments p SET next_check_at = $2, checks = p.checks + CASE WHEN p.stage = 'sent' THEN 1 ELSE 0 END
             WHERE p.id IN (SELECT id FROM payments WHERE stage <> 'settled' AND next_check_at <= $1 ORDER BY next_check_at LIMIT 16 FOR UPDATE SKIP LOCKED)
            RETURNING p.id, p.stage, p.checks
            """))
        {
            cmd.Parameters.AddWithValue(now);
            cmd.Parameters.AddWithValue(now + options.Value.Lease);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) claimed.Add((reader.GetGuid(0), reader.GetString(1), reader.GetInt32(2)));
        }
        foreach (var (id, stage, checks) in claimed)
        {
            try
            {
                if (stage == "queued") await sender.SendAsync(id, ct);
                else await sender.CheckAsync(id, checks, ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Its lease runs out and it is tried again then.
                logger.LogError(ex, "Payment {PaymentId} could not be {Action}", id, stage == "queued" ? "sent" : "checked");
            }
        }
        return claimed.Count;
    }
}
