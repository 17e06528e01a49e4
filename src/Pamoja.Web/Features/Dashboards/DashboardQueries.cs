using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using Pamoja.Core.Groups;
using Pamoja.Core.Money;
using Pamoja.Web.Features.Groups;
using Pamoja.Web.Features.Ledger;
using Pamoja.Web.Features.Members;
using Pamoja.Web.Features.Payments;
using Pamoja.Web.Features.Schedules;
using Pamoja.Web.Jobs;

namespace Pamoja.Web.Features.Dashboards;

/// What a member owes next. Expected: no obligation is open yet, so the amount is the group's
/// contribution for the next period rather than a booked debt.
public sealed record NextDue(DateOnly DueOn, long Outstanding, bool Overdue, bool Expected, int Periods);

/// Who receives the pot next, and when (rotating groups).
public sealed record NextPayout(int Period, DateOnly On, Guid RecipientId, string Recipient, bool IsMe, string Status, long? Amount);

/// A member's own position in one group: the same for the home page card and the group dashboard.
public sealed record MyPosition(long Balance, NextDue? NextDue, NextPayout? NextPayout, Chart History);

public sealed record MemberGroupCard(GroupView Group, Currency Currency, DateOnly Today, MyPosition Me);

/// This period's collection: what was due, what came in, how many members have paid in full.
public sealed record CollectionRate(int Period, DateOnly DueOn, long Due, long Collected, int Members, int MembersPaid)
{
    /// Whole percent, rounded down: 99.6% collected is not "100%".
    public int Percent => Due <= 0 ? 0 : (int)Math.Min(100, Collected * 100 / Due);
}

public sealed record ArrearsLine(Guid MemberId, string FullName, long Overdue, int Periods);

/// What waits for an official: people asking to join, invitations not yet accepted, payouts to
/// confirm, reconciliation exceptions to resolve. Lists an official's role cannot act on are empty.
public sealed record PendingApprovals(IReadOnlyList<MemberView> JoinRequests, IReadOnlyList<MemberView> Invited,
    IReadOnlyList<(PayoutView Payout, string Recipient)> PayoutsToConfirm, IReadOnlyList<ExceptionView> Exceptions)
{
    public int Count => JoinRequests.Count + Invited.Count + PayoutsToConfirm.Count + Exceptions.Count;
}

public sealed record OfficialView(CollectionRate? Rate, IReadOnlyList<ArrearsLine> Arrears, long Pool, Chart PoolChart,
    IReadOnlyList<NextPayout> UpcomingPayouts, PendingApprovals Pending);

public sealed record GroupDashboard(GroupView Group, Currency Currency, DateOnly Today, MyPosition Me, OfficialView? Official);

public sealed record OperatorException(ExceptionView Exception, string? GroupName);

public sealed record OperatorDashboard(string Health, IReadOnlyDictionary<string, string> Checks, IReadOnlyDictionary<string, long> Jobs,
    IReadOnlyList<JobView> DeadJobs, long OpenExceptions, IReadOnlyList<OperatorException> Exceptions);

