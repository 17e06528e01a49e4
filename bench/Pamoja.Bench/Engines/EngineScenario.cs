using System.Globalization;
using Npgsql;
using Pamoja.Core.Engines;
using Pamoja.Core.Groups;
using Pamoja.Core.Ledger;
using Pamoja.Core.Schedules;
using Pamoja.Web.Features.Ledger;

namespace Pamoja.Bench.Engines;

/// A seeded group: members in rotation order (member i receives in period i).
public sealed record SeedGroup(int Number, Guid Id, string Name, Guid[] Members, bool Late, long HeadSeq, string HeadHash)
{
    public string Phone(int member) => EngineScenario.Phone(Number, member);
}

/// The state the benchmark seeds and the day it measures.
///
/// Every group is a weekly rotating group (fixed order, gross pot: everyone pays every week,
/// the recipient too), contributions KES 1,000.00, a flat late fine of KES 50.00 once the 3
/// grace days are over, payout when everything of the period is collected (the default
/// policy). Weekly, because then one day holds all three kinds of work: with 3 grace days the
/// fine day of a period (due + 4) is the day the next period's obligations open (next due − 3).
///
/// Seeded as if the engines had run every day up to the day before the measured one:
/// `History` periods completed (all paid, payouts reserved), the measured period's obligations
/// open, its contributions recorded (all of them, except `LateMembers` members in `LatePercent`
/// of the groups), and every engine cursor at the day before. On the measured day (the measured
/// period's due date + 4) each group opens the next period's obligations (and "due soon"
/// reminders for them), fines its late members (a posting each, and "overdue" reminders), and
/// reserves the period's payout if all of it was collected (a posting).
public sealed class EngineScenario(EnginesOptions options)
{
    public const long Contribution = 100_000; // KES 1,000.00
    public const long FineAmount = 5_000;     // KES 50.00
    public const int GraceDays = 3;
    public const string Currency = "KES";
    public static readonly DateOnly StartsOn = new(2026, 1, 5); // a Monday
    public static readonly Guid BenchUser = new("0195a000-0000-7000-8000-00000000be01");
    private static readonly TimeSpan Nairobi = TimeSpan.FromHours(3);

    public EnginesOptions Options => options;
    public int MeasuredPeriod => options.History;
    public DateOnly DueOn(int period) => StartsOn.AddDays(7 * period);
    /// The measured business date: the measured period's due date + grace + 1.
    public DateOnly Day => DueOn(MeasuredPeriod).AddDays(GraceDays + 1);
    public DateTimeOffset GroupCreatedAt => new DateTimeOffset(StartsOn.AddDays(-14).ToDateTime(new TimeOnly(9, 0)), Nairobi).ToUniversalTime();
    public long Pot => options.Members * Contribution;
    /// GroupSchedule.FirstEngineDate of every seeded group: period 0 opens after the group was created.
    public DateOnly FirstEngineDate => DueOn(0).AddDays(-3);

    public GroupRules Rules => new(Contribution, Frequency.Weekly, 0, 0, new LateFine(FineAmount, 0, GraceDays), RotationOrder.Fixed,
        PotRule.Gross, 0, 0);

    /// Spread evenly: exactly LatePercent % of any run of 100 consecutive groups.
    public bool IsLate(int index) => index * options.LatePercent / 100 != (index + 1) * options.LatePercent / 100;

    /// The last LateMembers members in rotation order (never the measured period's recipient).
    public bool Pays(SeedGroup group, int member, int period) =>
        !(group.Late && period == MeasuredPeriod && member >= options.Members - options.LateMembers);

    public static string Phone(int group, int member) =>
        string.Create(CultureInfo.InvariantCulture, $"+25471{group:D5}{member:D3}");

    /// What the engine run of the day before stored as the first period it needed: the
    /// seeded groups have paid out every period before the measured one.
    public int ObligationsFromBefore => DailyPlanner.FirstPeriodNeeded(GroupKind.Rosca, GroupCalendar.Simple(StartsOn, Rules),
        Enumerable.Range(0, options.Members).Select(i => new EngineTurn(1, Guid.Empty, i, 0)), Enumerable.Range(0, MeasuredPeriod).ToList(), Day.AddDays(-1));

