using Npgsql;
using Pamoja.Core.Groups;
using Pamoja.Core.Rotation;
using Pamoja.Web.Features.Audit;
using Pamoja.Web.Features.Groups;
using Pamoja.Web.Features.Ledger;
using Pamoja.Web.Features.Members;
using Pamoja.Web.Http;

namespace Pamoja.Web.Features.Schedules;

public sealed record RotationOrderRequest(Guid[]? Order);
public sealed record DrawResponse(int Cycle, int FirstPeriod, IReadOnlyList<Guid> Order, string Seed, string Commitment, string Algorithm,
    IReadOnlyList<Guid> Members, DateTimeOffset CommitmentPublishedAt);
public sealed record BidRequest(int? Period, long? Discount);
public sealed record RotationSettingsRequest(string? PayoutPolicy, string? ExitTurn);
public sealed record BidResponse(int Period, Guid MemberId, long Discount, DateTimeOffset PlacedAt);

/// The chair's rotation decisions: the fixed order, the lottery draw, and members' bids. Each
/// runs under the group's row lock, so it never races the engines (which hold it shared) or
/// another official.
public sealed class RotationChanges(NpgsqlDataSource db, TimeProvider clock)
{
    public async Task<ScheduleOutcome> SetOrderAsync(GroupContext caller, RotationOrderRequest request, CancellationToken ct)
    {
        if (request.Order is not { Length: > 0 } order)
            return ScheduleOutcome.Invalid("order", "order lists the members' ids in the order they receive.");
        if (order.Length > GroupSettingsRules.MaxMembers || order.Distinct().Count() != order.Length)
            return ScheduleOutcome.Invalid("order", "Each member appears once in the order.");

        return await InGroupAsync(caller, Permission.ManageRotation, async (connection, tx, schedule) =>
        {
            if (schedule.Kind != GroupKind.Rosca)
                return ScheduleOutcome.Rule("Not a rotating group", "Only rotating groups have a rotation order.");
            var method = schedule.Calendar.RulesOn(clock.Today(schedule.TimeZone)).RotationOrder;
            if (method != RotationOrder.Fixed)
                return ScheduleOutcome.Rule("The order is not set by hand",
                    method == RotationOrder.Lottery ? "This group's order is drawn by lottery." : "In this group, members bid for their turns.");

            var opened = schedule.Snapshot.Obligations.Count == 0 ? -1 : schedule.Snapshot.Obligations.Max(o => o.Period);
            var paidOut = schedule.Snapshot.PeriodsWithPayout;
            var movable = schedule.Snapshot.Turns.Where(t => t.MemberId is not null && t.Period > opened && !paidOut.Contains(t.Period!.Value)).ToList();
            await using var batch = new NpgsqlBatch(connection, tx);
            IReadOnlyCollection<Guid> expected;
            if (movable.Count > 0)
            {
                // A cycle is under way: only the turns still to come can be reordered, among themselves.
                expected = movable.Select(t => t.MemberId!.Value).ToHashSet();
                if (!expected.ToHashSet().SetEquals(order))
                    return ScheduleOutcome.Invalid("order",
                        $"A cycle is under way: list exactly the {expected.Count} members whose turns are still to come.");
                var periods = movable.Select(t => t.Period!.Value).Order().ToArray();
                var cycle = movable[0].Cycle;
                batch.BatchCommands.Add(LedgerWriter.Command("UPDATE rotation_turns SET period = NULL WHERE group_id = $1 AND cycle = $2 AND member_id = ANY($3)",
                    caller.GroupId, cycle, order));
                for (var i = 0; i < order.Length; i++)
                    batch.BatchCommands.Add(LedgerWriter.Command("UPDATE rotation_turns SET period = $4 WHERE group_id = $1 AND cycle = $2 AND member_id = $3",
                        caller.GroupId, cycle, order[i], periods[i]));
            }
            else
            {
                expected = schedule.Snapshot.Members.Where(m => m.Status == MemberStatus.Active).Select(m => m.Id).ToHashSet();
                if (!expected.ToHashSet().SetEquals(order))
                    return ScheduleOutcome.Invalid("order", $"List exactly the group's {expected.Count} active members, each once.");
            }
            // The positions also order the next cycles.
            batch.BatchCommands.Add(LedgerWriter.Command("""
                UPDATE group_members m SET position = o.ord + $3, updated_at = $4
                  FROM unnest($2::uuid[]) WITH ORDINALITY AS o(id, ord)
                 WHERE m.group_id = $1 AND m.id = o.id
                """, caller.GroupId, order, movable.Count > 0 ? schedule.Snapshot.Turns.Count(t => t.Cycle == movable[0].Cycle) - order.Length : 0,
                clock.GetUtcNow()));
            batch.BatchCommands.Add(AuditTrail.Command(clock, caller.GroupId, caller.UserId, "rotation.order_set", "group", caller.GroupId,
                null, new { order }));
            await batch.ExecuteNonQueryAsync(ct);
            return new ScheduleOutcome.Done(null);
        }, ct);
    }

