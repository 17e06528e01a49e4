using Npgsql;
using NpgsqlTypes;
using Pamoja.Core.Ledger;

namespace Pamoja.Web.Features.Ledger;

/// The group's chain head as locked for this transaction.
public sealed record LedgerHead(long Seq, string Hash);

public sealed record PostingMeta(Guid GroupId, string Currency, DateOnly EffectiveOn, string Memo, Guid? CreatedBy,
    Guid? ReversesEntryId = null, string? ExternalProvider = null, string? ExternalRef = null);

public sealed record PostedEntry(Guid Id, long Seq, DateTimeOffset PostedAt, string PrevHash, string Hash);

/// Writes journal entries. Every posting happens inside the caller's transaction, after the
/// caller has locked the group's head (HeadCommand): the next sequence number, the hash chain,
/// the lines, the cached balances and the head move together or not at all. Written as plain
/// SQL in one batch because this is the hottest money path (see bench/).
public static class LedgerWriter
{
    /// Creates the head on first use and locks it: concurrent writers to one group wait here.
    /// Adds one result set (the locked head): the INSERT returns none.
    public static void AddHeadLock(NpgsqlBatch batch, Guid groupId)
    {
        batch.BatchCommands.Add(Command("INSERT INTO ledger_heads (group_id, seq, hash) VALUES ($1, 0, $2) ON CONFLICT DO NOTHING", groupId, EntryHash.Genesis));
        batch.BatchCommands.Add(Command("SELECT seq, hash FROM ledger_heads WHERE group_id = $1 FOR UPDATE", groupId));
    }

    public static LedgerHead ReadHead(NpgsqlDataReader reader) => new(reader.GetInt64(0), reader.GetString(1));

    /// Adds the statements that post the entry after the head. Returns what was posted.
    public static PostedEntry AddPosting(NpgsqlBatch batch, LedgerHead head, JournalEntry entry, PostingMeta meta, DateTimeOffset now)
    {
        var id = Guid.CreateVersion7(now);
        var postedAt = EntryHash.ToStoredPrecision(now);
        var seq = head.Seq + 1;
        var lines = entry.Lines.Select((l, i) => new StoredLine(i + 1, l.Account.Code, l.Account.MemberId, l.Amount.Minor, l.Amount.Currency.Code)).ToList();
        if (lines.Any(l => l.Currency != meta.Currency))
            throw new UnbalancedEntryException($"A {meta.Currency} group's entries are in {meta.Currency}.");
        var stored = new StoredEntry(id, meta.GroupId, seq, entry.Kind, postedAt, meta.EffectiveOn, meta.Memo, meta.ReversesEntryId,
            meta.ExternalProvider, meta.ExternalRef, meta.CreatedBy, lines);
        var hash = EntryHash.Compute(head.Hash, stored);

        batch.BatchCommands.Add(Command("""
            INSERT INTO journal_entries (id, group_id, seq, kind, posted_at, effective_on, memo, reverses_entry_id,
                                         external_provider, external_ref, created_by, prev_hash, hash)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
            """, id, meta.GroupId, seq, entry.Kind, postedAt, meta.EffectiveOn, meta.Memo, Nullable(meta.ReversesEntryId),
            Nullable(meta.ExternalProvider), Nullable(meta.ExternalRef), Nullable(meta.CreatedBy), head.Hash, hash));
        batch.BatchCommands.Add(Command("""
            INSERT INTO journal_lines (entry_id, group_id, line_no, account, member_id, amount, currency)
            SELECT $1, $2, l.no, l.account, l.member, l.amount, $7
              FROM unnest($3::int[], $4::text[], $5::uuid[], $6::bigint[]) AS l(no, account, member, amount)
            """, id, meta.GroupId, lines.Select(l => l.LineNo).ToArray(), lines.Select(l => l.Account).ToArray(),
            Uuids(lines.Select(l => l.MemberId)), lines.Select(l => l.Amount).ToArray(), meta.Currency));

        // One row per account (an entry may touch an account twice; an upsert may not).
        var byAccount = lines.GroupBy(l => (l.Account, l.MemberId))
            .Select(g => (g.Key.Account, g.Key.MemberId, Amount: g.Sum(l => l.Amount))).Where(a => a.Amount != 0).ToList();
        var accounts = byAccount.Select(a => a.Account).ToArray();
        var members = Uuids(byAccount.Select(a => a.MemberId));
        var amounts = byAccount.Select(a => a.Amount).ToArray();
        if (byAccount.Any(a => a.Amount < 0 && a.Account.StartsWith("pool:", StringComparison.Ordinal)))
            // Money leaves a pool: update the accounts that have a balance, insert the others.
            // (Not INSERT … ON CONFLICT: PostgreSQL checks CHECK constraints on the would-be
            // inserted row before resolving the conflict, so a withdrawal from a pool would be
            // refused even with money in it.) The head lock serialises a group's postings, so
            // no two writers race for the same new row.
            batch.BatchCommands.Add(Command("""
                WITH delta AS (SELECT * FROM unnest($2::text[], $3::uuid[], $4::bigint[]) AS d(account, member, amount)),
                     updated AS (UPDATE ledger_balances b SET balance = b.balance + d.amount
                                   FROM delta d WHERE b.group_id = $1 AND b.account = d.account
                                 RETURNING b.account)
                INSERT INTO ledger_balances (group_id, account, member_id, currency, balance)
                SELECT $1, d.account, d.member, $5, d.amount FROM delta d WHERE d.account NOT IN (SELECT account FROM updated)
                """, meta.GroupId, accounts, members, amounts, meta.Currency));
        else
            // No pool goes down (contributions, fees, fines): one upsert, about a tenth faster.
            batch.BatchCommands.Add(Command("""
                INSERT INTO ledger_balances (group_id, account, member_id, currency, balance)
                SELECT $1, d.account, d.member, $5, d.amount FROM unnest($2::text[], $3::uuid[], $4::bigint[]) AS d(account, member, amount)
                ON CONFLICT (group_id, account) DO UPDATE SET balance = ledger_balances.balance + EXCLUDED.balance
                """, meta.GroupId, accounts, members, amounts, meta.Currency));
        batch.BatchCommands.Add(Command("UPDATE ledger_heads SET seq = $2, hash = $3 WHERE group_id = $1 AND seq = $4",
            meta.GroupId, seq, hash, head.Seq));
        if (head.Seq == 0)
            batch.BatchCommands.Add(Command("UPDATE groups SET money_started_on = $2 WHERE id = $1 AND money_started_on IS NULL",
                meta.GroupId, meta.EffectiveOn));
        if (meta.ExternalRef is not null && meta.ExternalProvider is not null and not "cash")
            batch.BatchCommands.Add(Command("INSERT INTO external_references (provider, reference, group_id, entry_id) VALUES ($1, $2, $3, $4)",
                meta.ExternalProvider, meta.ExternalRef, meta.GroupId, id));
        return new PostedEntry(id, seq, postedAt, head.Hash, hash);
    }

    public static NpgsqlBatchCommand Command(string sql, params object?[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in values)
            command.Parameters.Add(value switch
            {
                null => new NpgsqlParameter { Value = DBNull.Value },
                Guid?[] uuids => new NpgsqlParameter { Value = uuids, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid },
                _ => new NpgsqlParameter { Value = value },
            });
        return command;
    }

    public static object Nullable<T>(T? value) => (object?)value ?? DBNull.Value;

    private static Guid?[] Uuids(IEnumerable<Guid?> values) => values.ToArray();
}
