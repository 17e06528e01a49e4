using Npgsql;
using Pamoja.Core.Engines;
using Pamoja.Core.Rotation;
using Pamoja.Web.Features.Groups;
using Pamoja.Web.Features.Members;

namespace Pamoja.Web.Features.Schedules;

public sealed record RotationStateView(string? Method, string? Pot, string PayoutPolicy, string ExitTurn, IReadOnlyList<CycleView> Cycles,
    NextDrawView? NextDraw, string Algorithm);
public sealed record CycleView(int Cycle, int FirstPeriod, string Method, string? Seed, string? Commitment, DateTimeOffset? DrawnAt,
    IReadOnlyList<Guid>? DrawnOrder, IReadOnlyList<TurnView> Turns);
public sealed record TurnView(Guid? MemberId, int? Period, long Discount);
public sealed record NextDrawView(int Cycle, string Commitment, DateTimeOffset PublishedAt);

/// A rotating group's rotation as the API and the rotation page show it: the cycles with their
/// turns and draw proofs, the group's payout rules, and the next draw's commitment (never its seed).
public sealed class RotationQueries(NpgsqlDataSource db, TimeProvider clock)
{
    public async Task<RotationStateView> GetAsync(Guid groupId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        var schedule = await GroupSchedule.LoadAsync(connection, tx, groupId, ct)
                       ?? throw new InvalidOperationException($"Group {groupId} vanished.");
        var rules = schedule.Calendar.RulesOn(clock.Today(schedule.TimeZone));
        var cycles = new List<CycleView>();
        await using (var cmd = new NpgsqlCommand("""
            SELECT cycle, first_period, method, seed, commitment, drawn_at, drawn_order FROM rotation_cycles WHERE group_id = $1 ORDER BY cycle
            """, connection, tx))
        {
            cmd.Parameters.AddWithValue(groupId);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var number = reader.GetInt32(0);
                cycles.Add(new CycleView(number, reader.GetInt32(1) + 1, reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3),
                    reader.IsDBNull(4) ? null : reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5),
                    reader.IsDBNull(6) ? null : reader.GetFieldValue<Guid[]>(6),
                    schedule.Snapshot.Turns.Where(t => t.Cycle == number).OrderBy(t => t.Period ?? int.MaxValue)
                        .Select(t => new TurnView(t.MemberId, t.Period + 1, t.Discount)).ToList()));
            }
        }
        NextDrawView? next = null;
        await using (var cmd = new NpgsqlCommand(
            "SELECT cycle, commitment, published_at FROM lottery_commitments WHERE group_id = $1 AND revealed_at IS NULL ORDER BY cycle LIMIT 1", connection, tx))
        {
            cmd.Parameters.AddWithValue(groupId);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            if (await reader.ReadAsync(ct)) next = new NextDrawView(reader.GetInt32(0), reader.GetString(1), reader.GetFieldValue<DateTimeOffset>(2));
        }
        await tx.CommitAsync(ct);
        return new RotationStateView(rules.RotationOrder is { } o ? Api.Name(o) : null, rules.Pot is { } p ? Api.Name(p) : null,
            schedule.Snapshot.Policy == PayoutPolicy.DueDate ? "due_date" : "all_collected",
            schedule.ExitTurn == ExitTurn.Skip ? "skip" : "shorten", cycles, next, Lottery.Algorithm);
    }
}
