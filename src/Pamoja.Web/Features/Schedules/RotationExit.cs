using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using Pamoja.Core.Engines;
using Pamoja.Core.Groups;
using Pamoja.Web.Data;
using Pamoja.Web.Features.Ledger;

namespace Pamoja.Web.Features.Schedules;

/// What leaving does to a rotating group's cycle, inside the exit's own transaction (the caller
/// holds the group row lock). A member who has received may leave only once they have paid
/// what they owe for the rest of the cycle; a member who has not received gives up their turn,
/// which the group's exit_turn setting either removes (later turns move up: "shorten") or
/// leaves empty (nobody pays or receives in that period: "skip").
public static class RotationExit
{
    /// Null when the member may leave (their turn already handled); otherwise why not.
    public static async Task<string?> ApplyAsync(AppDbContext db, Guid groupId, Guid memberId, CancellationToken ct)
    {
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        var tx = (NpgsqlTransaction)(db.Database.CurrentTransaction ?? throw new InvalidOperationException("Call inside the exit's transaction.")).GetDbTransaction();
        var schedule = await GroupSchedule.LoadAsync(connection, tx, groupId, ct);
        if (schedule is null || schedule.Kind != GroupKind.Rosca) return null;
        var snapshot = schedule.Snapshot;
        var opened = snapshot.Obligations.Count == 0 ? -1 : snapshot.Obligations.Max(o => o.Period);
        // The member's turn in the latest cycle they are in (finished or not: arrears of a
        // finished cycle still count).
        var turn = snapshot.Turns.Where(t => t.MemberId == memberId).MaxBy(t => t.Cycle);
        if (turn is null) return null;

        var received = turn.Period is { } own && (own <= opened || snapshot.PeriodsWithPayout.Contains(own));
        if (received)
        {
            var member = snapshot.Members.Single(m => m.Id == memberId);
            var mine = snapshot.Obligations.Where(o => o.MemberId == memberId).ToList();
            var unallocated = member.Contributed - mine.Sum(o => o.Amount); // negative: arrears
            var rules = schedule.Calendar.Get(opened + 1).Rules;
            var futurePeriods = snapshot.Turns.Count(t => t.Cycle == turn.Cycle && t.MemberId != memberId && (t.Period is null || t.Period > opened));
            var stillOwed = checked(futurePeriods * (rules.ContributionAmount ?? 0)) - unallocated;
            if (stillOwed > 0)
                return $"This member has received the pot and still owes {schedule.Currency} {Core.Money.Currency.Get(schedule.Currency).Format(stillOwed)} " +
                       "for the rest of the cycle. Record those contributions first.";
            return null; // paid ahead: their remaining obligations open as usual and are already covered
        }

        await using var batch = new NpgsqlBatch(connection, tx);
        if (schedule.ExitTurn == ExitTurn.Skip && turn.Period is not null)
            batch.BatchCommands.Add(LedgerWriter.Command("UPDATE rotation_turns SET member_id = NULL WHERE group_id = $1 AND cycle = $2 AND member_id = $3",
                groupId, turn.Cycle, memberId));
        else
        {
            batch.BatchCommands.Add(LedgerWriter.Command("DELETE FROM rotation_turns WHERE group_id = $1 AND cycle = $2 AND member_id = $3",
                groupId, turn.Cycle, memberId));
            if (turn.Period is { } period)
            {
                // Two steps, so no two turns ever share a period on the way.
                batch.BatchCommands.Add(LedgerWriter.Command("UPDATE rotation_turns SET period = period + 1000000 WHERE group_id = $1 AND cycle = $2 AND period > $3",
                    groupId, turn.Cycle, period));
                batch.BatchCommands.Add(LedgerWriter.Command("UPDATE rotation_turns SET period = period - 1000001 WHERE group_id = $1 AND cycle = $2 AND period > 1000000",
                    groupId, turn.Cycle));
            }
        }
        batch.BatchCommands.Add(LedgerWriter.Command("DELETE FROM rotation_bids WHERE group_id = $1 AND member_id = $2 AND period > $3", groupId, memberId, opened));
        await batch.ExecuteNonQueryAsync(ct);
        return null;
    }
}
