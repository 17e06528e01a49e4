using System.Globalization;
using Npgsql;
using Pamoja.Core.Engines;
using Pamoja.Core.Ledger;
using Pamoja.Core.Money;
using Pamoja.Core.Rotation;
using Pamoja.Web.Features.Ledger;
using Pamoja.Web.Features.Members;
using Pamoja.Web.Features.Payments;
using Pamoja.Web.Integrations.Payments;

using Pamoja.Web.Features.Notifications;

namespace Pamoja.Web.Features.Schedules;

public sealed record EngineRunResult(int Groups, int CyclesStarted, int ObligationsOpened, int Reminders, int FinesCharged, int PayoutsReserved,
    int CollectionsRequested = 0)
{
    public static readonly EngineRunResult None = new(0, 0, 0, 0, 0, 0);

    public EngineRunResult Add(EngineRunResult other) => new(Groups + other.Groups, CyclesStarted + other.CyclesStarted,
        ObligationsOpened + other.ObligationsOpened, Reminders + other.Reminders, FinesCharged + other.FinesCharged,
        PayoutsReserved + other.PayoutsReserved, CollectionsRequested + other.CollectionsRequested);
}

/// Runs the contributions and payouts engines for one group up to a business date, in one
/// transaction: read the group's schedule under its locks (of its obligations, only those of
/// the periods the run can act on: DailyPlanner.FirstPeriodNeeded, remembered in the cursor
/// for the next run's read), plan every missed day
/// (DailyPlanner, pure), write every effect and move the group's "done through" mark (its
/// cursor), then commit. A crash anywhere leaves nothing; a run that finds the mark already at
/// the date changes nothing. Two instances on one group queue on the ledger head's lock, and
/// the second finds the work done. That cursor is what makes a run exactly-once: jobs that
/// carry runs may be repeated.
public sealed class RunGroupEngines(NpgsqlDataSource db, TimeProvider clock, ILogger<RunGroupEngines> logger)
{
    public async Task<EngineRunResult> RunAsync(Guid groupId, DateOnly through, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var tx = await connection.BeginTransactionAsync(ct);
        var schedule = await GroupSchedule.LockForEngineAsync(connection, tx, groupId, createHead: false, ct);
        if (schedule is { Head: null })
        {
            // A group that has never posted has no head yet: make it, then read again under it.
            await tx.RollbackAsync(ct);
            await tx.DisposeAsync();
            tx = await connection.BeginTransactionAsync(ct);
            schedule = await GroupSchedule.LockForEngineAsync(connection, tx, groupId, createHead: true, ct);
        }
        await using var _ = tx;
        var from = schedule is null ? through.AddDays(1) : schedule.DoneThrough?.AddDays(1) ?? schedule.FirstEngineDate;
        if (schedule is null || from > through)
        {
            await tx.CommitAsync(ct); // only the locks to release
            return EngineRunResult.None;
        }
        // The obligations of the periods this run can act on; earlier ones are settled history.
        // The read above holds those from the period the last run needed; read again from an
        // earlier one only if this run needs it.
        var firstPeriod = DailyPlanner.FirstPeriodNeeded(schedule.Snapshot, from);
        if (firstPeriod < schedule.ObligationsFrom)
            schedule = await schedule.ReadObligationsFromAsync(connection, tx, firstPeriod, ct);
        await using var batch = new NpgsqlBatch(connection, tx);
        var result = Write(batch, schedule, DailyPlanner.Plan(schedule.Snapshot, from, through, Lottery.NewSeed), through, firstPeriod);
        await batch.ExecuteNonQueryAsync(ct);
        await tx.CommitAsync(ct);
        logger.LogInformation("Engines ran for group {GroupId} through {Through}: {Obligations} obligations, {Fines} fines, {Payouts} payouts, {Reminders} reminders",
            groupId, through, result.ObligationsOpened, result.FinesCharged, result.PayoutsReserved, result.Reminders);
        return result;
    }

