using Npgsql;
using Pamoja.Core.Engines;
using Pamoja.Core.Groups;
using Pamoja.Core.Schedules;
using Pamoja.Web.Features.Groups;

namespace Pamoja.Web.Features.Schedules;

/// Periods are numbered from 1 in the API and on pages (period 1 is the group's first);
/// the database and Pamoja.Core count from 0.
public sealed record SchedulePeriod(int Period, DateOnly StartsOn, DateOnly DueOn, DateOnly EndsOn, Guid? RecipientMemberId, string Status,
    long Due, long Collected, int? Cycle);

public sealed record ObligationView(Guid MemberId, int Period, long Amount, long Paid, DateOnly DueOn, string Status, long Fine);

public sealed record PayoutView(Guid Id, int Period, int Cycle, Guid MemberId, long Amount, long Discount, string Currency, string Status,
    Guid? PaymentId, string? Method, DateTimeOffset ReservedAt, DateTimeOffset? SettledAt, string? Reason);

public sealed record ScheduleView(string Currency, DateOnly Today, int? CurrentPeriod, IReadOnlyList<SchedulePeriod> Periods);

/// The schedule, obligations and payouts of a group, for the API and the pages.
public sealed class ScheduleQueries(NpgsqlDataSource db, TimeProvider clock)
{
    public const int MaxPeriods = 400;