    /// The group as GroupSchedule.LoadAsync reads it from the seeded rows (for the ceiling's plan).
    public GroupSnapshot Snapshot(SeedGroup g)
    {
        var members = g.Members.Select((id, i) => new EngineMember(id, MemberStatus.Active, StartsOn.AddDays(-14), i + 1, GroupCreatedAt,
            Enumerable.Range(0, MeasuredPeriod + 1).Count(k => Pays(g, i, k)) * Contribution)).ToList();
        var obligations = Enumerable.Range(0, MeasuredPeriod + 1)
            .SelectMany(k => g.Members.Select(m => new EngineObligation(m, k, Contribution, DueOn(k)))).ToList();
        var turns = g.Members.Select((m, i) => new EngineTurn(1, m, i, 0)).ToList();
        return new GroupSnapshot(GroupKind.Rosca, GroupCalendar.Simple(StartsOn, Rules), PayoutPolicy.AllCollected, members, obligations, [],
            [new EngineCycle(1, 0, RotationOrder.Fixed)], turns, Enumerable.Range(0, MeasuredPeriod).ToList(), [], null);
    }

    /// Seeds `count` groups numbered from `firstNumber` with set-based SQL, 500 groups per
    /// transaction. The hash chains are real (computed here), so VerifyLedger accepts them.
    public async Task<IReadOnlyList<SeedGroup>> SeedAsync(NpgsqlDataSource db, int firstNumber, int count, CancellationToken ct)
    {
        await using (var user = db.CreateCommand("""
            INSERT INTO users (id, user_name, normalized_user_name, full_name, created_at)
            VALUES ($1, '+254700000001', '+254700000001', 'Engine bench treasurer', now()) ON CONFLICT DO NOTHING
            """))
        {
            user.Parameters.AddWithValue(BenchUser);
            await user.ExecuteNonQueryAsync(ct);
        }
        var all = new List<SeedGroup>(count);
        for (var start = 0; start < count; start += 500)
        {
            var chunk = Enumerable.Range(firstNumber + start, Math.Min(500, count - start)).Select(NewGroup).ToList();
            await WriteAsync(db, chunk, ct);
            all.AddRange(chunk.Select(c => c.Group));
        }
        await using (var analyze = db.CreateCommand("VACUUM ANALYZE"))
            await analyze.ExecuteNonQueryAsync(ct);
        return all;
    }

    private sealed record Seeded(SeedGroup Group, List<(StoredEntry Entry, string Prev, string Hash)> Entries,
        Dictionary<string, (Guid? Member, long Balance)> Balances, List<(int Period, Guid Member, Guid Entry)> Payouts);

    private Seeded NewGroup(int number)
    {
        var id = Guid.CreateVersion7();
        var members = Enumerable.Range(0, options.Members).Select(_ => Guid.CreateVersion7()).ToArray();
        var group = new SeedGroup(number, id, $"Bench chama {number}", members, IsLate(number - 1), 0, EntryHash.Genesis);
        var entries = new List<(StoredEntry, string, string)>();
        var balances = new Dictionary<string, (Guid?, long)>(StringComparer.Ordinal);
        var payouts = new List<(int, Guid, Guid)>();
        var head = EntryHash.Genesis;

        void Post(string kind, DateTimeOffset at, DateOnly on, string memo, Guid? by, List<StoredLine> lines)
        {
            var entry = new StoredEntry(Guid.CreateVersion7(at), id, entries.Count + 1, kind, EntryHash.ToStoredPrecision(at), on, memo, null, null,
                null, by, lines);
            var hash = EntryHash.Compute(head, entry);
            entries.Add((entry, head, hash));
            head = hash;
            foreach (var l in lines)
                balances[l.Account] = (l.MemberId, balances.GetValueOrDefault(l.Account).Item2 + l.Amount);
        }

        for (var k = 0; k <= MeasuredPeriod; k++)
        {
            // The period's contributions, as one entry (what the treasurer recorded at the meeting).
            var payers = Enumerable.Range(0, options.Members).Where(m => Pays(group, m, k)).ToList();
            var lines = new List<StoredLine> { new(1, LedgerAccount.PoolCash.Code, null, payers.Count * Contribution, Currency) };
            lines.AddRange(payers.Select((m, i) => new StoredLine(i + 2, LedgerAccount.MemberContributions(members[m]).Code, members[m], -Contribution, Currency)));
            var due = DueOn(k);
            Post(EntryKinds.Contribution, new DateTimeOffset(due.AddDays(-1).ToDateTime(new TimeOnly(18, 0)), Nairobi), due.AddDays(-1),
                $"Contributions for period {k + 1}", BenchUser, lines);
            if (k < MeasuredPeriod)
            {
                // As the engine reserves it on the due date (everything collected).
                var recipient = members[k];
                Post(EntryKinds.PayoutReserved, new DateTimeOffset(due.ToDateTime(new TimeOnly(0, 5)), Nairobi), due, $"Payout reserved: period {k + 1}", null,
                [
                    new StoredLine(1, LedgerAccount.MemberPayouts(recipient).Code, recipient, Pot, Currency),
                    new StoredLine(2, LedgerAccount.PayablePayouts.Code, null, -Pot, Currency),
                ]);
                payouts.Add((k, recipient, entries[^1].Item1.Id));
            }
        }
        return new Seeded(group with { HeadSeq = entries.Count, HeadHash = head }, entries, balances, payouts);
    }