    private EngineRunResult Write(NpgsqlBatch batch, GroupSchedule schedule, IReadOnlyList<EngineEffect> effects, DateOnly through, int firstPeriod)
    {
        var now = clock.GetUtcNow();
        var groupId = schedule.GroupId;
        var currency = Currency.Get(schedule.Currency);
        var head = schedule.Head ?? throw new InvalidOperationException("The ledger head was not locked.");
        var cycles = 0;
        var reminders = 0;
        var fines = 0;
        var payouts = 0;
        var collections = 0;

        PostedEntry Post(JournalEntry entry, DateOnly on, string memo)
        {
            var posted = LedgerWriter.AddPosting(batch, head, entry, new PostingMeta(groupId, currency.Code, on, memo, null), now);
            head = new LedgerHead(posted.Seq, posted.Hash);
            return posted;
        }

        var notices = new List<(string Phone, string Template, string ValuesJson, string Key)>();
        // The members of a group get the same reminder of a kind (same group, amount, due date,
        // fine): its values are written once per group and kind, not once per member.
        var written = new Dictionary<(ReminderKind, long, DateOnly, long), string>();
        // Obligations first: a fine's row refers to its obligation.
        var opened = effects.OfType<EngineEffect.ObligationOpened>().ToList();
        if (opened.Count > 0) FlushObligations(batch, groupId, opened, now);
        foreach (var effect in effects)
        {
            switch (effect)
            {
                case EngineEffect.CycleStarted started:
                    cycles++;
                    batch.BatchCommands.Add(Cmd("""
                        INSERT INTO rotation_cycles (group_id, cycle, first_period, method, seed, commitment, drawn_at, drawn_order, created_at)
                        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                        """, groupId, started.Cycle, started.FirstPeriod, Api.Name(started.Method),
                        LedgerWriter.Nullable(started.Revealed?.Seed), LedgerWriter.Nullable(started.Revealed?.Commitment),
                        started.Revealed is null ? DBNull.Value : now, started.Revealed is null ? DBNull.Value : started.Members.ToArray(), now));
                    batch.BatchCommands.Add(Cmd("""
                        INSERT INTO rotation_turns (id, group_id, cycle, member_id, period)
                        SELECT gen_random_uuid(), $1, $2, t.member, CASE WHEN $4 THEN $3 + t.ord - 1 END
                          FROM unnest($5::uuid[]) WITH ORDINALITY AS t(member, ord)
                        """, groupId, started.Cycle, started.FirstPeriod, started.Ordered, started.Members.ToArray()));
                    if (started.Revealed is { } revealed)
                        batch.BatchCommands.Add(Cmd("UPDATE lottery_commitments SET revealed_at = $3 WHERE group_id = $1 AND cycle = $2 AND revealed_at IS NULL",
                            groupId, revealed.Cycle, now));
                    break;
                case EngineEffect.CommitmentPublished published:
                    batch.BatchCommands.Add(Cmd("""
                        INSERT INTO lottery_commitments (group_id, cycle, seed, commitment, published_at) VALUES ($1, $2, $3, $4, $5)
                        """, groupId, published.Draw.Cycle, published.Draw.Seed, published.Draw.Commitment, now));
                    break;
                case EngineEffect.TurnWon won:
                    batch.BatchCommands.Add(Cmd("UPDATE rotation_turns SET period = $4, discount = $5 WHERE group_id = $1 AND cycle = $2 AND member_id = $3 AND period IS NULL",
                        groupId, won.Cycle, won.MemberId, won.Period, won.Discount));
                    break;
                case EngineEffect.ObligationOpened:
                    break; // written together below
                case EngineEffect.FineCharged fine:
                    fines++;
                    var charged = Post(JournalEntry.Transfer(EntryKinds.FineCharged, LedgerAccount.MemberReceivable(fine.MemberId), LedgerAccount.IncomeFines,
                        new Money(fine.Amount, currency)), fine.On, $"Late fine: period {fine.Period + 1}");
                    batch.BatchCommands.Add(Cmd("INSERT INTO late_fines (group_id, member_id, period, amount, entry_id) VALUES ($1, $2, $3, $4, $5)",
                        groupId, fine.MemberId, fine.Period, fine.Amount, charged.Id));
                    break;
                case EngineEffect.PayoutReserved payout:
                    payouts++;
                    var lines = new List<JournalLine> { new(LedgerAccount.MemberPayouts(payout.Recipient), new Money(payout.Amount, currency)) };
                    lines.AddRange(payout.Shares.Select(s => new JournalLine(LedgerAccount.MemberPayouts(s.MemberId), new Money(s.Amount, currency))));
                    lines.Add(new JournalLine(LedgerAccount.PayablePayouts, new Money(-(payout.Amount + payout.Discount), currency)));
                    var reserved = Post(new JournalEntry(EntryKinds.PayoutReserved, lines), payout.On, $"Payout reserved: period {payout.Period + 1}");
                    var payoutId = Guid.CreateVersion7(now);
                    batch.BatchCommands.Add(Cmd("""
                        INSERT INTO payouts (id, group_id, period, cycle, member_id, amount, discount, currency, status, reserve_entry_id, reserved_at)
                        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'reserved', $9, $10)
                        """, payoutId, groupId, payout.Period, payout.Cycle, payout.Recipient, payout.Amount, payout.Discount,
                        currency.Code, reserved.Id, now));
                    // A group paid by mobile money: the payouts engine queues the send itself
                    // (the payments worker sends it; the money leaves the pool when it does).
                    // A bidding payout's discount shares are paid by hand, so those are too.
                    if (schedule.PayoutChannel is "mpesa" or "momo" && payout.Discount == 0 && schedule.Contacts.TryGetValue(payout.Recipient, out var recipient))
                        batch.BatchCommands.Add(PaymentBook.InsertQueued(Guid.CreateVersion7(now), groupId, payout.Recipient, PaymentDirection.Payout,
                            schedule.PayoutChannel, payout.Amount, currency.Code, recipient.Phone, payoutId, payout.Period, null, now));
                    break;
                case EngineEffect.Reminder reminder:
                    if (!schedule.Contacts.TryGetValue(reminder.MemberId, out var contact)) break;
                    // A standing instruction: on the due date, ask the member's phone for what they owe.
                    if (reminder.Kind == ReminderKind.DueToday && reminder.Outstanding > 0 &&
                        schedule.StandingInstructions.TryGetValue(reminder.MemberId, out var provider))
                    {
                        batch.BatchCommands.Add(PaymentBook.InsertQueued(Guid.CreateVersion7(now), groupId, reminder.MemberId, PaymentDirection.Collection,
                            provider, reminder.Outstanding, currency.Code, contact.Phone, null, reminder.Period, null, now));
                        collections++;
                    }
                    var shape = (reminder.Kind, reminder.Outstanding, reminder.DueOn, reminder.Fine);
                    if (!written.TryGetValue(shape, out var json))
                        written[shape] = json = Notices.Json(ReminderValues(schedule.Name, currency, reminder));
                    var name = ReminderName(reminder.Kind);
                    notices.Add((contact.Phone, Templates[reminder.Kind], json, $"reminder:{groupId}:{reminder.MemberId}:{reminder.Period}:{name}"));
                    break;
            }
        }
        // The reminders in one statement; a dedupe key already queued is skipped.
        reminders = notices.Count;
        if (notices.Count > 0)
            batch.BatchCommands.Add(Notices.ManyCommand(notices, now));
        // The cursor, and the first period this run needed: where the next run starts reading.
        batch.BatchCommands.Add(Cmd("""
            INSERT INTO engine_cursors (group_id, done_through, obligations_from, updated_at) VALUES ($1, $2, $3, $4)
            ON CONFLICT (group_id) DO UPDATE
               SET done_through = EXCLUDED.done_through, obligations_from = EXCLUDED.obligations_from, updated_at = EXCLUDED.updated_at
             WHERE engine_cursors.done_through < EXCLUDED.done_through
            """, groupId, through, firstPeriod, now));
        return new EngineRunResult(1, cycles, opened.Count, reminders, fines, payouts, collections);
    }

