using Npgsql;
using Pamoja.Core.Groups;
using Pamoja.Web.Features.Audit;
using Pamoja.Web.Features.Groups;
using Pamoja.Web.Features.Ledger;
using Pamoja.Web.Http;

namespace Pamoja.Web.Features.Payments;

public sealed record PaymentRetried(Guid PaymentId, int Attempt, string Status);

/// Sends a failed payment again as a new attempt (a new provider-side key: the failed attempt is
/// final at the provider, so the two can never both pay). Only after a definite failure: a
/// payment whose outcome is unknown is settled by asking the provider, never by sending again.
/// A payout is retried only while it is still reserved (not paid in cash meanwhile, not voided).
public sealed class RetryPayment(TimeProvider clock)
{
    public const int MaxAttempts = 20;

    public async Task<MoneyOutcome> HandleAsync(NpgsqlConnection connection, NpgsqlTransaction tx, GroupContext caller, Guid paymentId, CancellationToken ct)
    {
        var payment = await PaymentBook.LockAsync(connection, tx, paymentId, ct);
        if (payment is null || payment.GroupId != caller.GroupId)
            return Refuse(StatusCodes.Status404NotFound, "Not found", "No such payment.");
        var official = caller.Can(Permission.RecordMoney);
        if (payment.Direction == "payout" ? !official || payment.MemberId == caller.MemberId : payment.MemberId != caller.MemberId && !official)
            return Refuse(StatusCodes.Status403Forbidden, "Not allowed", payment.Direction == "payout"
                ? "Another official retries a payout to you." : "Only the member or an official can retry this payment.");
        if (payment.Status != "failed")
            return Refuse(StatusCodes.Status409Conflict, "Not failed", payment.Status == "succeeded"
                ? "This payment succeeded." : "This payment's outcome is not known yet: Pamoja is asking the provider. It is never sent twice.");
        if (payment.Attempt >= MaxAttempts)
            return Refuse(StatusCodes.Status422UnprocessableEntity, "Too many attempts", "Start a new payment instead.");
        if (payment.PayoutId is { } payoutId)
        {
            await using var check = new NpgsqlCommand("SELECT status FROM payouts WHERE id = $1 FOR UPDATE", connection, tx);
            check.Parameters.AddWithValue(payoutId);
            if (await check.ExecuteScalarAsync(ct) is not "reserved")
                return Refuse(StatusCodes.Status409Conflict, "Payout settled", "This payout was settled another way meanwhile.");
            await using var open = new NpgsqlCommand("SELECT 1 FROM payments WHERE payout_id = $1 AND stage <> 'settled' AND id <> $2", connection, tx);
            open.Parameters.AddWithValue(payoutId);
            open.Parameters.AddWithValue(paymentId);
            if (await open.ExecuteScalarAsync(ct) is not null)
                return Refuse(StatusCodes.Status409Conflict, "Already being sent", "Another payment is sending this payout; wait for its outcome.");
        }
        var now = clock.GetUtcNow();
        await using var batch = new NpgsqlBatch(connection, tx);
        batch.BatchCommands.Add(LedgerWriter.Command("""
            UPDATE payments SET attempt = attempt + 1, stage = 'queued', status = 'pending', provider_ref = NULL, receipt = NULL, result_code = NULL,
                                result_message = NULL, settled_amount = NULL, entry_id = NULL, settle_entry_id = NULL, next_check_at = $2, checks = 0,
                                settled_at = NULL, updated_at = $2
             WHERE id = $1 AND status = 'failed'
            """, paymentId, now));
        batch.BatchCommands.Add(AuditTrail.Command(clock, caller.GroupId, caller.UserId, "payment.retried", "payment", paymentId,
            new { attempt = payment.Attempt, status = "failed" }, new { attempt = payment.Attempt + 1, status = "pending" }));
        await batch.ExecuteNonQueryAsync(ct);
        return new MoneyOutcome.Created(new PaymentRetried(paymentId, payment.Attempt + 1, "pending"), StatusCodes.Status202Accepted);
    }

    private static MoneyOutcome.Refused Refuse(int status, string title, string detail) => new(ApiProblems.Status(status, title, detail));
}