    private async Task WriteAsync(NpgsqlDataSource db, List<Seeded> chunk, CancellationToken ct)
    {
        var groups = chunk.Select(c => c.Group).ToList();
        var groupIds = groups.Select(g => g.Id).ToArray();
        var memberIds = groups.SelectMany(g => g.Members).ToArray();
        var memberGroups = groups.SelectMany(g => g.Members.Select(_ => g.Id)).ToArray();
        var memberPositions = groups.SelectMany(g => g.Members.Select((_, i) => i + 1)).ToArray();
        var memberPhones = groups.SelectMany(g => g.Members.Select((_, i) => g.Phone(i))).ToArray();
        var entries = chunk.SelectMany(c => c.Entries).ToList();
        var lines = entries.SelectMany(e => e.Entry.Lines.Select(l => (e.Entry, Line: l))).ToList();
        var balances = chunk.SelectMany(c => c.Balances.Select(b => (c.Group.Id, Account: b.Key, b.Value.Member, b.Value.Balance))).ToList();
        var payouts = chunk.SelectMany(c => c.Payouts.Select(p => (c.Group.Id, p.Period, p.Member, p.Entry))).ToList();
        var created = GroupCreatedAt;

        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using var batch = new NpgsqlBatch(connection, tx);
        void Add(string sql, params object?[] values) => batch.BatchCommands.Add(LedgerWriter.Command(sql, values));

        Add("""
            INSERT INTO groups (id, name, kind, currency, time_zone, starts_on, max_members, invite_code, money_started_on, created_by,
                                created_at, updated_at, payout_policy, exit_turn)
            SELECT id, name, 'rosca', 'KES', 'Africa/Nairobi', $3, 500, 'ENGB' || n, $4, $5, $6, $6, 'all_collected', 'shorten'
              FROM unnest($1::uuid[], $2::text[], $7::int[]) AS g(id, name, n)
            """, groupIds, groups.Select(g => g.Name).ToArray(), StartsOn, DueOn(0).AddDays(-1), BenchUser, created,
            groups.Select(g => g.Number).ToArray());
        Add("""
            INSERT INTO group_rules (group_id, version, effective_from, contribution_amount, frequency, every_days, registration_fee,
                                     late_fine_amount, late_fine_bps, grace_days, rotation_order, rotation_pot, shares_min, shares_max, created_by, created_at)
            SELECT id, 1, $2, $3, 'weekly', 0, 0, $4, 0, $5, 'fixed', 'gross', 0, 0, $6, $7 FROM unnest($1::uuid[]) AS g(id)
            """, groupIds, StartsOn, Contribution, FineAmount, GraceDays, BenchUser, created);
        Add("""
            INSERT INTO group_members (id, group_id, user_id, phone, full_name, role, status, position, joined_on, created_at, updated_at)
            SELECT id, group_id, NULL, phone, 'Bench member ' || position, CASE WHEN position = 1 THEN 'treasurer' ELSE 'member' END,
                   'active', position, $5, $6, $6
              FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::int[]) AS m(id, group_id, phone, position)
            """, memberIds, memberGroups, memberPhones, memberPositions, StartsOn.AddDays(-14), created);
        Add("""
            INSERT INTO rotation_cycles (group_id, cycle, first_period, method, created_at)
            SELECT id, 1, 0, 'fixed', $2 FROM unnest($1::uuid[]) AS g(id)
            """, groupIds, new DateTimeOffset(DueOn(0).AddDays(-3).ToDateTime(TimeOnly.MinValue), Nairobi).ToUniversalTime());
        Add("""
            INSERT INTO rotation_turns (id, group_id, cycle, member_id, period)
            SELECT gen_random_uuid(), group_id, 1, id, position - 1 FROM unnest($1::uuid[], $2::uuid[], $3::int[]) AS m(id, group_id, position)
            """, memberIds, memberGroups, memberPositions);
        Add("""
            INSERT INTO obligations (group_id, member_id, period, amount, due_on, created_at)
            SELECT m.group_id, m.id, k, $4, $5::date + 7 * k, ($5::date + 7 * k - 3)::timestamp AT TIME ZONE 'Africa/Nairobi'
              FROM unnest($1::uuid[], $2::uuid[]) AS m(id, group_id) CROSS JOIN generate_series(0, $3) AS k
            """, memberIds, memberGroups, MeasuredPeriod, Contribution, StartsOn);
        Add("""
            INSERT INTO journal_entries (id, group_id, seq, kind, posted_at, effective_on, memo, created_by, prev_hash, hash)
            SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::bigint[], $4::text[], $5::timestamptz[], $6::date[], $7::text[], $8::uuid[], $9::text[], $10::text[])
            """, entries.Select(e => e.Entry.Id).ToArray(), entries.Select(e => e.Entry.GroupId).ToArray(), entries.Select(e => e.Entry.Seq).ToArray(),
            entries.Select(e => e.Entry.Kind).ToArray(), entries.Select(e => e.Entry.PostedAt).ToArray(), entries.Select(e => e.Entry.EffectiveOn).ToArray(),
            entries.Select(e => e.Entry.Memo).ToArray(), entries.Select(e => e.Entry.CreatedBy).ToArray(), entries.Select(e => e.Prev).ToArray(),
            entries.Select(e => e.Hash).ToArray());
        Add("""
            INSERT INTO journal_lines (entry_id, group_id, line_no, account, member_id, amount, currency)
            SELECT e, g, n, a, m, x, 'KES' FROM unnest($1::uuid[], $2::uuid[], $3::int[], $4::text[], $5::uuid[], $6::bigint[]) AS l(e, g, n, a, m, x)
            """, lines.Select(l => l.Entry.Id).ToArray(), lines.Select(l => l.Entry.GroupId).ToArray(), lines.Select(l => l.Line.LineNo).ToArray(),
            lines.Select(l => l.Line.Account).ToArray(), lines.Select(l => l.Line.MemberId).ToArray(), lines.Select(l => l.Line.Amount).ToArray());
        Add("""
            INSERT INTO ledger_balances (group_id, account, member_id, currency, balance)
            SELECT g, a, m, 'KES', b FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::bigint[]) AS x(g, a, m, b)
            """, balances.Select(b => b.Id).ToArray(), balances.Select(b => b.Account).ToArray(), balances.Select(b => b.Member).ToArray(),
            balances.Select(b => b.Balance).ToArray());
        Add("INSERT INTO ledger_heads (group_id, seq, hash) SELECT * FROM unnest($1::uuid[], $2::bigint[], $3::text[])",
            groupIds, groups.Select(g => g.HeadSeq).ToArray(), groups.Select(g => g.HeadHash).ToArray());
        if (payouts.Count > 0)
            Add("""
                INSERT INTO payouts (id, group_id, period, cycle, member_id, amount, discount, currency, status, reserve_entry_id, reserved_at)
                SELECT gen_random_uuid(), g, p, 1, m, $5, 0, 'KES', 'reserved', e, ($6::date + 7 * p)::timestamp AT TIME ZONE 'Africa/Nairobi'
                  FROM unnest($1::uuid[], $2::int[], $3::uuid[], $4::uuid[]) AS x(g, p, m, e)
                """, payouts.Select(p => p.Id).ToArray(), payouts.Select(p => p.Period).ToArray(), payouts.Select(p => p.Member).ToArray(),
                payouts.Select(p => p.Entry).ToArray(), Pot, StartsOn);
        // The cursor as the run of the day before left it, with the first period that run needed.
        Add("""
            INSERT INTO engine_cursors (group_id, done_through, obligations_from, updated_at)
            SELECT id, $2, $3, ($2 + 1)::timestamp AT TIME ZONE 'Africa/Nairobi' FROM unnest($1::uuid[]) AS g(id)
            """, groupIds, Day.AddDays(-1), ObligationsFromBefore);
        // The queue as the engines leave it: one done job per group and day so far (the queue
        // keeps them for their dedupe keys).
        Add("""
            INSERT INTO jobs (id, kind, dedupe_key, group_id, payload, status, attempts, max_attempts, run_after, locked_by, created_at, updated_at, finished_at)
            SELECT gen_random_uuid(), $2, 'engines:' || g || ':' || to_char(d, 'YYYY-MM-DD'), g,
                   jsonb_build_object('through', to_char(d, 'YYYY-MM-DD')), 'done', 1, 8, t, 'bench-seed', t, t + interval '1 minute', t + interval '1 minute'
              FROM unnest($1::uuid[]) AS g CROSS JOIN generate_series($3::date, $4::date, interval '1 day') AS d
                   CROSS JOIN LATERAL (SELECT d::date::timestamp AT TIME ZONE 'Africa/Nairobi' AS t) AS at
            """, groupIds, Pamoja.Web.Features.Schedules.DailyEngines.JobKind, FirstEngineDate, Day.AddDays(-1));
        await batch.ExecuteNonQueryAsync(ct);
        await tx.CommitAsync(ct);
    }
}