    private static void FlushObligations(NpgsqlBatch batch, Guid groupId, List<EngineEffect.ObligationOpened> opened, DateTimeOffset now) =>
        batch.BatchCommands.Add(Cmd("""
            INSERT INTO obligations (group_id, member_id, period, amount, due_on, created_at)
            SELECT $1, o.member, o.period, o.amount, o.due_on, $6
              FROM unnest($2::uuid[], $3::int[], $4::bigint[], $5::date[]) AS o(member, period, amount, due_on)
            """, groupId, opened.Select(o => o.MemberId).ToArray(), opened.Select(o => o.Period).ToArray(),
            opened.Select(o => o.Amount).ToArray(), opened.Select(o => o.DueOn).ToArray(), now));

    private static readonly Dictionary<ReminderKind, string> Templates =
        Enum.GetValues<ReminderKind>().ToDictionary(k => k, k => "reminder." + ReminderName(k));

    public static string ReminderName(ReminderKind kind) => kind switch
    {
        ReminderKind.DueSoon => "due_soon",
        ReminderKind.DueToday => "due_today",
        _ => "overdue",
    };

    /// The reminder's values for its template (Texts): rendered at dispatch in the member's
    /// language. Public for the engines benchmark, whose ceiling writes the same rows.
    public static Dictionary<string, string> ReminderValues(string group, Currency currency, EngineEffect.Reminder r)
    {
        var values = new Dictionary<string, string>
        {
            ["group"] = group,
            ["amount"] = currency.Format(r.Outstanding), // "KES 1,500.00": Format names the currency
            ["due"] = MessageTexts.Iso(r.DueOn),
        };
        if (r.Kind == ReminderKind.Overdue && r.Fine > 0)
        {
            values["fine"] = currency.Format(r.Fine);
            values[MessageTexts.Variant] = "fined";
        }
        return values;
    }

    private static NpgsqlBatchCommand Cmd(string sql, params object?[] values) => LedgerWriter.Command(sql, values);
}