/// The dashboards' read models, built from the queries the other pages use (schedule,
/// obligations, ledger statements, balances, payments), so a dashboard never disagrees with the
/// page it links to. Every group read goes through a GroupContext of the caller's own membership.
public sealed class DashboardQueries(
    GroupQueries groups, MemberQueries members, LedgerQueries ledger, ScheduleQueries schedules, PaymentQueries payments,
    JobQueue jobs, HealthCheckService health, NpgsqlDataSource db)
{
    public const int HistoryMonths = 12;
    public const int PoolPoints = 31;
    public const int UpcomingPayoutCount = 3;
    public const int MaxHomeGroups = 10;

    private static readonly HashSet<string> OpenPeriod = ["upcoming", "collecting", "collected", "overdue", "payout_reserved"];

    /// The home page: one card per group where the user is an active member (pending requests
    /// have no money yet), at most MaxHomeGroups.
    public async Task<IReadOnlyList<MemberGroupCard>> HomeAsync(Guid userId, IReadOnlyList<GroupSummary> mine, CancellationToken ct)
    {
        var cards = new List<MemberGroupCard>();
        foreach (var summary in mine.Where(g => g.Status == "active").Take(MaxHomeGroups))
        {
            if (!Api.TryParse<GroupRole>(summary.Role, out var role)) continue;
            var caller = new GroupContext(summary.Id, summary.MemberId, userId, role);
            var group = await groups.ViewAsync(caller, ct);
            var schedule = await schedules.ScheduleAsync(caller.GroupId, null, null, ct);
            var list = await members.ListAsync(caller, ct);
            var me = await PositionAsync(caller, group, schedule, list, ct);
            cards.Add(new MemberGroupCard(group, Currency.Get(group.Currency), schedule.Today, me));
        }
        return cards;
    }

    public async Task<GroupDashboard> GroupAsync(GroupContext caller, CancellationToken ct)
    {
        var group = await groups.ViewAsync(caller, ct);
        var currency = Currency.Get(group.Currency);
        var schedule = await schedules.ScheduleAsync(caller.GroupId, null, null, ct);
        var list = await members.ListAsync(caller, ct);
        var me = await PositionAsync(caller, group, schedule, list, ct);
        if (!RolePermissions.IsOfficial(caller.Role))
            return new GroupDashboard(group, currency, schedule.Today, me, null);

        var names = list.ToDictionary(m => m.MemberId, m => m.FullName);
        var obligations = await schedules.ObligationsAsync(caller.GroupId, null, null, ct);
        var arrears = (await schedules.ArrearsAsync(caller.GroupId, ct))
            .Select(a => new ArrearsLine(a.MemberId, names.GetValueOrDefault(a.MemberId) ?? a.FullName, a.Overdue, a.Periods)).ToList();
        var payouts = await schedules.PayoutsAsync(caller.GroupId, ct);
        var pool = await ledger.StatementAsync(caller, null, null, null, ct);

        var pending = new PendingApprovals(
            caller.Can(Permission.ManageMembers) ? list.Where(m => m.Status == "pending").ToList() : [],
            caller.Can(Permission.ManageMembers) ? list.Where(m => m.Status == "invited").ToList() : [],
            caller.Can(Permission.RecordMoney)
                ? payouts.Where(p => p.Status == "reserved").Select(p => (p, names.GetValueOrDefault(p.MemberId) ?? "a former member")).ToList()
                : [],
            caller.Can(Permission.RecordMoney) ? await payments.ExceptionsAsync(caller.GroupId, open: true, ct) : []);

        var official = new OfficialView(
            Rate(schedule, obligations),
            arrears,
            pool.ClosingBalance,
            PoolChart(pool, currency, group.Name),
            Upcoming(schedule, payouts, names, caller.MemberId).Take(UpcomingPayoutCount).ToList(),
            pending);
        return new GroupDashboard(group, currency, schedule.Today, me, official);
    }

    public async Task<OperatorDashboard> OperatorAsync(CancellationToken ct)
    {
        var report = await health.CheckHealthAsync(ct);
        var counts = JobQueue.Statuses.ToDictionary(s => s, _ => 0L);
        await using (var cmd = db.CreateCommand("SELECT status, count(*) FROM jobs GROUP BY status"))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct)) counts[r.GetString(0)] = r.GetInt64(1);
        var dead = await jobs.ListAsync("dead", 20, ct);

        // Open exceptions of every group (and those no group could be found for), newest first.
        long open;
        await using (var cmd = db.CreateCommand("SELECT count(*) FROM reconciliation_exceptions WHERE resolved_at IS NULL"))
            open = (long)(await cmd.ExecuteScalarAsync(ct))!;
        var exceptions = new List<OperatorException>();
        await using (var cmd = db.CreateCommand("""
            SELECT x.id, x.group_id, x.kind, x.payment_id, x.callback_id, x.amount, x.currency, x.detail, x.found_at, g.name
              FROM reconciliation_exceptions x LEFT JOIN groups g ON g.id = x.group_id
             WHERE x.resolved_at IS NULL ORDER BY x.found_at DESC LIMIT 50
            """))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct))
                exceptions.Add(new OperatorException(new ExceptionView(r.GetGuid(0), r.IsDBNull(1) ? null : r.GetGuid(1), r.GetString(2),
                    r.IsDBNull(3) ? null : r.GetGuid(3), r.IsDBNull(4) ? null : r.GetGuid(4), r.IsDBNull(5) ? null : r.GetInt64(5),
                    r.IsDBNull(6) ? null : r.GetString(6), r.GetString(7), r.GetFieldValue<DateTimeOffset>(8), null, null),
                    r.IsDBNull(9) ? null : r.GetString(9)));

        return new OperatorDashboard(report.Status.ToString().ToLowerInvariant(),
            report.Entries.ToDictionary(e => e.Key, e => e.Value.Status.ToString().ToLowerInvariant()),
            counts, dead, open, exceptions);
    }

    private async Task<MyPosition> PositionAsync(GroupContext caller, GroupView group, ScheduleView schedule, IReadOnlyList<MemberView> list,
        CancellationToken ct)
    {
        var currency = Currency.Get(group.Currency);
        var balances = await ledger.BalancesAsync(caller, ct);
        var own = balances.Members.FirstOrDefault(m => m.MemberId == caller.MemberId);
        var mine = await schedules.ObligationsAsync(caller.GroupId, null, caller.MemberId, ct);
        var statement = await ledger.StatementAsync(caller, caller.MemberId, null, null, ct);
        var names = list.ToDictionary(m => m.MemberId, m => m.FullName);
        var next = Upcoming(schedule, [], names, caller.MemberId).FirstOrDefault();
        return new MyPosition(own?.Balance ?? 0, Due(schedule, mine, group, caller.MemberId, own?.Contributed ?? 0), next, History(statement, currency, schedule.Today, group.Name));
    }

    /// The earliest unpaid obligation and everything still owed; with nothing owed, the next
    /// period the member pays in (not their own turn in a net-pot rotation), less what they have
    /// already paid ahead (contributions no open obligation has taken yet).
    public static NextDue? Due(ScheduleView schedule, IReadOnlyList<ObligationView> mine, GroupView group, Guid memberId, long contributed)
    {
        var unpaid = mine.Where(o => o.Paid < o.Amount).OrderBy(o => o.DueOn).ToList();
        if (unpaid.Count > 0)
            return new NextDue(unpaid[0].DueOn, unpaid.Sum(o => o.Amount - o.Paid), unpaid.Any(o => o.Status == "overdue"), false, unpaid.Count);
        if (group.Contribution.Amount is not { } amount || amount <= 0)
            return null;
        var credit = Math.Max(0, contributed - mine.Sum(o => o.Paid));
        var opened = mine.Select(o => o.Period).ToHashSet();
        var netPot = group.Rotation?.Pot == "net";
        foreach (var period in schedule.Periods.Where(p => p.DueOn >= schedule.Today && !opened.Contains(p.Period)
                                                           && p.Status is "upcoming" or "collecting"
                                                           && !(netPot && p.RecipientMemberId == memberId)))
        {
            if (credit >= amount)
            {
                credit -= amount;
                continue;
            }
            return new NextDue(period.DueOn, amount - credit, false, true, 1);
        }
        return null;
    }

    /// This period: the latest period whose obligations are open (the engine opens them a few
    /// days before the due date).
    public static CollectionRate? Rate(ScheduleView schedule, IReadOnlyList<ObligationView> obligations)
    {
        var period = schedule.Periods.Where(p => p.Due > 0).MaxBy(p => p.Period);
        if (period is null) return null;
        var owed = obligations.Where(o => o.Period == period.Period).ToList();
        return new CollectionRate(period.Period, period.DueOn, period.Due, period.Collected, owed.Count, owed.Count(o => o.Paid >= o.Amount));
    }

    /// Turns not yet paid out, in order: a past period still collecting (all-collected policy) or
    /// reserved and waiting for confirmation comes first, then the periods ahead.
    public static IEnumerable<NextPayout> Upcoming(ScheduleView schedule, IReadOnlyList<PayoutView> payouts, IReadOnlyDictionary<Guid, string> names,
        Guid me) =>
        schedule.Periods
            .Where(p => p.RecipientMemberId is not null && OpenPeriod.Contains(p.Status))
            .OrderBy(p => p.Period)
            .Select(p => new NextPayout(p.Period, p.DueOn, p.RecipientMemberId!.Value, names.GetValueOrDefault(p.RecipientMemberId!.Value) ?? "a former member",
                p.RecipientMemberId == me, p.Status,
                payouts.FirstOrDefault(x => x.Period == p.Period && x.Status == "reserved")?.Amount));

    /// The member's history: the net change of their balance each month (paid in, less received
    /// and charged), the last HistoryMonths months up to this one, empty months as zero.
    public static Chart History(StatementView statement, Currency currency, DateOnly today, string groupName)
    {
        var points = new List<ChartPoint>();
        if (statement.Entries.Count > 0)
        {
            var byMonth = statement.Entries.GroupBy(e => (e.EffectiveOn.Year, e.EffectiveOn.Month)).ToDictionary(g => g.Key, g => g.Sum(e => e.Amount));
            var first = statement.Entries.Min(e => e.EffectiveOn);
            var last = statement.Entries.Max(e => e.EffectiveOn);
            var endIndex = Math.Max(today.Year * 12 + today.Month - 1, last.Year * 12 + last.Month - 1);
            var startIndex = Math.Max(first.Year * 12 + first.Month - 1, endIndex - HistoryMonths + 1);
            for (var i = startIndex; i <= endIndex; i++)
            {
                var month = new DateOnly(i / 12, i % 12 + 1, 1);
                points.Add(new ChartPoint(month.ToString("MMM yyyy", CultureInfo.InvariantCulture), byMonth.GetValueOrDefault((month.Year, month.Month))));
            }
        }
        return new Chart("history-" + statement.MemberId, ChartKind.Bars, string.Format(CultureInfo.InvariantCulture, HistoryTitle, groupName),
            HistoryDescription, currency, points, "Net paid in", HistoryTitle, groupName);
    }

    // The charts' words (the pages translate them: PageTexts.Sw.Dashboards.cs).
    public const string HistoryTitle = "Your money in {0}, month by month";
    public const string HistoryDescription = "Paid in each month, less what you received or were charged";
    public const string PoolTitle = "The pool of {0} over time";
    public const string PoolDescription = "The group's money in cash, bank and mobile money";

    /// The pool's balance at the end of each day money moved (the last PoolPoints days with
    /// movements), or at the end of each month once there are more days than that.
    public static Chart PoolChart(StatementView pool, Currency currency, string groupName)
    {
        var byDay = pool.Entries.GroupBy(e => e.EffectiveOn).Select(g => (Date: g.Key, Balance: g.Last().Balance)).ToList();
        List<ChartPoint> points;
        if (byDay.Count <= PoolPoints)
            points = byDay.Select(d => new ChartPoint(d.Date.ToString("d MMM yyyy", CultureInfo.InvariantCulture), d.Balance)).ToList();
        else
            points = byDay.GroupBy(d => (d.Date.Year, d.Date.Month)).TakeLast(24)
                .Select(m => new ChartPoint(new DateOnly(m.Key.Year, m.Key.Month, 1).ToString("MMM yyyy", CultureInfo.InvariantCulture), m.Last().Balance))
                .ToList();
        return new Chart("pool", ChartKind.Line, string.Format(CultureInfo.InvariantCulture, PoolTitle, groupName), PoolDescription,
            currency, points, "Pool balance", PoolTitle, groupName);
    }
}