    /// When the recipient is paid (all_collected | due_date) and what a leaver's turn becomes (shorten | skip).
    public async Task<ScheduleOutcome> SetSettingsAsync(GroupContext caller, RotationSettingsRequest request, CancellationToken ct)
    {
        if (request.PayoutPolicy is not null and not ("all_collected" or "due_date"))
            return ScheduleOutcome.Invalid("payoutPolicy", "payoutPolicy is all_collected (pay once everyone has paid) or due_date (pay what was collected by the due date).");
        if (request.ExitTurn is not null and not ("shorten" or "skip"))
            return ScheduleOutcome.Invalid("exitTurn", "exitTurn is shorten (later turns move up) or skip (the leaver's period has no payer or recipient).");
        if (request.PayoutPolicy is null && request.ExitTurn is null)
            return ScheduleOutcome.Invalid("payoutPolicy", "Give payoutPolicy, exitTurn or both.");
        return await InGroupAsync(caller, Permission.ManageRotation, async (connection, tx, schedule) =>
        {
            if (schedule.Kind != GroupKind.Rosca)
                return ScheduleOutcome.Rule("Not a rotating group", "Payout policy and turns apply to rotating groups.");
            await using var batch = new NpgsqlBatch(connection, tx);
            batch.BatchCommands.Add(LedgerWriter.Command("""
                UPDATE groups SET payout_policy = coalesce($2, payout_policy), exit_turn = coalesce($3, exit_turn), updated_at = $4, revision = revision + 1
                 WHERE id = $1
                """, caller.GroupId, LedgerWriter.Nullable(request.PayoutPolicy), LedgerWriter.Nullable(request.ExitTurn), clock.GetUtcNow()));
            batch.BatchCommands.Add(AuditTrail.Command(clock, caller.GroupId, caller.UserId, "rotation.settings_changed", "group", caller.GroupId, null,
                new { payoutPolicy = request.PayoutPolicy, exitTurn = request.ExitTurn }));
            await batch.ExecuteNonQueryAsync(ct);
            return new ScheduleOutcome.Done(null);
        }, ct);
    }

