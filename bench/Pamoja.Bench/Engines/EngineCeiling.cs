using System.Reflection;
using Npgsql;
using Pamoja.Core.Engines;
using Pamoja.Core.Ledger;
using Pamoja.Core.Money;
using Pamoja.Core.Rotation;
using Pamoja.Web.Features.Notifications;
using Pamoja.Web.Features.Ledger;
using Pamoja.Web.Features.Schedules;

namespace Pamoja.Bench.Engines;

/// What one group's day writes, worked out before the clock starts: DailyPlanner's effects on
/// the seeded state (the same pure function the engine calls, so the same effects), turned into
/// the rows RunGroupEngines writes for them — the same obligations, journal entries and lines
/// (real hashes, chained from the seeded head), balance changes, head, late fines, payouts,
/// reminders and cursor.
public sealed class CeilingGroup
{
    public required Guid GroupId { get; init; }
    public List<EngineEffect.ObligationOpened> Obligations { get; } = [];
    public List<(StoredEntry Entry, string Prev, string Hash)> Entries { get; } = [];
    public Dictionary<string, (Guid? Member, long Amount)> Balances { get; } = new(StringComparer.Ordinal);
    public long OldSeq { get; set; }
    public long NewSeq { get; set; }
    public string NewHash { get; set; } = "";
    public List<(Guid Member, int Period, long Amount, Guid Entry)> Fines { get; } = [];
    public List<(int Period, int Cycle, Guid Member, long Amount, long Discount, Guid Entry)> Payouts { get; } = [];
    public List<(string Recipient, string Template, string Params, string Key)> Reminders { get; } = [];
    public int OverdueReminders { get; set; }
    /// The cursor's obligations_from: the first period the day's run needs (as the engine stores it).
    public int ObligationsFrom { get; set; }
}

/// The ceiling: the same rows as the engine's day, written as batched raw SQL. One transaction
/// per group, one NpgsqlBatch of at most nine set-based statements (obligations, entries,
/// lines, one balance upsert, head, late fines, payouts, reminders, cursor), then COMMIT — two
/// round trips. Same tables, so the same indexes, foreign keys, CHECKs and triggers; no reads,
/// no locks taken on purpose, no job queue, no planning (done up front).
public static class EngineCeiling
{
    public static CeilingGroup Plan(EngineScenario scenario, SeedGroup g, DateTimeOffset now)
    {
        var day = scenario.Day;
        var snapshot = scenario.Snapshot(g);
        var effects = DailyPlanner.Plan(snapshot, day, day, Lottery.NewSeed);
        var currency = Currency.Get(EngineScenario.Currency);
        var plan = new CeilingGroup
        {
            GroupId = g.Id,
            OldSeq = g.HeadSeq,
            ObligationsFrom = DailyPlanner.FirstPeriodNeeded(snapshot, day),
        };
        var postedAt = EntryHash.ToStoredPrecision(now);
        var head = (Seq: g.HeadSeq, Hash: g.HeadHash);
        var member = g.Members.Select((id, i) => (id, i)).ToDictionary(x => x.id, x => x.i);

        Guid Post(string kind, string memo, List<StoredLine> lines)
        {
            var entry = new StoredEntry(Guid.CreateVersion7(now), g.Id, head.Seq + 1, kind, postedAt, day, memo, null, null, null, null, lines);
            var hash = EntryHash.Compute(head.Hash, entry);
            plan.Entries.Add((entry, head.Hash, hash));
            head = (entry.Seq, hash);
            foreach (var l in lines)
                plan.Balances[l.Account] = (l.MemberId, plan.Balances.GetValueOrDefault(l.Account).Amount + l.Amount);
            return entry.Id;
        }

        foreach (var effect in effects)
        {
            switch (effect)
            {
                case EngineEffect.ObligationOpened opened:
                    plan.Obligations.Add(opened);
                    break;
                case EngineEffect.FineCharged fine:
                    var fineEntry = Post(EntryKinds.FineCharged, $"Late fine: period {fine.Period + 1}",
                    [
                        new StoredLine(1, LedgerAccount.MemberReceivable(fine.MemberId).Code, fine.MemberId, fine.Amount, currency.Code),
                        new StoredLine(2, LedgerAccount.IncomeFines.Code, null, -fine.Amount, currency.Code),
                    ]);
                    plan.Fines.Add((fine.MemberId, fine.Period, fine.Amount, fineEntry));
                    break;
                case EngineEffect.PayoutReserved payout when payout.Shares.Count == 0 && payout.Discount == 0:
                    var payoutEntry = Post(EntryKinds.PayoutReserved, $"Payout reserved: period {payout.Period + 1}",
                    [
                        new StoredLine(1, LedgerAccount.MemberPayouts(payout.Recipient).Code, payout.Recipient, payout.Amount, currency.Code),
                        new StoredLine(2, LedgerAccount.PayablePayouts.Code, null, -payout.Amount, currency.Code),
                    ]);
                    plan.Payouts.Add((payout.Period, payout.Cycle, payout.Recipient, payout.Amount, payout.Discount, payoutEntry));
                    break;
                case EngineEffect.Reminder reminder:
                    var name = RunGroupEngines.ReminderName(reminder.Kind);
                    plan.Reminders.Add((g.Phone(member[reminder.MemberId]), "reminder." + name, Notices.Json(RunGroupEngines.ReminderValues(g.Name, currency, reminder)),
                        $"reminder:{g.Id}:{reminder.MemberId}:{reminder.Period}:{name}"));
                    if (reminder.Kind == ReminderKind.Overdue) plan.OverdueReminders++;
                    break;
                default:
                    throw new InvalidOperationException($"The benchmark's day should not contain {effect.GetType().Name} (the ceiling does not write it).");
            }
        }
        plan.NewSeq = head.Seq;
        plan.NewHash = head.Hash;
        return plan;
    }

