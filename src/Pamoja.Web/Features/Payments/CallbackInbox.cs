using System.Text;
using System.Text.Unicode;
using Microsoft.Extensions.Options;
using Npgsql;
using Pamoja.Core.Ledger;
using Pamoja.Core.Money;
using Pamoja.Web.Features.Groups;
using Pamoja.Web.Features.Ledger;
using Pamoja.Web.Integrations.Payments;

namespace Pamoja.Web.Features.Payments;

/// A deposit to the group's paybill (M-Pesa C2B), as the provider's parser reads it. Amount in
/// minor units; Account is the BillRefNumber the member typed (their pay code).
public sealed record DepositNotice(string Provider, string TransactionId, string Account, long Amount, string Currency, string? Phone);

/// Provider callbacks: stored raw first (committed on their own, whatever happens next), then
/// processed once, keyed by the provider's event id, under the payment's row lock. Anything that
/// is not a valid callback, or matches nothing, is quarantined with a reconciliation exception:
/// never a 500, and the raw body stays for whoever investigates.
public sealed class CallbackInbox(NpgsqlDataSource db, TimeProvider clock, IOptions<PaymentOptions> options, PaymentSignal signal, CallbackTokens tokens,
    ILogger<CallbackInbox> logger)
{
    /// Real callbacks are a few kilobytes; what is kept of a larger body is its beginning.
    public const int MaxBody = 64 * 1024;

    /// Body: what the parsers read, the text as received; empty when it was cut, or was not
    /// UTF-8 text without NUL (so no callback).
    public sealed record Stored(Guid Id, string Body, bool Truncated);

    public async Task<Stored> StoreAsync(HttpContext http, string provider, string kind, CancellationToken ct)
    {
        var buffer = new byte[MaxBody + 1];
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await http.Request.Body.ReadAsync(buffer.AsMemory(read), ct);
            if (n == 0) break;
            read += n;
        }
        var truncated = read > MaxBody;
        if (truncated)
        {
            // Drain the rest without keeping it, so the connection can be answered cleanly.
            var sink = new byte[8192];
            while (await http.Request.Body.ReadAsync(sink, ct) > 0) { }
        }
        // PostgreSQL text cannot hold NUL; invalid UTF-8 becomes U+FFFD. What is stored is what
        // can be shown, byte-for-byte where the body was text.
        var kept = Math.Min(read, MaxBody);
        var body = Encoding.UTF8.GetString(buffer, 0, kept).Replace('\0', '\uFFFD');
        // The parsers must read the body as it came, not the copy made showable: a raw NUL or
        // bytes that are not UTF-8 make it no JSON at all (RFC 8259 §7, §8.1), yet with U+FFFD
        // in their place it could parse, and be answered 200 as a callback. Such a body gets
        // nothing to parse, so it is refused like any other garbage.
        var asReceived = !truncated && IsText(buffer.AsSpan(0, kept));
        var query = http.Request.QueryString.HasValue ? http.Request.QueryString.Value! : null;
        if (query is { Length: > 500 }) query = query[..500];
        var id = Guid.CreateVersion7(clock.GetUtcNow());
        await using var cmd = db.CreateCommand("""
            INSERT INTO provider_callbacks (id, provider, kind, query, body, truncated, remote_ip, received_at, status)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'received')
            """);
        cmd.Parameters.AddWithValue(id);
        cmd.Parameters.AddWithValue(provider);
        cmd.Parameters.AddWithValue(kind);
        cmd.Parameters.AddWithValue(LedgerWriter.Nullable(query));
        cmd.Parameters.AddWithValue(body);
        cmd.Parameters.AddWithValue(truncated);
        cmd.Parameters.AddWithValue(LedgerWriter.Nullable(http.Connection.RemoteIpAddress?.ToString()));
        cmd.Parameters.AddWithValue(clock.GetUtcNow());
        await cmd.ExecuteNonQueryAsync(ct);
        return new Stored(id, asReceived ? body : "", truncated);
    }

    private static bool IsText(ReadOnlySpan<byte> bytes) => !bytes.Contains((byte)0) && Utf8.IsValid(bytes);

    /// PostgreSQL text cannot hold NUL, and a parser may pass on a JSON-escaped one ("\u0000")
    /// in a field it takes as free text (a MoMo receipt or reason, a C2B account number). Written
    /// as it came it fails the insert, and the callback gets a 500 and stays unprocessed; shown
    /// as U+FFFD instead, as in the stored body, it is quarantined or applied like any other.
    private static string? Storable(string? text) => text?.Replace('\0', '\uFFFD');

    /// Marks a stored callback as not processable (not a valid callback of its kind, or too big).
    public Task QuarantineAsync(Guid callbackId, string why, CancellationToken ct) => SetStatusAsync(callbackId, "quarantined", why, ct);

    /// Marks a stored callback that needed only an answer (a C2B validation) as dealt with.
    public Task HandledAsync(Guid callbackId, string what, CancellationToken ct) => SetStatusAsync(callbackId, "processed", what, ct);

    private async Task SetStatusAsync(Guid callbackId, string status, string detail, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("UPDATE provider_callbacks SET status = $2, detail = left($3, 500), processed_at = $4 WHERE id = $1");
        cmd.Parameters.AddWithValue(callbackId);
        cmd.Parameters.AddWithValue(status);
        cmd.Parameters.AddWithValue(detail);
        cmd.Parameters.AddWithValue(clock.GetUtcNow());
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// Applies a parsed payment callback once. clientRef is the "p" query value Pamoja put in the
    /// callback URL ("{paymentId:N}-{attempt}"): it finds the payment even when the provider's
    /// synchronous answer (with its handle) never arrived.
    public async Task<string> ProcessAsync(Stored stored, ProviderNotice notice, string? clientRef, string? token, CancellationToken ct)
    {
        notice = notice with
        {
            NoticeKey = Storable(notice.NoticeKey)!, ProviderRef = Storable(notice.ProviderRef)!, Receipt = Storable(notice.Receipt),
            Code = Storable(notice.Code), Message = Storable(notice.Message),
        };
        try
        {
            return await ProcessOnceAsync(stored, notice, clientRef, token, ct);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation && ex.ConstraintName == "provider_callbacks_processed_key")
        {
            // The same event processed at the same instant by another request: that one counted.
            await MarkAsync(stored.Id, "duplicate", notice.NoticeKey, null, "processed concurrently by another delivery", ct);
            return "duplicate";
        }
    }

    private async Task<string> ProcessOnceAsync(Stored stored, ProviderNotice notice, string? clientRef, string? token, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        (PaymentRow Payment, int Attempt)? found = string.IsNullOrEmpty(notice.ProviderRef)
            ? null
            : await PaymentBook.LockByRefAsync(connection, tx, notice.Provider, notice.ProviderRef, ct);
        if (found is null && ParseClientRef(clientRef) is { } hint &&
            await PaymentBook.LockAsync(connection, tx, hint.PaymentId, ct) is { } byHint && byHint.Provider == notice.Provider &&
            await HintFitsAsync(connection, tx, byHint.Id, hint.Attempt, notice, ct))
            found = (byHint, hint.Attempt);
        var now = clock.GetUtcNow();
        if (found is not { } match)
        {
            await AddAsync(connection, tx, ReconciliationFindings.InsertSql, Guid.CreateVersion7(now), DBNull.Value, "unmatched_callback", DBNull.Value, stored.Id,
                LedgerWriter.Nullable(notice.Amount), DBNull.Value,
                $"A {PaymentBook.Name(notice.Provider)} callback ({PaymentBook.StatusName(notice.Status)}, ref {notice.ProviderRef}, receipt {notice.Receipt ?? "none"}) matches no payment.",
                $"unmatched:{notice.NoticeKey}", now);
            await MarkAsync(connection, tx, stored.Id, "quarantined", null, null, "matches no payment", ct);
            await tx.CommitAsync(ct);
            return "unmatched";
        }
        if (!await tokens.IsPaymentTokenAsync(token, match.Payment.Id, match.Attempt, ct))
        {
            // Not from a URL Pamoja gave out for this payment and attempt: believed for nothing.
            await AddAsync(connection, tx, ReconciliationFindings.InsertSql, Guid.CreateVersion7(now), match.Payment.GroupId, "unauthenticated_callback",
                match.Payment.Id, stored.Id, LedgerWriter.Nullable(notice.Amount), match.Payment.Currency,
                $"A {PaymentBook.Name(notice.Provider)} callback for this payment ({PaymentBook.StatusName(notice.Status)}) came without its callback token: ignored. Someone may be forging callbacks.",
                $"unauth:{notice.NoticeKey}", now);
            await MarkAsync(connection, tx, stored.Id, "quarantined", null, match.Payment.Id, "no valid callback token", ct);
            await tx.CommitAsync(ct);
            return "unauthenticated";
        }
        if (await AlreadyProcessedAsync(connection, tx, notice.NoticeKey, ct))
        {
            await MarkAsync(connection, tx, stored.Id, "duplicate", null, match.Payment.Id, "already processed", ct);
            await tx.CommitAsync(ct);
            return "duplicate";
        }
        string outcome;
        if (notice.Status == GatewayStatus.Succeeded && match.Payment.Way == PaymentDirection.Collection && !match.Payment.Settled &&
            match.Attempt == match.Payment.Attempt)
        {
            // Daraja and MoMo sign nothing, and a member can learn their own payment's handle: a
            // callback saying "paid" is not proof that money moved. It is confirmed by asking the
            // provider (STK query, MoMo GET) at once; the worker books it then, with the receipt
            // reported here (the STK query carries none).
            await AddAsync(connection, tx, """
                UPDATE payments SET reported_receipt = coalesce(reported_receipt, left($2, 64)), next_check_at = $3, updated_at = $3,
                                    provider_ref = coalesce(provider_ref, left($4, 100))
                 WHERE id = $1
                """, match.Payment.Id, LedgerWriter.Nullable(notice.Receipt), clock.GetUtcNow(), LedgerWriter.Nullable(notice.ProviderRef));
            // (An authenticated collection callback's handle, e.g. the CheckoutRequestID when the
            // push's own answer was lost, is what the confirming query needs.)
            outcome = "to confirm";
            signal.Notify();
        }
        else
            outcome = await PaymentBook.ApplyAsync(connection, tx, match.Payment, match.Attempt,
                new GatewayAnswer(notice.Status, notice.ProviderRef, notice.Receipt, notice.Amount, notice.Code, notice.Message),
                new AnswerSource("callback", stored.Id, notice.NoticeKey), clock, options.Value, ct);
        if (outcome is "conflict" or "receipt_reused")
            await MarkAsync(connection, tx, stored.Id, "quarantined", null, match.Payment.Id, outcome, ct);
        else
            await MarkAsync(connection, tx, stored.Id, "processed", notice.NoticeKey, match.Payment.Id, outcome, ct);
        await tx.CommitAsync(ct);
        logger.LogInformation("Callback {CallbackId} ({NoticeKey}) for payment {PaymentId}: {Outcome}", stored.Id, notice.NoticeKey, match.Payment.Id, outcome);
        return outcome;
    }

    /// A paybill deposit: the member is found by the account number they typed (their pay code),
    /// and the money recorded as their contribution, once per M-Pesa transaction id. A deposit
    /// that names no member is money in the paybill that belongs to no one yet: an exception.
    public async Task<string> DepositAsync(Stored stored, DepositNotice deposit, string? token, CancellationToken ct)
    {
        deposit = deposit with { TransactionId = Storable(deposit.TransactionId)!, Account = Storable(deposit.Account)!, Phone = Storable(deposit.Phone) };
        var key = $"{deposit.Provider}:c2b:{deposit.TransactionId}";
        if (!await tokens.IsPaybillTokenAsync(token, ct))
        {
            // Not from the URL registered with M-Pesa: a deposit nobody can vouch for.
            await using var connection = await db.OpenConnectionAsync(ct);
            await using var tx = await connection.BeginTransactionAsync(ct);
            var now = clock.GetUtcNow();
            await AddAsync(connection, tx, ReconciliationFindings.InsertSql, Guid.CreateVersion7(now), DBNull.Value, "unauthenticated_callback", DBNull.Value,
                stored.Id, deposit.Amount, deposit.Currency,
                $"A paybill confirmation ({deposit.TransactionId}, account {deposit.Account}) came without the paybill's callback token: not recorded.",
                $"unauth:{key}", now);
            await MarkAsync(connection, tx, stored.Id, "quarantined", null, null, "no valid callback token", ct);
            await tx.CommitAsync(ct);
            return "unauthenticated";
        }
        try
        {
            await using var connection = await db.OpenConnectionAsync(ct);
            await using var tx = await connection.BeginTransactionAsync(ct);
            var now = clock.GetUtcNow();
            var member = await FindMemberAsync(connection, tx, deposit.Account, ct);
            if (await AlreadyProcessedAsync(connection, tx, key, ct))
            {
                await MarkAsync(connection, tx, stored.Id, "duplicate", null, null, "already processed", ct);
                await tx.CommitAsync(ct);
                return "duplicate";
            }
            var why = member is null ? $"account \"{deposit.Account}\" is no member's pay code"
                : member.Currency != deposit.Currency ? $"the group keeps its books in {member.Currency}"
                : member.Status is not ("active" or "suspended") ? $"the member is {member.Status}"
                : null;
            if (why is not null || member is null)
            {
                why ??= "no member";
                await AddAsync(connection, tx, ReconciliationFindings.InsertSql, Guid.CreateVersion7(now), member is { } g ? g.GroupId : DBNull.Value,
                    "unmatched_deposit", DBNull.Value, stored.Id, deposit.Amount, deposit.Currency,
                    $"{PaymentBook.Name(deposit.Provider)} deposit {deposit.TransactionId} of {deposit.Amount} {deposit.Currency} minor units could not be credited: {why}.",
                    $"deposit:{key}", now);
                await MarkAsync(connection, tx, stored.Id, "quarantined", null, null, why, ct);
                await tx.CommitAsync(ct);
                return "unmatched";
            }
            var m = member;
            var facts = await GroupFacts.LoadAsync(connection, tx, m.GroupId, ct);
            var today = clock.Today(facts.TimeZone);
            if (await ExternalReferences.TakenAsync(connection, tx, m.GroupId, deposit.Provider, deposit.TransactionId, ct) is not null)
            {
                // Already recorded by hand by an official with its receipt: not twice.
                await MarkAsync(connection, tx, stored.Id, "processed", key, null, "receipt already recorded", ct);
                await tx.CommitAsync(ct);
                return "already recorded";
            }
            await using var book = new NpgsqlBatch(connection, tx);
            var entryId = await PaymentBook.BookContributionAsync(connection, tx, book, new PaymentBook.ContributionReceived(m.GroupId, m.MemberId, m.Phone,
                deposit.Amount, deposit.Provider, deposit.TransactionId, $"Paybill deposit by {PaymentBook.Name(deposit.Provider)}", "deposit:" + key),
                facts, today, now, ct);
            await book.ExecuteNonQueryAsync(ct);
            await MarkAsync(connection, tx, stored.Id, "processed", key, null, $"contribution {entryId}", ct);
            await tx.CommitAsync(ct);
            return "recorded";
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation &&
                                           ex.ConstraintName is "provider_callbacks_processed_key" || ExternalReferences.LostRace(ex))
        {
            await MarkAsync(stored.Id, "duplicate", null, null, "processed concurrently by another delivery", ct);
            return "duplicate";
        }
    }

    /// Whether a paybill account number names a member who can pay (the C2B validation step).
    public async Task<bool> AcceptsDepositAsync(string account, string currency, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var member = await FindMemberAsync(connection, tx, account, ct);
        return member is { } m && m.Currency == currency && m.Status is "active" or "suspended";
    }

    private sealed record PayCodeMember(Guid GroupId, Guid MemberId, string Status, string Currency, string Phone);

    private static async Task<PayCodeMember?> FindMemberAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string account, CancellationToken ct)
    {
        var code = account.Trim();
        if (!Pamoja.Core.Payments.PayCode.IsValid(code)) return null; // a typo names nobody: no query needed
        await using var cmd = new NpgsqlCommand("""
            SELECT m.group_id, m.id, m.status, g.currency, m.phone FROM group_members m JOIN groups g ON g.id = m.group_id WHERE m.pay_code = $1
            """, connection, tx);
        cmd.Parameters.AddWithValue(code);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct)
            ? new PayCodeMember(reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), reader.GetString(3), reader.GetString(4))
            : null;
    }

    /// The "p" of a callback URL is no secret (a payment's id is its member's to see), so it is
    /// believed only for an attempt Pamoja has sent (its attempt row is written before the
    /// request leaves), and final news only if it names that attempt's handle, when the attempt
    /// has one. Otherwise anyone who knows a payment id could settle, with a made-up
    /// CheckoutRequestID and receipt, a payment that was never sent or that M-Pesa knows under
    /// another handle. Non-final news (a queue timeout, whose id is the status query's own) only
    /// makes the worker ask M-Pesa again.
    private static async Task<bool> HintFitsAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid paymentId, int attempt, ProviderNotice notice,
        CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT provider_ref FROM payment_attempts WHERE payment_id = $1 AND attempt = $2", connection, tx);
        cmd.Parameters.AddWithValue(paymentId);
        cmd.Parameters.AddWithValue(attempt);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return false;
        var handle = reader.IsDBNull(0) ? null : reader.GetString(0);
        return handle is null || handle == notice.ProviderRef || notice.Status is not (GatewayStatus.Succeeded or GatewayStatus.Failed);
    }

    public static (Guid PaymentId, int Attempt)? ParseClientRef(string? value)
    {
        if (string.IsNullOrEmpty(value) || value.Length > 50) return null;
        var dash = value.LastIndexOf('-');
        return dash > 0 && Guid.TryParseExact(value[..dash], "N", out var id) && int.TryParse(value[(dash + 1)..], out var attempt) && attempt is >= 1 and <= 20
            ? (id, attempt)
            : null;
    }

    private static async Task<bool> AlreadyProcessedAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string noticeKey, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT 1 FROM provider_callbacks WHERE notice_key = $1 AND status = 'processed'", connection, tx);
        cmd.Parameters.AddWithValue(noticeKey);
        return await cmd.ExecuteScalarAsync(ct) is not null;
    }

    private async Task MarkAsync(Guid callbackId, string status, string? noticeKey, Guid? paymentId, string detail, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await MarkAsync(connection, tx, callbackId, status, noticeKey, paymentId, detail, ct);
        await tx.CommitAsync(ct);
    }

    private Task MarkAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid callbackId, string status, string? noticeKey, Guid? paymentId, string detail,
        CancellationToken ct) =>
        AddAsync(connection, tx, """
            UPDATE provider_callbacks SET status = $2, notice_key = left($3, 200), payment_id = $4, detail = left($5, 500), processed_at = $6 WHERE id = $1
            """, callbackId, status, LedgerWriter.Nullable(noticeKey), LedgerWriter.Nullable(paymentId), detail, clock.GetUtcNow());

    private static async Task AddAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string sql, params object?[] values)
    {
        await using var batch = new NpgsqlBatch(connection, tx);
        batch.BatchCommands.Add(LedgerWriter.Command(sql, values));
        await batch.ExecuteNonQueryAsync();
    }
}