    public async Task<ScheduleOutcome> DrawAsync(GroupContext caller, CancellationToken ct) =>
        await InGroupAsync(caller, Permission.ManageRotation, async (connection, tx, schedule) =>
        {
            if (schedule.Kind != GroupKind.Rosca)
                return ScheduleOutcome.Rule("Not a rotating group", "Only rotating groups draw an order.");
            var today = clock.Today(schedule.TimeZone);
            var method = schedule.Calendar.RulesOn(today).RotationOrder;
            if (method != RotationOrder.Lottery)
                return ScheduleOutcome.Rule("Not a lottery group", "This group's order is not drawn by lottery.");
            var now = clock.GetUtcNow();
            var snapshot = schedule.Snapshot;
            await using var batch = new NpgsqlBatch(connection, tx);
            if (snapshot.Pending is not { } pending)
            {
                // Without a commitment published beforehand a draw could not be checked: publish one now.
                var cycleNo = snapshot.Cycles.Count == 0 ? 1 : snapshot.Cycles.Max(c => c.Number) + 1;
                var seed = Lottery.NewSeed();
                batch.BatchCommands.Add(LotteryCommitments.Insert(caller.GroupId, cycleNo, seed, now));
                await batch.ExecuteNonQueryAsync(ct);
                await tx.CommitAsync(ct);
                return ScheduleOutcome.Conflict("Commitment published",
                    $"The commitment for the next draw, {Lottery.Commitment(seed)}, is published now. Let members see it, then draw.");
            }

            var opened = snapshot.Obligations.Count == 0 ? -1 : snapshot.Obligations.Max(o => o.Period);
            var undrawn = snapshot.Cycles.FirstOrDefault(c => snapshot.Turns.Any(t => t.Cycle == c.Number && t.MemberId is not null && t.Period is null));
            int cycle, firstPeriod;
            IReadOnlyList<Guid> members;
            if (undrawn is not null)
            {
                // The engine started this cycle before anyone drew (there was no commitment then).
                cycle = undrawn.Number;
                firstPeriod = undrawn.FirstPeriod;
                members = snapshot.Turns.Where(t => t.Cycle == cycle && t.MemberId is not null).Select(t => t.MemberId!.Value).ToList();
            }
            else
            {
                if (snapshot.Turns.Any(t => t.Period > opened))
                    return ScheduleOutcome.Conflict("Already drawn", "This cycle's order is already drawn. The next draw is for the next cycle, when this one ends.");
                cycle = snapshot.Cycles.Count == 0 ? 1 : snapshot.Cycles.Max(c => c.Number) + 1;
                firstPeriod = opened + 1;
                members = snapshot.Members.Where(m => m.Status == MemberStatus.Active).Select(m => m.Id).ToList();
                if (members.Count < 2)
                    return ScheduleOutcome.Rule("Too few members", "A draw needs at least two active members.");
            }
            var drawn = Lottery.Draw(pending.Seed, members);
            if (undrawn is not null)
            {
                batch.BatchCommands.Add(LedgerWriter.Command("DELETE FROM rotation_turns WHERE group_id = $1 AND cycle = $2", caller.GroupId, cycle));
                batch.BatchCommands.Add(LedgerWriter.Command("UPDATE rotation_cycles SET seed = $3, commitment = $4, drawn_at = $5, drawn_order = $6 WHERE group_id = $1 AND cycle = $2",
                    caller.GroupId, cycle, pending.Seed, pending.Commitment, now, drawn.ToArray()));
            }
            else
                batch.BatchCommands.Add(LedgerWriter.Command("""
                    INSERT INTO rotation_cycles (group_id, cycle, first_period, method, seed, commitment, drawn_at, drawn_order, created_at)
                    VALUES ($1, $2, $3, 'lottery', $4, $5, $6, $7, $6)
                    """, caller.GroupId, cycle, firstPeriod, pending.Seed, pending.Commitment, now, drawn.ToArray()));
            batch.BatchCommands.Add(LedgerWriter.Command("""
                INSERT INTO rotation_turns (id, group_id, cycle, member_id, period)
                SELECT gen_random_uuid(), $1, $2, t.member, $3 + t.ord - 1 FROM unnest($4::uuid[]) WITH ORDINALITY AS t(member, ord)
                """, caller.GroupId, cycle, firstPeriod, drawn.ToArray()));
            batch.BatchCommands.Add(LedgerWriter.Command("UPDATE lottery_commitments SET revealed_at = $3 WHERE group_id = $1 AND cycle = $2",
                caller.GroupId, pending.Cycle, now));
            // The next draw's commitment is public from now on.
            batch.BatchCommands.Add(LotteryCommitments.Insert(caller.GroupId, Math.Max(cycle, pending.Cycle) + 1, Lottery.NewSeed(), now));
            batch.BatchCommands.Add(AuditTrail.Command(clock, caller.GroupId, caller.UserId, "rotation.drawn", "group", caller.GroupId, null,
                new { cycle, firstPeriod = firstPeriod + 1, order = drawn, seed = pending.Seed, commitment = pending.Commitment }));
            await batch.ExecuteNonQueryAsync(ct);
            var publishedAt = await PublishedAtAsync(connection, tx, caller.GroupId, pending.Cycle, ct);
            return new ScheduleOutcome.Done(new DrawResponse(cycle, firstPeriod + 1, drawn, pending.Seed, pending.Commitment, Lottery.Algorithm,
                members.OrderBy(m => m.ToString("D"), StringComparer.Ordinal).ToList(), publishedAt));
        }, ct);

