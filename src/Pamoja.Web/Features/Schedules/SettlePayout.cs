using Npgsql;
using Pamoja.Core.Ledger;
using Pamoja.Core.Money;
using Pamoja.Web.Features.Audit;
using Pamoja.Web.Features.Groups;
using Pamoja.Web.Features.Ledger;
using Pamoja.Web.Features.Members;
using Pamoja.Web.Http;

namespace Pamoja.Web.Features.Schedules;

public sealed record PayPayoutRequest(string? Method, string? Reference);
public sealed record VoidPayoutRequest(string? Reason);
public sealed record PayoutSettled(Guid Id, int Period, Guid MemberId, long Amount, string Currency, string Status, string? Method, Guid EntryId, long Seq, string Hash);

/// The second phase of a payout, by an official: paid (the pool pays what was reserved) or
/// voided (the reservation is reversed, with a reason) — exactly one, once. The payout row is
/// locked, its state checked and changed in the same transaction as the posting, so two
/// officials confirming at once give one payment and a 409. Until mobile money lands, a
/// payout is paid in cash or by bank and confirmed here; the recipient cannot confirm their own.
public sealed class SettlePayout(TimeProvider clock)
{
    public const int MaxReason = 200;

    public async Task<MoneyOutcome> PayAsync(NpgsqlConnection connection, NpgsqlTransaction tx, GroupContext caller, Guid payoutId, PayPayoutRequest request,
        CancellationToken ct)
    {
        var errors = new FieldErrors();
        if (!Api.TryParse<PaymentMethod>(request.Method, out var method)) errors.Add("method", "method must be cash or bank.");
        var reference = errors.Text("reference", request.Reference, RecordContribution.MaxReference, required: false);
        if (errors.Any) return new MoneyOutcome.Refused(errors.ToProblem());
        if (method is PaymentMethod.Mpesa or PaymentMethod.Momo)
            return Refuse(StatusCodes.Status422UnprocessableEntity, "Not yet by mobile money",
                "Payouts by M-Pesa or MoMo are sent by the payments engine. Pay in cash or by bank and confirm it here.");

        if (await LockAsync(connection, tx, caller.GroupId, payoutId, ct) is not { } payout)
            return Refuse(StatusCodes.Status404NotFound, "Not found", "No such payout in this group.");
        if (payout.Status != "reserved")
            return Refuse(StatusCodes.Status409Conflict, "Already settled", $"This payout is already {payout.Status}.");
        if (payout.MemberId == caller.MemberId)
            return Refuse(StatusCodes.Status403Forbidden, "Not allowed", "Another official confirms a payout to you.");
        if (await SendingAsync(connection, tx, payoutId, ct) is { } sending)
            return Refuse(StatusCodes.Status409Conflict, "Being sent by mobile money",
                $"Payment {sending} is sending this payout and its outcome is not final: paying it by hand too could pay it twice.");

        var currency = Currency.Get(payout.Currency);
        var total = new Money(payout.Amount + payout.Discount, currency);
        var pool = LedgerAccount.Pool(method);
        var posted = await MoneyTransaction.PostAsync(connection, tx, JournalEntry.Transfer(EntryKinds.PayoutPaid, LedgerAccount.PayablePayouts, pool, total),
            new PostingMeta(caller.GroupId, currency.Code, clock.Today(await TimeZoneAsync(connection, tx, caller.GroupId, ct)),
                $"Payout paid: period {payout.Period + 1} ({Api.Name(method)})", caller.UserId, null,
                reference is null ? null : Api.Name(method), reference), clock.GetUtcNow(), ct);
        await using var batch = new NpgsqlBatch(connection, tx);
        batch.BatchCommands.Add(LedgerWriter.Command("""
            UPDATE payouts SET status = 'paid', settle_entry_id = $3, method = $4, settled_at = $5, settled_by = $6, revision = revision + 1
             WHERE id = $1 AND group_id = $2 AND status = 'reserved'
            """, payoutId, caller.GroupId, posted.Id, Api.Name(method), clock.GetUtcNow(), caller.UserId));
        batch.BatchCommands.Add(AuditTrail.Command(clock, caller.GroupId, caller.UserId, "payout.paid", "payout", payoutId,
            new { status = "reserved" }, new { status = "paid", method = Api.Name(method), entryId = posted.Id }));
        await batch.ExecuteNonQueryAsync(ct);
        return new MoneyOutcome.Created(new PayoutSettled(payoutId, payout.Period + 1, payout.MemberId, payout.Amount, currency.Code, "paid",
            Api.Name(method), posted.Id, posted.Seq, posted.Hash));
    }