    public async Task<(GroupSchedule Schedule, IReadOnlyDictionary<(Guid, int), long> Paid, IReadOnlyList<PayoutView> Payouts, IReadOnlyDictionary<(Guid, int), long> Fines)>
        LoadAsync(Guid groupId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        // One snapshot for the schedule, the payouts and the fines.
        await using var tx = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        var schedule = await GroupSchedule.LoadAsync(connection, tx, groupId, ct)
                       ?? throw new InvalidOperationException($"Group {groupId} vanished.");
        var paid = Waterfall.Paid(schedule.Snapshot.Obligations, schedule.Snapshot.Members.ToDictionary(m => m.Id, m => m.Contributed));
        var payouts = new List<PayoutView>();
        await using (var cmd = new NpgsqlCommand("""
            SELECT id, period, cycle, member_id, amount, discount, currency, status, payment_id, method, reserved_at, settled_at, reason
              FROM payouts WHERE group_id = $1 ORDER BY period
            """, connection, tx))
        {
            cmd.Parameters.AddWithValue(groupId);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
                payouts.Add(new PayoutView(reader.GetGuid(0), reader.GetInt32(1) + 1, reader.GetInt32(2), reader.GetGuid(3), reader.GetInt64(4),
                    reader.GetInt64(5), reader.GetString(6), reader.GetString(7), reader.IsDBNull(8) ? null : reader.GetGuid(8),
                    reader.IsDBNull(9) ? null : reader.GetString(9), reader.GetFieldValue<DateTimeOffset>(10),
                    reader.IsDBNull(11) ? null : reader.GetFieldValue<DateTimeOffset>(11), reader.IsDBNull(12) ? null : reader.GetString(12)));
        }
        var fines = new Dictionary<(Guid, int), long>();
        await using (var cmd = new NpgsqlCommand("SELECT member_id, period, amount FROM late_fines WHERE group_id = $1", connection, tx))
        {
            cmd.Parameters.AddWithValue(groupId);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) fines[(reader.GetGuid(0), reader.GetInt32(1))] = reader.GetInt64(2);
        }
        await tx.CommitAsync(ct);
        return (schedule, paid, payouts, fines);
    }

    public async Task<ScheduleView> ScheduleAsync(Guid groupId, int? fromPeriod, int? count, CancellationToken ct)
    {
        var (schedule, paid, payouts, _) = await LoadAsync(groupId, ct);
        var today = clock.Today(schedule.TimeZone);
        var calendar = schedule.Calendar;
        var current = calendar.PeriodOn(today)?.Number;
        var snapshot = schedule.Snapshot;
        var recipients = snapshot.Turns.Where(t => t.Period is not null && t.MemberId is not null).ToDictionary(t => t.Period!.Value, t => (t.MemberId!.Value, t.Cycle));
        var vacant = snapshot.Turns.Where(t => t.Period is not null && t.MemberId is null).Select(t => t.Period!.Value).ToHashSet();
        // A fixed order not yet started as a cycle: the turns it will give, by position.
        var planned = new Dictionary<int, Guid>();
        var method = calendar.RulesOn(today).RotationOrder;
        if (schedule.Kind == GroupKind.Rosca && method == RotationOrder.Fixed)
        {
            var nextStart = snapshot.Cycles.Count == 0 ? 0
                : snapshot.Cycles.Max(c => c.FirstPeriod + snapshot.Turns.Count(t => t.Cycle == c.Number));
            var queue = snapshot.Members.Where(m => m.Status == MemberStatus.Active)
                .OrderBy(m => m.Position ?? int.MaxValue).ThenBy(m => m.CreatedAt).ThenBy(m => m.Id).ToList();
            for (var i = 0; i < queue.Count; i++) planned[nextStart + i] = queue[i].Id;
        }

        // By default: from the start of the current cycle (or the group's first period) to a few
        // periods ahead or the end of the cycle, whichever is later.
        var cycle = snapshot.Cycles.LastOrDefault(c => c.FirstPeriod <= (current ?? 0));
        var cycleEnd = cycle is null ? -1 : cycle.FirstPeriod + snapshot.Turns.Count(t => t.Cycle == cycle.Number) - 1;
        var first = fromPeriod is { } f ? f - 1 : cycle?.FirstPeriod ?? 0;
        var last = count is { } n ? first + n - 1 : Math.Max(Math.Max((current ?? 0) + 3, cycleEnd), first + 3);
        last = Math.Min(last, first + MaxPeriods - 1);

        var periods = new List<SchedulePeriod>();
        for (var number = first; number <= last; number++)
        {
            if (calendar.TryGet(number) is not { } period) break; // beyond the calendar's last representable date
            var owed = snapshot.Obligations.Where(o => o.Period == number).ToList();
            var due = owed.Sum(o => o.Amount);
            var collected = owed.Sum(o => paid.GetValueOrDefault((o.MemberId, o.Period)));
            var payout = payouts.FirstOrDefault(p => p.Period == number + 1);
            Guid? recipient = recipients.TryGetValue(number, out var r) ? r.Item1 : payout?.MemberId
                ?? (planned.TryGetValue(number, out var p) ? p : null);
            var status = payout is not null ? payout.Status switch { "reserved" => "payout_reserved", "paid" => "paid_out", _ => "payout_voided" }
                : vacant.Contains(number) ? "skipped"
                : today < period.OpensOn || owed.Count == 0 && today < period.DueOn ? "upcoming"
                : owed.Count > 0 && collected == due ? "collected"
                : owed.Count > 0 && today > period.GraceEndsOn ? "overdue"
                : "collecting";
            periods.Add(new SchedulePeriod(number + 1, period.StartsOn, period.DueOn, period.EndsOn, recipient, status, due, collected,
                recipients.TryGetValue(number, out var rc) ? rc.Item2 : null));
        }
        return new ScheduleView(schedule.Currency, today, current + 1, periods);
    }

    public async Task<IReadOnlyList<ObligationView>> ObligationsAsync(Guid groupId, int? period, Guid? memberId, CancellationToken ct)
    {
        var (schedule, paid, _, fines) = await LoadAsync(groupId, ct);
        var today = clock.Today(schedule.TimeZone);
        return schedule.Snapshot.Obligations
            .Where(o => (period is null || o.Period == period - 1) && (memberId is null || o.MemberId == memberId))
            .OrderBy(o => o.Period).ThenBy(o => schedule.Contacts.GetValueOrDefault(o.MemberId).FullName, StringComparer.CurrentCulture)
            .Select(o =>
            {
                var p = paid.GetValueOrDefault((o.MemberId, o.Period));
                var graceEnds = schedule.Calendar.Get(o.Period).GraceEndsOn;
                var status = p >= o.Amount ? "paid" : today > graceEnds ? "overdue" : today >= o.DueOn ? (p > 0 ? "partial" : "due") : p > 0 ? "partial" : "upcoming";
                return new ObligationView(o.MemberId, o.Period + 1, o.Amount, p, o.DueOn, status, fines.GetValueOrDefault((o.MemberId, o.Period)));
            }).ToList();
    }

    public async Task<IReadOnlyList<PayoutView>> PayoutsAsync(Guid groupId, CancellationToken ct) => (await LoadAsync(groupId, ct)).Payouts;

    /// Each member's arrears: what is overdue (past its grace days) and unpaid, plus fines owed.
    public async Task<IReadOnlyList<(Guid MemberId, string FullName, long Overdue, int Periods)>> ArrearsAsync(Guid groupId, CancellationToken ct)
    {
        var (schedule, paid, _, _) = await LoadAsync(groupId, ct);
        var today = clock.Today(schedule.TimeZone);
        return schedule.Snapshot.Obligations
            .Where(o => today > schedule.Calendar.Get(o.Period).GraceEndsOn && paid.GetValueOrDefault((o.MemberId, o.Period)) < o.Amount)
            .GroupBy(o => o.MemberId)
            .Select(g => (g.Key, schedule.Contacts.GetValueOrDefault(g.Key).FullName ?? "", g.Sum(o => o.Amount - paid.GetValueOrDefault((o.MemberId, o.Period))), g.Count()))
            .OrderByDescending(a => a.Item3).ToList();
    }
}
