using Microsoft.Extensions.Options;
using Npgsql;

namespace Pamoja.Web.Features.Payments;

public sealed record ReconciliationSummary(int UnsettledPayments, int ClearingMismatches, int UnbookedReceipts)
{
    public int Found => UnsettledPayments + ClearingMismatches + UnbookedReceipts;
}

/// Checks that the books and the providers agree, and lists what does not for a person to
/// resolve. Safe to run any number of times on any number of instances: each finding has a
/// dedupe key. What it checks:
/// - every payment of a closed business day has settled (its money left clearing): one still
///   pending or unknown after the day ended (plus a grace period) is an exception;
/// - each group's clearing accounts hold exactly the payouts in flight (sent, not yet answered);
/// - every receipt of a succeeded payment is booked on exactly one live journal entry: its own.
/// Callbacks that match nothing and deposits to unknown accounts are listed when they arrive.
public sealed class Reconciliation(NpgsqlDataSource db, TimeProvider clock, IOptions<PaymentOptions> options, ILogger<Reconciliation> logger)
{
    public async Task<ReconciliationSummary> RunAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var batch = new NpgsqlBatch(connection);
        // A day is closed in the group's own time zone, once the grace period after its end has passed.
        batch.BatchCommands.Add(Command("""
            INSERT INTO reconciliation_exceptions (id, group_id, kind, payment_id, amount, currency, detail, dedupe_key, found_at)
            SELECT gen_random_uuid(), p.group_id, 'unsettled_payment', p.id, p.amount, p.currency,
                   left(format('%s %s of %s (attempt %s) is still %s after its day closed: ask the provider, then settle it by hand if need be.',
                               CASE p.provider WHEN 'mpesa' THEN 'M-Pesa' ELSE 'MTN MoMo' END, p.direction, p.amount || ' ' || p.currency, p.attempt, p.status), 500),
                   'unsettled:' || p.id || ':' || p.attempt, $1
              FROM payments p JOIN groups g ON g.id = p.group_id
             WHERE p.stage <> 'settled'
               AND (p.created_at AT TIME ZONE g.time_zone)::date < (($1 - $2::interval) AT TIME ZONE g.time_zone)::date
            ON CONFLICT (dedupe_key) DO NOTHING
            """, now, options.Value.DayCloseGrace));
        // What clearing holds must be exactly the payouts sent and not yet answered.
        batch.BatchCommands.Add(Command("""
            WITH in_flight AS (
                SELECT group_id, 'clearing:' || provider AS account, sum(amount) AS amount
                  FROM payments WHERE direction = 'payout' AND entry_id IS NOT NULL AND settle_entry_id IS NULL
                 GROUP BY group_id, provider),
            held AS (
                SELECT group_id, account, balance FROM ledger_balances WHERE account IN ('clearing:mpesa', 'clearing:momo') AND balance <> 0)
            INSERT INTO reconciliation_exceptions (id, group_id, kind, amount, currency, detail, dedupe_key, found_at)
            SELECT gen_random_uuid(), coalesce(h.group_id, f.group_id), 'clearing_mismatch', coalesce(h.balance, 0) - coalesce(f.amount, 0), g.currency,
                   format('%s holds %s but the payouts in flight come to %s (minor units).', coalesce(h.account, f.account),
                          coalesce(h.balance, 0), coalesce(f.amount, 0)),
                   'clearing:' || coalesce(h.group_id, f.group_id) || ':' || coalesce(h.account, f.account) || ':' || coalesce(h.balance, 0) || ':' || coalesce(f.amount, 0), $1
              FROM held h FULL JOIN in_flight f ON f.group_id = h.group_id AND f.account = h.account
              JOIN groups g ON g.id = coalesce(h.group_id, f.group_id)
             WHERE coalesce(h.balance, 0) <> coalesce(f.amount, 0)
            ON CONFLICT (dedupe_key) DO NOTHING
            """, now));
        // Each provider receipt: one live entry, the payment's own.
        batch.BatchCommands.Add(Command("""
            INSERT INTO reconciliation_exceptions (id, group_id, kind, payment_id, amount, currency, detail, dedupe_key, found_at)
            SELECT gen_random_uuid(), p.group_id, 'receipt_unbooked', p.id, p.settled_amount, p.currency,
                   format('Receipt %s of a succeeded payment is not on a live journal entry of its own (was the entry reversed?).', p.receipt),
                   'unbooked:' || p.id || ':' || p.receipt, $1
              FROM payments p
             WHERE p.status = 'succeeded'
               AND NOT EXISTS (SELECT 1 FROM external_references x
                                WHERE x.provider = p.provider AND x.reference = p.receipt AND x.released_by_entry IS NULL
                                  AND x.entry_id = CASE p.direction WHEN 'collection' THEN p.entry_id ELSE p.settle_entry_id END)
            ON CONFLICT (dedupe_key) DO NOTHING
            """, now));
        await batch.ExecuteNonQueryAsync(ct);
        var summary = new ReconciliationSummary(batch.BatchCommands[0].RecordsAffected, batch.BatchCommands[1].RecordsAffected,
            batch.BatchCommands[2].RecordsAffected);
        if (summary.Found > 0)
            logger.LogWarning("Reconciliation found {Unsettled} unsettled payments, {Clearing} clearing mismatches, {Unbooked} unbooked receipts",
                summary.UnsettledPayments, summary.ClearingMismatches, summary.UnbookedReceipts);
        return summary;
    }

    public enum Resolution { Resolved, NotFound, AlreadyResolved }

    /// Closes an open exception with what was done about it: an official for their group's
    /// (groupId), an operator for those that belong to no group (null). A second resolution is a
    /// conflict, not an overwrite.
    public async Task<Resolution> ResolveAsync(Guid? groupId, Guid userId, Guid exceptionId, string resolution, CancellationToken ct)
    {
        var scope = groupId is null ? "group_id IS NULL" : "group_id = $5";
        await using var cmd = db.CreateCommand($"""
            WITH resolved AS (
                UPDATE reconciliation_exceptions SET resolved_at = $2, resolved_by = $3, resolution = $4
                 WHERE id = $1 AND {scope} AND resolved_at IS NULL
                RETURNING id)
            SELECT (SELECT count(*) FROM resolved), (SELECT count(*) FROM reconciliation_exceptions WHERE id = $1 AND {scope})
            """);
        cmd.Parameters.AddWithValue(exceptionId);
        cmd.Parameters.AddWithValue(clock.GetUtcNow());
        cmd.Parameters.AddWithValue(userId);
        cmd.Parameters.AddWithValue(resolution);
        if (groupId is { } group) cmd.Parameters.AddWithValue(group);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return reader.GetInt64(0) == 1 ? Resolution.Resolved : reader.GetInt64(1) == 0 ? Resolution.NotFound : Resolution.AlreadyResolved;
    }

    private static NpgsqlBatchCommand Command(string sql, params object[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var v in values) command.Parameters.Add(new NpgsqlParameter { Value = v });
        return command;
    }
}

/// Runs reconciliation every few minutes on every instance (it is idempotent).
public sealed class ReconciliationScheduler(Reconciliation reconciliation, IOptions<PaymentOptions> options, TimeProvider clock,
    ILogger<ReconciliationScheduler> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.WorkerEnabled) return;
        while (!stoppingToken.IsCancellationRequested)
        {
            try { await reconciliation.RunAsync(stoppingToken); }
            catch (Exception ex) when (ex is not OperationCanceledException) { logger.LogError(ex, "Reconciliation failed"); }
            try { await Task.Delay(options.Value.ReconcileEvery, clock, stoppingToken); }
            catch (OperationCanceledException) { return; }
        }
    }
}
