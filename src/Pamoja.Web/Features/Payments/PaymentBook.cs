using System.Globalization;
using Npgsql;
using Pamoja.Core.Ledger;
using Pamoja.Core.Money;
using Pamoja.Web.Features.Groups;
using Pamoja.Web.Features.Ledger;
using Pamoja.Web.Integrations.Payments;

using Pamoja.Web.Features.Notifications;

namespace Pamoja.Web.Features.Payments;

public sealed record PaymentRow(Guid Id, Guid GroupId, Guid MemberId, string Direction, string Provider, long Amount, string Currency, string Phone,
    string Status, string Stage, int Attempt, string? ProviderRef, string? Receipt, Guid? PayoutId, int? Period, DateTimeOffset CreatedAt,
    Guid? SentEntryId = null, string? ReportedReceipt = null)
{
    public PaymentDirection Way => Direction == "payout" ? PaymentDirection.Payout : PaymentDirection.Collection;
    public bool Settled => Stage == "settled";
}

/// Where a payment's news came from: the provider's synchronous answer, a status query, or a
/// callback (stored raw in provider_callbacks first; its row is marked in the same transaction).
public sealed record AnswerSource(string Kind, Guid? CallbackId = null, string? NoticeKey = null);

/// A payment's state and its money, changed only here, always under the payment's row lock and in
/// one transaction with the ledger postings, so an answer that arrives twice (a callback five
/// times, a callback and a status query at once) has its effect once.
///
/// Money: a collection is recognised when the provider says it succeeded, never before (pool:mobile
/// ← the member's contributions, with the receipt as its unique external reference). A payout
/// leaves the pool when it is sent (clearing:provider ← pool:mobile), and leaves clearing when the
/// provider answers: paid (payable:payouts ← clearing) or returned (pool:mobile ← clearing). An
/// Unknown answer moves nothing: the money stays in clearing until the provider tells.
public static class PaymentBook
{
    public const string Columns = """
        id, group_id, member_id, direction, provider, amount, currency, phone, status, stage, attempt, provider_ref, receipt, payout_id, period, created_at,
        CASE WHEN direction = 'payout' THEN entry_id END, reported_receipt
        """;

    public static PaymentRow Read(NpgsqlDataReader r) => new(r.GetGuid(0), r.GetGuid(1), r.GetGuid(2), r.GetString(3), r.GetString(4), r.GetInt64(5),
        r.GetString(6), r.GetString(7), r.GetString(8), r.GetString(9), r.GetInt32(10), r.IsDBNull(11) ? null : r.GetString(11),
        r.IsDBNull(12) ? null : r.GetString(12), r.IsDBNull(13) ? null : r.GetGuid(13), r.IsDBNull(14) ? null : r.GetInt32(14),
        r.GetFieldValue<DateTimeOffset>(15), r.IsDBNull(16) ? null : r.GetGuid(16), r.IsDBNull(17) ? null : r.GetString(17));

    /// A new payment, queued to be sent (next_check_at now: the payments worker sends it unless
    /// the request that made it does first).
    public static NpgsqlBatchCommand InsertQueued(Guid id, Guid groupId, Guid memberId, PaymentDirection direction, string provider, long amount,
        string currency, string phone, Guid? payoutId, int? period, Guid? requestedBy, DateTimeOffset now) =>
        LedgerWriter.Command("""
            INSERT INTO payments (id, group_id, member_id, direction, provider, amount, currency, phone, status, stage, attempt, payout_id, period,
                                  requested_by, next_check_at, created_at, updated_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending', 'queued', 1, $9, $10, $11, $12, $12, $12)
            """, id, groupId, memberId, direction == PaymentDirection.Payout ? "payout" : "collection", provider, amount, currency, phone,
            LedgerWriter.Nullable(payoutId), LedgerWriter.Nullable(period), LedgerWriter.Nullable(requestedBy), now);