    public async Task<ScheduleOutcome> BidAsync(GroupContext caller, BidRequest request, CancellationToken ct)
    {
        if (request.Period is not { } apiPeriod || apiPeriod is < 1 or > 100_000)
            return ScheduleOutcome.Invalid("period", "period is the number of the period to bid for (1 is the group's first).");
        if (request.Discount is not { } discount || discount < 0 || discount > GroupSettingsRules.MaxAmount)
            return ScheduleOutcome.Invalid("discount", "discount is the amount (minor units, zero or more) you give up to receive in this period.");

        return await InGroupAsync(caller, Permission.ViewGroup, async (connection, tx, schedule) =>
        {
            var p = apiPeriod - 1;
            if (schedule.Calendar.TryGet(p) is not { } period)
                return ScheduleOutcome.Invalid("period", "This group's calendar has no such period.");
            if (schedule.Kind != GroupKind.Rosca || period.Rules.RotationOrder != RotationOrder.Bidding)
                return ScheduleOutcome.Rule("Not a bidding group", "Members of this group do not bid for their turns.");
            var today = clock.Today(schedule.TimeZone);
            if (today >= period.OpensOn || schedule.Snapshot.Obligations.Any(o => o.Period >= p))
                return ScheduleOutcome.Conflict("Bidding closed", $"Bids for period {apiPeriod} closed on {period.OpensOn:yyyy-MM-dd}, when its payments opened.");
            var snapshot = schedule.Snapshot;
            var cycle = snapshot.Cycles.Where(c => c.FirstPeriod <= p).OrderByDescending(c => c.FirstPeriod)
                .FirstOrDefault(c => p < c.FirstPeriod + snapshot.Turns.Count(t => t.Cycle == c.Number));
            if (cycle is not null)
            {
                var turn = snapshot.Turns.FirstOrDefault(t => t.Cycle == cycle.Number && t.MemberId == caller.MemberId);
                if (turn is null)
                    return ScheduleOutcome.Rule("Not in this cycle", "You joined after this cycle began; you can bid in the next one.");
                if (turn.Period is not null)
                    return ScheduleOutcome.Rule("Already received", "You have had your turn in this cycle.");
            }
            var members = cycle is null ? snapshot.Members.Count(m => m.Status == MemberStatus.Active) : snapshot.Turns.Count(t => t.Cycle == cycle.Number && t.MemberId is not null);
            var pot = Pot.Amount(period.Rules.Pot ?? PotRule.Gross, Math.Max(members, 1), period.Rules.ContributionAmount ?? 0);
            if (discount >= pot)
                return ScheduleOutcome.Invalid("discount", $"The discount must be less than the pot of {pot} minor units.");
            var now = clock.GetUtcNow();
            await using var batch = new NpgsqlBatch(connection, tx);
            batch.BatchCommands.Add(LedgerWriter.Command("""
                INSERT INTO rotation_bids (group_id, period, member_id, discount, placed_at) VALUES ($1, $2, $3, $4, $5)
                ON CONFLICT (group_id, period, member_id) DO UPDATE SET discount = EXCLUDED.discount, placed_at = EXCLUDED.placed_at
                """, caller.GroupId, p, caller.MemberId, discount, now));
            batch.BatchCommands.Add(AuditTrail.Command(clock, caller.GroupId, caller.UserId, "rotation.bid", "member", caller.MemberId, null,
                new { period = apiPeriod, discount }));
            await batch.ExecuteNonQueryAsync(ct);
            return new ScheduleOutcome.Done(new BidResponse(apiPeriod, caller.MemberId, discount, now));
        }, ct);
    }

