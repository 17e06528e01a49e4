using Npgsql;
using Pamoja.Core.Groups;
using Pamoja.Core.Ledger;
using Pamoja.Web.Features.Groups;

namespace Pamoja.Web.Features.Ledger;

public sealed record MemberBalance(Guid MemberId, string FullName, long Contributed, long Received, long Owed, long Balance);
public sealed record BalancesView(string Currency, long Pool, IReadOnlyDictionary<string, long> Pools, IReadOnlyList<MemberBalance> Members);

public sealed record StatementLine(Guid EntryId, long Seq, DateTimeOffset PostedAt, DateOnly EffectiveOn, string Kind, string Memo,
    string? Reference, long Amount, long Balance);
public sealed record StatementView(string Currency, Guid? MemberId, DateOnly? From, DateOnly? To, long OpeningBalance, long ClosingBalance,
    IReadOnlyList<StatementLine> Entries);

public sealed record JournalLineView(string Account, long Amount);
public sealed record JournalEntryView(Guid Id, long Seq, DateTimeOffset PostedAt, DateOnly EffectiveOn, string Kind, string Memo,
    Guid? ReversesEntryId, string? ExternalProvider, string? ExternalRef, IReadOnlyList<JournalLineView> Lines, string Hash, string PrevHash);

/// Reading the ledger. Balances come from the cached balances (kept in step with the lines in
/// the same transaction, and checked against them by verification); statements and the journal
/// come from the lines themselves.
public sealed class LedgerQueries(NpgsqlDataSource db)
{
    /// A member's position is what they have paid in, less what they have received and owe;
    /// on their accounts that is minus the sum of the lines (credits are what the group owes them).
    public async Task<BalancesView> BalancesAsync(GroupContext caller, CancellationToken ct)
    {
        var facts = await GroupFacts.LoadAsync(db, caller.GroupId, ct);
        var accounts = new Dictionary<string, long>();
        await using (var cmd = db.CreateCommand("SELECT account, balance FROM ledger_balances WHERE group_id = $1"))
        {
            cmd.Parameters.AddWithValue(caller.GroupId);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) accounts[reader.GetString(0)] = reader.GetInt64(1);
        }
        // Members who left with money still in the books stay listed until it is settled.
        var members = new List<MemberBalance>();
        await using (var cmd = db.CreateCommand("""
            SELECT m.id, m.full_name FROM group_members m
             WHERE m.group_id = $1
               AND (m.status IN ('active', 'suspended')
                    OR EXISTS (SELECT 1 FROM ledger_balances b WHERE b.group_id = m.group_id AND b.member_id = m.id AND b.balance <> 0))
             ORDER BY m.position NULLS LAST, m.created_at
            """))
        {
            cmd.Parameters.AddWithValue(caller.GroupId);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var id = reader.GetGuid(0);
                // Plain members see the group's totals and their own account only.
                if (!RolePermissions.IsOfficial(caller.Role) && id != caller.MemberId) continue;
                var contributed = -accounts.GetValueOrDefault(LedgerAccount.MemberContributions(id).Code);
                var received = accounts.GetValueOrDefault(LedgerAccount.MemberPayouts(id).Code);
                var owed = accounts.GetValueOrDefault(LedgerAccount.MemberReceivable(id).Code);
                members.Add(new MemberBalance(id, reader.GetString(1), contributed, received, owed, contributed - received - owed));
            }
        }
        var pools = LedgerAccount.GroupAccounts.Where(a => a.IsPool).ToDictionary(a => a.Code[5..], a => accounts.GetValueOrDefault(a.Code));
        return new BalancesView(facts.Currency.Code, pools.Values.Sum(), pools, members);
    }

    /// With a member: that member's account (contributions, receivable, payouts) from their side.
    /// Without: the group's pool (all channels). In date order (the date the money moved, then
    /// the order of recording), each line with its running balance; the opening balance covers
    /// everything dated before `from`.
    public async Task<StatementView> StatementAsync(GroupContext caller, Guid? memberId, DateOnly? from, DateOnly? to, CancellationToken ct)
    {
        var facts = await GroupFacts.LoadAsync(db, caller.GroupId, ct);
        // Member view: minus the member's lines. Pool view: the pool lines as they are.
        await using var cmd = db.CreateCommand("""
            SELECT e.id, e.seq, e.posted_at, e.effective_on, e.kind, e.memo, e.external_ref,
                   sum(CASE WHEN $2::uuid IS NULL THEN l.amount ELSE -l.amount END)::bigint
              FROM journal_entries e
              JOIN journal_lines l ON l.entry_id = e.id
             WHERE e.group_id = $1
               AND (($2::uuid IS NULL AND l.account LIKE 'pool:%') OR ($2::uuid IS NOT NULL AND l.member_id = $2))
             GROUP BY e.id, e.seq, e.posted_at, e.effective_on, e.kind, e.memo, e.external_ref
            HAVING sum(l.amount) <> 0
             ORDER BY e.effective_on, e.seq
            """);
        cmd.Parameters.AddWithValue(caller.GroupId);
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)memberId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Uuid });
        var lines = new List<StatementLine>();
        long running = 0, opening = 0;
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct))
            {
                var effective = DateOnly.FromDateTime(reader.GetDateTime(3));
                var amount = reader.GetInt64(7);
                running += amount;
                if (from is not null && effective < from) { opening = running; continue; }
                if (to is not null && effective > to) continue;
                lines.Add(new StatementLine(reader.GetGuid(0), reader.GetInt64(1), reader.GetFieldValue<DateTimeOffset>(2), effective, reader.GetString(4),
                    reader.GetString(5), reader.IsDBNull(6) ? null : reader.GetString(6), amount, running));
            }
        return new StatementView(facts.Currency.Code, memberId, from, to, opening, lines.Count > 0 ? lines[^1].Balance : opening, lines);
    }

    public async Task<IReadOnlyList<JournalEntryView>> JournalAsync(Guid groupId, long afterSeq, int limit, CancellationToken ct)
    {
        var entries = new List<JournalEntryView>();
        await using var cmd = db.CreateCommand("""
            SELECT e.id, e.seq, e.posted_at, e.effective_on, e.kind, e.memo, e.reverses_entry_id, e.external_provider, e.external_ref,
                   e.hash, e.prev_hash, array_agg(l.account ORDER BY l.line_no), array_agg(l.amount ORDER BY l.line_no)
              FROM journal_entries e JOIN journal_lines l ON l.entry_id = e.id
             WHERE e.group_id = $1 AND e.seq > $2
             GROUP BY e.id
             ORDER BY e.seq
             LIMIT $3
            """);
        cmd.Parameters.AddWithValue(groupId);
        cmd.Parameters.AddWithValue(afterSeq);
        cmd.Parameters.AddWithValue(Math.Clamp(limit, 1, 1000));
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var accounts = reader.GetFieldValue<string[]>(11);
            var amounts = reader.GetFieldValue<long[]>(12);
            entries.Add(new JournalEntryView(reader.GetGuid(0), reader.GetInt64(1), reader.GetFieldValue<DateTimeOffset>(2),
                DateOnly.FromDateTime(reader.GetDateTime(3)), reader.GetString(4), reader.GetString(5),
                reader.IsDBNull(6) ? null : reader.GetGuid(6), reader.IsDBNull(7) ? null : reader.GetString(7), reader.IsDBNull(8) ? null : reader.GetString(8),
                accounts.Zip(amounts, (a, m) => new JournalLineView(a, m)).ToList(), reader.GetString(9), reader.GetString(10)));
        }
        return entries;
    }
}