    public static async Task<PaymentRow?> LockAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid paymentId, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"SELECT {Columns} FROM payments WHERE id = $1 FOR UPDATE", connection, tx);
        cmd.Parameters.AddWithValue(paymentId);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? Read(reader) : null;
    }

    /// The payment a provider's handle belongs to, locked: the current attempt's, or an earlier
    /// attempt's (a late answer to an attempt that was already given up).
    public static async Task<(PaymentRow Payment, int Attempt)?> LockByRefAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string provider,
        string providerRef, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            SELECT p.id, a.attempt FROM payments p LEFT JOIN payment_attempts a ON a.payment_id = p.id AND a.provider_ref = $2
             WHERE p.provider = $1 AND (p.provider_ref = $2 OR a.provider_ref = $2)
             LIMIT 1
            """, connection, tx);
        cmd.Parameters.AddWithValue(provider);
        cmd.Parameters.AddWithValue(providerRef);
        Guid id;
        int? attempt;
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            if (!await reader.ReadAsync(ct)) return null;
            id = reader.GetGuid(0);
            attempt = reader.IsDBNull(1) ? null : reader.GetInt32(1);
        }
        var payment = await LockAsync(connection, tx, id, ct);
        return payment is null ? null : (payment, attempt ?? payment.Attempt);
    }

    /// Applies what a provider said about one attempt of a locked payment. Returns what changed,
    /// for logging and for the callback's row.
    public static async Task<string> ApplyAsync(NpgsqlConnection connection, NpgsqlTransaction tx, PaymentRow payment, int attempt, GatewayAnswer answer,
        AnswerSource source, TimeProvider clock, PaymentOptions options, CancellationToken ct, TimeSpan? checkAgainIn = null)
    {
        var now = clock.GetUtcNow();
        var batch = new NpgsqlBatch(connection, tx);
        void Add(string sql, params object?[] values) => batch.BatchCommands.Add(LedgerWriter.Command(sql, values));
        var code = Cut(answer.Code, 40);
        var message = Cut(answer.Message, 300);

        // Lock order everywhere: payment, payout, ledger head (SettlePayout: payout, then head).
        await LockPayoutAsync(connection, tx, payment, ct);

        if (payment.Settled || attempt != payment.Attempt)
        {
            // Already final, or an earlier attempt: the same news again changes nothing. News that
            // contradicts what was settled (a success after a definite failure) is not applied
            // here: a person decides, from the reconciliation exception.
            var same = payment.Settled && attempt == payment.Attempt &&
                       (answer.Status == GatewayStatus.Succeeded ? payment.Status == "succeeded" : answer.Status != GatewayStatus.Succeeded);
            if (answer.Status == GatewayStatus.Succeeded && !same)
            {
                if (attempt != payment.Attempt || payment.Status != "succeeded")
                {
                    Add(ReconciliationFindings.InsertSql, Guid.CreateVersion7(now), payment.GroupId, "conflicting_result", payment.Id,
                        LedgerWriter.Nullable(source.CallbackId), answer.Amount ?? payment.Amount, payment.Currency,
                        $"{Name(payment.Provider)} reports attempt {attempt} as paid (receipt {answer.Receipt ?? "none"}) after Pamoja recorded it as {payment.Status}. Check the provider's statement before doing anything.",
                        $"conflict:{payment.Id}:{attempt}:{answer.Receipt}", now);
                    await batch.ExecuteNonQueryAsync(ct);
                    return "conflict";
                }
            }
            return "unchanged";
        }

        if (answer.Status == GatewayStatus.Failed && answer.Code == GatewayCodes.NotFound &&
            await SentAtAsync(connection, tx, payment.Id, attempt, ct) is { } sentAt && now - sentAt < options.NotFoundFinalAfter)
        {
            // "No such request" from a provider that may just be slow: not yet believed.
            answer = answer with { Status = GatewayStatus.Unknown };
            code = Cut(answer.Code, 40);
        }

        // The payment's handle comes only from the provider's own answer to the send: a status
        // query's notices carry the query's ids, and a callback found by the "p" hint must not
        // re-point the payment (later checks would ask about the wrong request).
        var handle = source.Kind == "answer" ? Cut(answer.ProviderRef, 100) : null;

        Add("UPDATE payment_attempts SET status = $3, provider_ref = coalesce(provider_ref, $4), result_code = $5, result_message = $6, answered_at = $7 WHERE payment_id = $1 AND attempt = $2",
            payment.Id, attempt, StatusName(answer.Status), LedgerWriter.Nullable(handle), LedgerWriter.Nullable(code),
            LedgerWriter.Nullable(message), now);

        switch (answer.Status)
        {
            case GatewayStatus.Pending:
            case GatewayStatus.Unknown:
            {
                // Ask the provider later: soon after an unclear answer, in a while after an accepted one.
                var wait = checkAgainIn ?? (answer.Status == GatewayStatus.Unknown ? TimeSpan.FromSeconds(30) : options.FirstCheckAfter);
                Add("""
                    UPDATE payments SET status = $2, stage = 'sent', provider_ref = coalesce(provider_ref, $3), result_code = coalesce($4, result_code),
                                        result_message = coalesce($5, result_message), next_check_at = $6, updated_at = $7
                     WHERE id = $1
                    """, payment.Id, StatusName(answer.Status), LedgerWriter.Nullable(handle), LedgerWriter.Nullable(code),
                    LedgerWriter.Nullable(message), now + wait, now);
                await batch.ExecuteNonQueryAsync(ct);
                return StatusName(answer.Status);
            }
            case GatewayStatus.Failed:
            {
                Add("""
                    UPDATE payments SET status = 'failed', stage = 'settled', result_code = $2, result_message = $3, next_check_at = NULL, settled_at = $4,
                                        updated_at = $4, provider_ref = coalesce(provider_ref, $5)
                     WHERE id = $1
                    """, payment.Id, LedgerWriter.Nullable(code), LedgerWriter.Nullable(message), now, LedgerWriter.Nullable(handle));
                if (payment.SentEntryId is not null)
                {
                    // The money comes back from the provider's clearing account to the pool.
                    var facts = await GroupFacts.LoadAsync(connection, tx, payment.GroupId, ct);
                    var amount = new Money(payment.Amount, Currency.Get(payment.Currency));
                    var returned = await MoneyTransaction.PostAsync(connection, tx,
                        JournalEntry.Transfer(EntryKinds.PayoutReturned, LedgerAccount.PoolMobile, Clearing(payment.Provider), amount),
                        new PostingMeta(payment.GroupId, payment.Currency, clock.Today(facts.TimeZone),
                            $"Payout not made by {Name(payment.Provider)}: {message ?? code ?? "failed"}", null), now, ct);
                    Add("UPDATE payments SET settle_entry_id = $2 WHERE id = $1", payment.Id, returned.Id);
                }
                Notify(batch, payment, "payment.failed", new Dictionary<string, string>
                {
                    ["amount"] = Format(payment), ["provider"] = Name(payment.Provider), ["reason"] = message ?? code ?? "failed",
                    [MessageTexts.Variant] = payment.Way == PaymentDirection.Payout ? "payout" : "collection",
                }, now);
                await batch.ExecuteNonQueryAsync(ct);
                return "failed";
            }
            case GatewayStatus.Succeeded:
            {
                // The provider's receipt is the entry's unique external reference. An STK query
                // says "succeeded" without one (only the callback carries the receipt): the
                // CheckoutRequestID, as unique, stands in for it.
                var receipt = Cut(string.IsNullOrWhiteSpace(answer.Receipt)
                    ? payment.ReportedReceipt ?? answer.ProviderRef ?? payment.ProviderRef
                    : answer.Receipt, 64);
                if (receipt is null)
                    goto case GatewayStatus.Unknown; // nothing unique to book it by: ask again
                var facts = await GroupFacts.LoadAsync(connection, tx, payment.GroupId, ct);
                var currency = Currency.Get(payment.Currency);
                var today = clock.Today(facts.TimeZone);
                // What moved is what the provider says moved.
                var moved = answer.Amount is > 0 ? answer.Amount.Value : payment.Amount;
                if (await ExternalReferences.TakenAsync(connection, tx, payment.GroupId, payment.Provider, receipt, ct) is { } taken)
                {
                    Add(ReconciliationFindings.InsertSql, Guid.CreateVersion7(now), payment.GroupId, "receipt_reused", payment.Id,
                        LedgerWriter.Nullable(source.CallbackId), moved, payment.Currency,
                        $"Receipt {receipt} is already recorded on entry {taken}; this payment was not booked again.", $"receipt:{payment.Provider}:{receipt}:{payment.Id}", now);
                    await batch.ExecuteNonQueryAsync(ct);
                    return "receipt_reused";
                }
                Guid entryId;
                if (payment.Way == PaymentDirection.Collection)
                {
                    entryId = await BookContributionAsync(connection, tx, batch, new ContributionReceived(payment.GroupId, payment.MemberId, payment.Phone,
                        moved, payment.Provider, receipt, $"Paid by {Name(payment.Provider)}", $"payment.receipt:{payment.Id}:{payment.Attempt}"), facts, today, now, ct);
                }
                else
                {
                    // The provider paid the recipient from the money already in clearing.
                    var posted = await MoneyTransaction.PostAsync(connection, tx,
                        JournalEntry.Transfer(EntryKinds.PayoutPaid, LedgerAccount.PayablePayouts, Clearing(payment.Provider), new Money(payment.Amount, currency)),
                        new PostingMeta(payment.GroupId, currency.Code, today,
                            $"Payout paid by {Name(payment.Provider)}" + (payment.Period is { } p ? $": period {p + 1}" : ""), null, null, payment.Provider, receipt),
                        now, ct);
                    entryId = posted.Id;
                    if (payment.PayoutId is { } payoutId)
                        Add("""
                            UPDATE payouts SET status = 'paid', settle_entry_id = $3, method = $4, payment_id = $5, settled_at = $6, revision = revision + 1
                             WHERE id = $1 AND group_id = $2 AND status = 'reserved'
                            """, payoutId, payment.GroupId, posted.Id, payment.Provider, payment.Id, now);
                    Notify(batch, payment, "payout.paid", new Dictionary<string, string>
                    {
                        ["group"] = facts.Name, ["amount"] = currency.Format(payment.Amount), ["provider"] = Name(payment.Provider), ["receipt"] = receipt,
                    }, now);
                }
                if (moved != payment.Amount)
                    Add(ReconciliationFindings.InsertSql, Guid.CreateVersion7(now), payment.GroupId, "amount_mismatch", payment.Id,
                        LedgerWriter.Nullable(source.CallbackId), moved, payment.Currency,
                        $"Asked for {currency.Format(payment.Amount)}, {Name(payment.Provider)} reports {currency.Format(moved)} (receipt {receipt}). The ledger records what moved.",
                        $"amount:{payment.Id}", now);
                Add("""
                    UPDATE payments SET status = 'succeeded', stage = 'settled', receipt = $2, result_code = $3, result_message = $4, settled_amount = $5,
                                        entry_id = CASE WHEN direction = 'collection' THEN $6 ELSE entry_id END,
                                        settle_entry_id = CASE WHEN direction = 'payout' THEN $6 ELSE settle_entry_id END,
                                        provider_ref = coalesce(provider_ref, $8), next_check_at = NULL, settled_at = $7, updated_at = $7
                     WHERE id = $1
                    """, payment.Id, receipt, LedgerWriter.Nullable(code), LedgerWriter.Nullable(message), moved, entryId, now,
                    LedgerWriter.Nullable(handle));
                await batch.ExecuteNonQueryAsync(ct);
                return "succeeded";
            }
            default:
                return "unchanged";
        }
    }

    private static async Task<DateTimeOffset?> SentAtAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid paymentId, int attempt, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT sent_at FROM payment_attempts WHERE payment_id = $1 AND attempt = $2", connection, tx);
        cmd.Parameters.AddWithValue(paymentId);
        cmd.Parameters.AddWithValue(attempt);
        return await cmd.ExecuteScalarAsync(ct) is DateTime at ? new DateTimeOffset(at, TimeSpan.Zero) : null;
    }

    /// Locks the payout a payment pays, if any, and returns its status.
    public static async Task<string?> LockPayoutAsync(NpgsqlConnection connection, NpgsqlTransaction tx, PaymentRow payment, CancellationToken ct)
    {
        if (payment.PayoutId is not { } payoutId) return null;
        await using var cmd = new NpgsqlCommand("SELECT status FROM payouts WHERE id = $1 AND group_id = $2 FOR UPDATE", connection, tx);
        cmd.Parameters.AddWithValue(payoutId);
        cmd.Parameters.AddWithValue(payment.GroupId);
        return await cmd.ExecuteScalarAsync(ct) as string;
    }

    public static LedgerAccount Clearing(string provider) => provider == "momo" ? LedgerAccount.ClearingMomo : LedgerAccount.ClearingMpesa;

    public static string Name(string provider) => provider switch
    {
        "mpesa" => "M-Pesa",
        "momo" => "MTN MoMo",
        _ => provider,
    };

    public static string StatusName(GatewayStatus status) => status switch
    {
        GatewayStatus.Pending => "pending",
        GatewayStatus.Succeeded => "succeeded",
        GatewayStatus.Failed => "failed",
        _ => "unknown",
    };

    private static string Format(PaymentRow p) => Currency.Get(p.Currency).Format(p.Amount);

    /// Money a provider confirmed a member paid in (a collection, a paybill deposit).
    /// Reference: the provider's receipt, the entry's unique external reference. NoticeKey: the
    /// receipt message's dedupe key.
    public sealed record ContributionReceived(Guid GroupId, Guid MemberId, string Phone, long Amount, string Provider, string Reference, string Memo,
        string NoticeKey);

    /// Books a provider-confirmed contribution, the one way both collections and paybill deposits
    /// do it: pool:mobile ← the member's contributions, the contributions row, and the receipt
    /// message, in the caller's transaction (the entry now, the rest in the caller's batch).
    public static async Task<Guid> BookContributionAsync(NpgsqlConnection connection, NpgsqlTransaction tx, NpgsqlBatch batch, ContributionReceived paid,
        GroupFacts facts, DateOnly today, DateTimeOffset now, CancellationToken ct)
    {
        var posted = await MoneyTransaction.PostAsync(connection, tx,
            JournalEntry.Transfer(EntryKinds.Contribution, LedgerAccount.PoolMobile, LedgerAccount.MemberContributions(paid.MemberId),
                new Money(paid.Amount, facts.Currency)),
            new PostingMeta(paid.GroupId, facts.Currency.Code, today, paid.Memo, null, null, paid.Provider, paid.Reference), now, ct);
        batch.BatchCommands.Add(LedgerWriter.Command("""
            INSERT INTO contributions (id, group_id, member_id, amount, currency, method, reference, paid_on, entry_id, recorded_by, created_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, NULL, $10)
            """, Guid.CreateVersion7(now), paid.GroupId, paid.MemberId, paid.Amount, facts.Currency.Code, paid.Provider, paid.Reference, today, posted.Id, now));
        // A receipt answers what the member just did: it goes out even in quiet hours.
        batch.BatchCommands.Add(Notices.Command(paid.Phone, "payment.receipt", new Dictionary<string, string>
        {
            ["group"] = facts.Name, ["amount"] = facts.Currency.Format(paid.Amount), ["provider"] = Name(paid.Provider), ["receipt"] = paid.Reference,
        }, paid.NoticeKey, now, urgent: true));
        return posted.Id;
    }

    private static void Notify(NpgsqlBatch batch, PaymentRow payment, string template, IReadOnlyDictionary<string, string> values, DateTimeOffset now) =>
        batch.BatchCommands.Add(Notices.Command(payment.Phone, template, values,
            string.Create(CultureInfo.InvariantCulture, $"{template}:{payment.Id}:{payment.Attempt}"), now, urgent: payment.Way == PaymentDirection.Collection));

    private static string? Cut(string? s, int max) => s is null ? null : s.Length <= max ? s : s[..max];
}