    public async Task<MoneyOutcome> VoidAsync(NpgsqlConnection connection, NpgsqlTransaction tx, GroupContext caller, Guid payoutId, string reason,
        CancellationToken ct)
    {
        if (await LockAsync(connection, tx, caller.GroupId, payoutId, ct) is not { } payout)
            return Refuse(StatusCodes.Status404NotFound, "Not found", "No such payout in this group.");
        if (payout.Status != "reserved")
            return Refuse(StatusCodes.Status409Conflict, "Already settled", $"This payout is already {payout.Status}.");
        if (await SendingAsync(connection, tx, payoutId, ct) is { } sending)
            return Refuse(StatusCodes.Status409Conflict, "Being sent by mobile money",
                $"Payment {sending} is sending this payout and its outcome is not final: it cannot be cancelled until the provider answers.");

        var lines = new List<JournalLine>();
        var currency = Currency.Get(payout.Currency);
        await using (var cmd = new NpgsqlCommand("SELECT account, amount FROM journal_lines WHERE group_id = $1 AND entry_id = $2 ORDER BY line_no", connection, tx))
        {
            cmd.Parameters.AddWithValue(caller.GroupId);
            cmd.Parameters.AddWithValue(payout.ReserveEntryId);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
                lines.Add(new JournalLine(LedgerAccount.Parse(reader.GetString(0)) ?? throw new InvalidOperationException("Unknown account in a payout."),
                    new Money(reader.GetInt64(1), currency)));
        }
        var posted = await MoneyTransaction.PostAsync(connection, tx, new JournalEntry(EntryKinds.PayoutReserved, lines).Reversal(),
            new PostingMeta(caller.GroupId, currency.Code, clock.Today(await TimeZoneAsync(connection, tx, caller.GroupId, ct)),
                $"Payout voided: period {payout.Period + 1}: {reason}", caller.UserId, payout.ReserveEntryId), clock.GetUtcNow(), ct);
        await using var batch = new NpgsqlBatch(connection, tx);
        batch.BatchCommands.Add(LedgerWriter.Command("""
            UPDATE payouts SET status = 'voided', settle_entry_id = $3, reason = $4, settled_at = $5, settled_by = $6, revision = revision + 1
             WHERE id = $1 AND group_id = $2 AND status = 'reserved'
            """, payoutId, caller.GroupId, posted.Id, reason, clock.GetUtcNow(), caller.UserId));
        batch.BatchCommands.Add(AuditTrail.Command(clock, caller.GroupId, caller.UserId, "payout.voided", "payout", payoutId,
            new { status = "reserved" }, new { status = "voided", reason, entryId = posted.Id }));
        await batch.ExecuteNonQueryAsync(ct);
        return new MoneyOutcome.Created(new PayoutSettled(payoutId, payout.Period + 1, payout.MemberId, payout.Amount, currency.Code, "voided", null,
            posted.Id, posted.Seq, posted.Hash));
    }

    private sealed record LockedPayout(int Period, Guid MemberId, long Amount, long Discount, string Currency, string Status, Guid ReserveEntryId);

    private static async Task<LockedPayout?> LockAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid groupId, Guid payoutId, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            SELECT period, member_id, amount, discount, currency, status, reserve_entry_id FROM payouts WHERE id = $1 AND group_id = $2 FOR UPDATE
            """, connection, tx);
        cmd.Parameters.AddWithValue(payoutId);
        cmd.Parameters.AddWithValue(groupId);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct)
            ? new LockedPayout(reader.GetInt32(0), reader.GetGuid(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetString(4), reader.GetString(5), reader.GetGuid(6))
            : null;
    }

    /// A mobile-money payment of this payout that has not settled (the payout row is locked, so
    /// none can start meanwhile: SendPayout and the payments worker lock it too).
    private static async Task<Guid?> SendingAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid payoutId, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT id FROM payments WHERE payout_id = $1 AND stage <> 'settled' LIMIT 1", connection, tx);
        cmd.Parameters.AddWithValue(payoutId);
        return await cmd.ExecuteScalarAsync(ct) is Guid id ? id : null;
    }

    private static async Task<string> TimeZoneAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid groupId, CancellationToken ct) =>
        (await GroupFacts.LoadAsync(connection, tx, groupId, ct)).TimeZone;

    private static MoneyOutcome.Refused Refuse(int status, string title, string detail) => new(ApiProblems.Status(status, title, detail));
}