    /// Locks the group row, re-checks that the caller still holds the permission, reads the
    /// schedule, runs the change and commits it (or rolls back on a refusal).
    private async Task<ScheduleOutcome> InGroupAsync(GroupContext caller, Permission permission,
        Func<NpgsqlConnection, NpgsqlTransaction, GroupSchedule, Task<ScheduleOutcome>> change, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using (var cmd = new NpgsqlCommand("""
            SELECT m.role, m.status FROM groups g JOIN group_members m ON m.group_id = g.id AND m.id = $2 WHERE g.id = $1 FOR UPDATE OF g
            """, connection, tx))
        {
            cmd.Parameters.AddWithValue(caller.GroupId);
            cmd.Parameters.AddWithValue(caller.MemberId);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            if (!await reader.ReadAsync(ct) || !Api.TryParse<GroupRole>(reader.GetString(0), out var role) || reader.GetString(1) != "active"
                || !RolePermissions.Allows(role, permission))
                return new ScheduleOutcome.Refused(StatusCodes.Status403Forbidden, "Not allowed", "Your role in this group no longer allows this.");
        }
        var schedule = await GroupSchedule.LoadAsync(connection, tx, caller.GroupId, ct)
                       ?? throw new InvalidOperationException("The group vanished under its lock.");
        var outcome = await change(connection, tx, schedule);
        if (outcome is ScheduleOutcome.Done && tx.Connection is not null) await tx.CommitAsync(ct);
        return outcome;
    }

    private static async Task<DateTimeOffset> PublishedAtAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid groupId, int cycle, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT published_at FROM lottery_commitments WHERE group_id = $1 AND cycle = $2", connection, tx);
        cmd.Parameters.AddWithValue(groupId);
        cmd.Parameters.AddWithValue(cycle);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return reader.GetFieldValue<DateTimeOffset>(0);
    }
}

/// The commitment for a lottery group's next draw, published when the group is created (and
/// after each draw), so members see it long before the order is known.
public static class LotteryCommitments
{
    public static NpgsqlBatchCommand Insert(Guid groupId, int cycle, string seed, DateTimeOffset now) => LedgerWriter.Command("""
        INSERT INTO lottery_commitments (group_id, cycle, seed, commitment, published_at) VALUES ($1, $2, $3, $4, $5)
        ON CONFLICT (group_id, cycle) DO NOTHING
        """, groupId, cycle, seed, Lottery.Commitment(seed), now);

    /// For use inside an EF Core transaction (group creation, settings changes).
    public static Task EnsureAsync(Data.AppDbContext db, Guid groupId, DateTimeOffset now, CancellationToken ct)
    {
        var seed = Lottery.NewSeed();
        var commitment = Lottery.Commitment(seed);
        return Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions.ExecuteSqlAsync(db.Database, $"""
            INSERT INTO lottery_commitments (group_id, cycle, seed, commitment, published_at)
            SELECT {groupId}, coalesce((SELECT max(cycle) FROM rotation_cycles WHERE group_id = {groupId}), 0) + 1, {seed}, {commitment}, {now}
             WHERE NOT EXISTS (SELECT 1 FROM lottery_commitments WHERE group_id = {groupId} AND revealed_at IS NULL)
            ON CONFLICT (group_id, cycle) DO NOTHING
            """, ct);
    }
}