    /// Writes every group's day with `writers` concurrent transactions.
    public static Task RunAsync(NpgsqlDataSource db, IReadOnlyList<CeilingGroup> plans, DateOnly day, DateTimeOffset now, int writers, CancellationToken ct) =>
        Parallel.ForEachAsync(plans, new ParallelOptions { MaxDegreeOfParallelism = writers, CancellationToken = ct },
            async (plan, token) => await WriteAsync(db, plan, day, now, token));

    private static async Task WriteAsync(NpgsqlDataSource db, CeilingGroup p, DateOnly day, DateTimeOffset now, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using var batch = new NpgsqlBatch(connection, tx);
        void Add(string sql, params object?[] values) => batch.BatchCommands.Add(LedgerWriter.Command(sql, values));

        if (p.Obligations.Count > 0)
            Add("""
                INSERT INTO obligations (group_id, member_id, period, amount, due_on, created_at)
                SELECT $1, o.member, o.period, o.amount, o.due_on, $6
                  FROM unnest($2::uuid[], $3::int[], $4::bigint[], $5::date[]) AS o(member, period, amount, due_on)
                """, p.GroupId, p.Obligations.Select(o => o.MemberId).ToArray(), p.Obligations.Select(o => o.Period).ToArray(),
                p.Obligations.Select(o => o.Amount).ToArray(), p.Obligations.Select(o => o.DueOn).ToArray(), now);
        if (p.Entries.Count > 0)
        {
            Add("""
                INSERT INTO journal_entries (id, group_id, seq, kind, posted_at, effective_on, memo, prev_hash, hash)
                SELECT e.id, $1, e.seq, e.kind, $2, $3, e.memo, e.prev, e.hash
                  FROM unnest($4::uuid[], $5::bigint[], $6::text[], $7::text[], $8::text[], $9::text[]) AS e(id, seq, kind, memo, prev, hash)
                """, p.GroupId, p.Entries[0].Entry.PostedAt, day, p.Entries.Select(e => e.Entry.Id).ToArray(), p.Entries.Select(e => e.Entry.Seq).ToArray(),
                p.Entries.Select(e => e.Entry.Kind).ToArray(), p.Entries.Select(e => e.Entry.Memo).ToArray(), p.Entries.Select(e => e.Prev).ToArray(),
                p.Entries.Select(e => e.Hash).ToArray());
            var lines = p.Entries.SelectMany(e => e.Entry.Lines.Select(l => (e.Entry.Id, Line: l))).ToList();
            Add("""
                INSERT INTO journal_lines (entry_id, group_id, line_no, account, member_id, amount, currency)
                SELECT l.entry, $1, l.no, l.account, l.member, l.amount, 'KES'
                  FROM unnest($2::uuid[], $3::int[], $4::text[], $5::uuid[], $6::bigint[]) AS l(entry, no, account, member, amount)
                """, p.GroupId, lines.Select(l => l.Id).ToArray(), lines.Select(l => l.Line.LineNo).ToArray(), lines.Select(l => l.Line.Account).ToArray(),
                lines.Select(l => l.Line.MemberId).ToArray(), lines.Select(l => l.Line.Amount).ToArray());
            // None of the day's postings takes money out of a pool, so one upsert is right.
            var balances = p.Balances.Where(b => b.Value.Amount != 0).ToList();
            Add("""
                INSERT INTO ledger_balances (group_id, account, member_id, currency, balance)
                SELECT $1, d.account, d.member, 'KES', d.amount FROM unnest($2::text[], $3::uuid[], $4::bigint[]) AS d(account, member, amount)
                ON CONFLICT (group_id, account) DO UPDATE SET balance = ledger_balances.balance + EXCLUDED.balance
                """, p.GroupId, balances.Select(b => b.Key).ToArray(), balances.Select(b => b.Value.Member).ToArray(), balances.Select(b => b.Value.Amount).ToArray());
            Add("UPDATE ledger_heads SET seq = $2, hash = $3 WHERE group_id = $1 AND seq = $4", p.GroupId, p.NewSeq, p.NewHash, p.OldSeq);
        }
        if (p.Fines.Count > 0)
            Add("""
                INSERT INTO late_fines (group_id, member_id, period, amount, entry_id)
                SELECT $1, f.member, f.period, f.amount, f.entry FROM unnest($2::uuid[], $3::int[], $4::bigint[], $5::uuid[]) AS f(member, period, amount, entry)
                """, p.GroupId, p.Fines.Select(f => f.Member).ToArray(), p.Fines.Select(f => f.Period).ToArray(), p.Fines.Select(f => f.Amount).ToArray(),
                p.Fines.Select(f => f.Entry).ToArray());
        foreach (var payout in p.Payouts)
            Add("""
                INSERT INTO payouts (id, group_id, period, cycle, member_id, amount, discount, currency, status, reserve_entry_id, reserved_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, 'KES', 'reserved', $8, $9)
                """, Guid.CreateVersion7(now), p.GroupId, payout.Period, payout.Cycle, payout.Member, payout.Amount, payout.Discount, payout.Entry, now);
        if (p.Reminders.Count > 0)
            Add("""
                INSERT INTO notification_outbox (id, channel, recipient, template, params, urgent, sensitive, status, attempts, next_attempt_at, created_at, dedupe_key)
                SELECT r.id, 'auto', r.recipient, r.template, r.params, false, false, 'pending', 0, $1, $1, r.key
                  FROM unnest($6::uuid[], $2::text[], $3::text[], $4::jsonb[], $5::text[]) AS r(id, recipient, template, params, key)
                ON CONFLICT (dedupe_key) WHERE dedupe_key IS NOT NULL DO NOTHING
                """, now, p.Reminders.Select(r => r.Recipient).ToArray(), p.Reminders.Select(r => r.Template).ToArray(),
                p.Reminders.Select(r => r.Params).ToArray(), p.Reminders.Select(r => r.Key).ToArray(),
                p.Reminders.Select(_ => Guid.CreateVersion7(now)).ToArray());
        Add("""
            INSERT INTO engine_cursors (group_id, done_through, obligations_from, updated_at) VALUES ($1, $2, $3, $4)
            ON CONFLICT (group_id) DO UPDATE
               SET done_through = EXCLUDED.done_through, obligations_from = EXCLUDED.obligations_from, updated_at = EXCLUDED.updated_at
             WHERE engine_cursors.done_through < EXCLUDED.done_through
            """, p.GroupId, day, p.ObligationsFrom, now);
        await batch.ExecuteNonQueryAsync(ct);
        await tx.CommitAsync(ct);
    }
}
