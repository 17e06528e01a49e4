using Npgsql;
using Pamoja.Core.Engines;
using Pamoja.Core.Groups;
using Pamoja.Core.Ledger;
using Pamoja.Core.Rotation;
using Pamoja.Core.Schedules;
using Pamoja.Web.Features.Groups;
using Pamoja.Web.Features.Ledger;
using Pamoja.Web.Features.Members;

namespace Pamoja.Web.Features.Schedules;

/// A group's schedule state as the engines and the schedule pages see it, read in one batch of
/// plain SQL (this runs for every group every day: see bench/).
public sealed record GroupSchedule(
    Guid GroupId,
    string Currency,
    string TimeZone,
    DateOnly CreatedOn,
    string Name,
    ExitTurn ExitTurn,
    GroupSnapshot Snapshot,
    DateOnly? DoneThrough,
    LedgerHead? Head,
    IReadOnlyDictionary<Guid, (string Phone, string FullName)> Contacts,
    string PayoutChannel,
    IReadOnlyDictionary<Guid, string> StandingInstructions)
{
    public GroupKind Kind => Snapshot.Kind;
    public GroupCalendar Calendar => Snapshot.Calendar;

    /// The first business date the engines act on: a group's first period opens a few days before
    /// its start; a group that moved onto Pamoja mid-cycle starts on the day it was created (what
    /// members paid before is in its opening balances, not its obligations).
    public DateOnly FirstEngineDate
    {
        get
        {
            var opens = Calendar.Get(0).OpensOn;
            return opens > CreatedOn ? opens : CreatedOn;
        }
    }

    /// Everything, without locks, for the pages (what happened in every period).
    public static Task<GroupSchedule?> LoadAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid groupId, CancellationToken ct) =>
        ReadAsync(connection, tx, groupId, lockForEngine: false, createHead: false, ct);

    /// The engine's read, under the locks a run needs, taken first: the group row FOR SHARE
    /// (member and rotation changes wait) and the ledger head FOR UPDATE, so that engine runs
    /// (and postings) of one group queue one behind the other and no contribution commits
    /// between this read and the run's postings; the cursor needs no lock of its own, since
    /// only engine runs write it and they hold the head. createHead: first make the head if the
    /// group has none (an INSERT attempt each time, so the engine asks for it only when a plain
    /// lock found no head: Head is then null). Of the obligations and fines, those from the
    /// period the group's last run needed on (its cursor's obligations_from), with each member's
    /// contributions less their earlier obligations: enough for this run unless something moved
    /// the first period it needs back (a longer grace, a turn moved to an earlier period), which
    /// the run then reads with ReadObligationsFromAsync. Null when the group does not exist.
    public static Task<GroupSchedule?> LockForEngineAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid groupId, bool createHead,
        CancellationToken ct) =>
        ReadAsync(connection, tx, groupId, lockForEngine: true, createHead, ct);

    /// From which period on Snapshot holds the obligations and fines (0: all of them); each
    /// member's Contributed in it is less their obligations before that period.
    public int ObligationsFrom { get; private init; }

    // The members as read, what each contributed in all, for ReadObligationsFromAsync.
    private IReadOnlyList<EngineMember> MembersRead { get; init; } = [];

    /// The obligations and fines of the periods from firstPeriod on, in the caller's
    /// transaction, and each member's contributions less the amounts of their obligations before
    /// it (DailyPlanner.FirstPeriodNeeded says why planning from there is exact). A group's
    /// obligations grow by a period's worth every period, for years: the engines read only these.
    public async Task<GroupSchedule> ReadObligationsFromAsync(NpgsqlConnection connection, NpgsqlTransaction tx, int firstPeriod, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(firstPeriod);
        await using var batch = new NpgsqlBatch(connection, tx);
        AddObligationReads(batch, GroupId, firstPeriod);
        await using var reader = await batch.ExecuteReaderAsync(ct);
        var (obligations, fined, earlier) = await ReadObligationsAsync(reader, ct);
        var members = LessEarlier(MembersRead, earlier);
        return this with { Snapshot = Snapshot with { Obligations = obligations, Fined = fined, Members = members }, ObligationsFrom = firstPeriod };
    }

    private static async Task<GroupSchedule?> ReadAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid groupId, bool lockForEngine,
        bool createHead, CancellationToken ct)
    {
        await using var batch = new NpgsqlBatch(connection, tx);
        batch.BatchCommands.Add(Cmd($"""
            SELECT kind, currency, time_zone, starts_on, created_at, payout_policy, name, exit_turn, payout_channel FROM groups WHERE id = $1 {(lockForEngine ? "FOR SHARE" : "")}
            """, groupId));
        if (lockForEngine)
        {
            // The head first: it exists for every group (created here if need be), so a second
            // engine run on the same group waits here and then reads the cursor the first one
            // committed. (A cursor row does not exist before a group's first run: locking it
            // alone would let two first runs both plan from the start.)
            if (createHead)
                LedgerWriter.AddHeadLock(batch, groupId);
            else
                batch.BatchCommands.Add(Cmd("SELECT seq, hash FROM ledger_heads WHERE group_id = $1 FOR UPDATE", groupId));
        }
        batch.BatchCommands.Add(Cmd("SELECT done_through, obligations_from FROM engine_cursors WHERE group_id = $1", groupId));
        batch.BatchCommands.Add(Cmd("""
            SELECT effective_from, contribution_amount, frequency, every_days, registration_fee, late_fine_amount, late_fine_bps,
                   grace_days, rotation_order, rotation_pot, shares_min, shares_max
              FROM group_rules WHERE group_id = $1 ORDER BY version
            """, groupId));
        // What each member has contributed, less opening balances (those paid for periods before
        // the group's obligations began). Opening balances can only be a group's first entry.
        batch.BatchCommands.Add(Cmd("""
            SELECT m.id, m.status, m.joined_on, m.position, m.created_at, coalesce(-b.balance, 0) - coalesce(o.opening, 0), m.phone, m.full_name,
                   si.provider
              FROM group_members m
              LEFT JOIN standing_instructions si ON si.group_id = m.group_id AND si.member_id = m.id
              LEFT JOIN ledger_balances b ON b.group_id = m.group_id AND b.account = 'member:' || m.id || ':contributions'
              LEFT JOIN (SELECT l.member_id, -sum(l.amount) AS opening
                           FROM journal_entries e JOIN journal_lines l ON l.entry_id = e.id
                          WHERE e.group_id = $1 AND e.seq = 1 AND e.kind = 'opening' AND l.account LIKE 'member:%:contributions'
                          GROUP BY l.member_id) o ON o.member_id = m.id
             WHERE m.group_id = $1
            """, groupId));
        batch.BatchCommands.Add(Cmd("SELECT cycle, first_period, method FROM rotation_cycles WHERE group_id = $1 ORDER BY cycle", groupId));
        batch.BatchCommands.Add(Cmd("SELECT cycle, member_id, period, discount FROM rotation_turns WHERE group_id = $1 ORDER BY cycle, period NULLS LAST, id", groupId));
        batch.BatchCommands.Add(Cmd("SELECT period FROM payouts WHERE group_id = $1", groupId));
        batch.BatchCommands.Add(Cmd("SELECT period, member_id, discount, placed_at FROM rotation_bids WHERE group_id = $1", groupId));
        batch.BatchCommands.Add(Cmd("""
            SELECT cycle, seed, commitment FROM lottery_commitments WHERE group_id = $1 AND revealed_at IS NULL ORDER BY cycle LIMIT 1
            """, groupId));
        // The pages read every obligation; the engine, those from the period its last run
        // needed on (the cursor's obligations_from, 0 before the first run).
        AddObligationReads(batch, groupId, lockForEngine ? null : 0);

        await using var reader = await batch.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return null;
        Api.TryParse<GroupKind>(reader.GetString(0), out var kind);
        var currency = reader.GetString(1);
        var timeZone = reader.GetString(2);
        var startsOn = reader.GetFieldValue<DateOnly>(3);
        var createdAt = reader.GetFieldValue<DateTimeOffset>(4);
        var policy = reader.GetString(5) == "due_date" ? PayoutPolicy.DueDate : PayoutPolicy.AllCollected;
        var name = reader.GetString(6);
        var exitTurn = reader.GetString(7) == "skip" ? ExitTurn.Skip : ExitTurn.Shorten;
        var payoutChannel = reader.GetString(8);
        LedgerHead? head = null;
        if (lockForEngine)
        {
            await reader.NextResultAsync(ct); // the head (after its INSERT … DO NOTHING, which returns no result set)
            if (await reader.ReadAsync(ct)) head = LedgerWriter.ReadHead(reader);
        }
        await reader.NextResultAsync(ct);
        DateOnly? doneThrough = null;
        var obligationsFrom = 0;
        if (await reader.ReadAsync(ct))
        {
            doneThrough = reader.GetFieldValue<DateOnly>(0);
            obligationsFrom = lockForEngine ? reader.GetInt32(1) : 0;
        }

        await reader.NextResultAsync(ct);
        var versions = new List<RulesVersion>();
        while (await reader.ReadAsync(ct))
        {
            Api.TryParse<Frequency>(reader.GetString(2), out var frequency);
            RotationOrder? order = reader.IsDBNull(8) ? null : Enum.Parse<RotationOrder>(reader.GetString(8), ignoreCase: true);
            PotRule? pot = reader.IsDBNull(9) ? null : Enum.Parse<PotRule>(reader.GetString(9), ignoreCase: true);
            versions.Add(new RulesVersion(reader.GetFieldValue<DateOnly>(0), new GroupRules(
                reader.IsDBNull(1) ? null : reader.GetInt64(1), frequency, reader.GetInt32(3), reader.GetInt64(4),
                new LateFine(reader.GetInt64(5), reader.GetInt32(6), reader.GetInt32(7)), order, pot, reader.GetInt32(10), reader.GetInt32(11))));
        }

        await reader.NextResultAsync(ct);
        var members = new List<EngineMember>();
        var contacts = new Dictionary<Guid, (string, string)>();
        var standing = new Dictionary<Guid, string>();
        while (await reader.ReadAsync(ct))
        {
            contacts[reader.GetGuid(0)] = (reader.GetString(6), reader.GetString(7));
            if (!reader.IsDBNull(8)) standing[reader.GetGuid(0)] = reader.GetString(8);
            Api.TryParse<MemberStatus>(reader.GetString(1), out var status);
            members.Add(new EngineMember(reader.GetGuid(0), status, reader.IsDBNull(2) ? null : reader.GetFieldValue<DateOnly>(2),
                reader.IsDBNull(3) ? null : reader.GetInt32(3), reader.GetFieldValue<DateTimeOffset>(4), reader.GetInt64(5)));
        }

        await reader.NextResultAsync(ct);
        var cycles = new List<EngineCycle>();
        while (await reader.ReadAsync(ct))
            cycles.Add(new EngineCycle(reader.GetInt32(0), reader.GetInt32(1), Enum.Parse<RotationOrder>(reader.GetString(2), ignoreCase: true)));

        await reader.NextResultAsync(ct);
        var turns = new List<EngineTurn>();
        while (await reader.ReadAsync(ct))
            turns.Add(new EngineTurn(reader.GetInt32(0), reader.IsDBNull(1) ? null : reader.GetGuid(1), reader.IsDBNull(2) ? null : reader.GetInt32(2), reader.GetInt64(3)));

        await reader.NextResultAsync(ct);
        var payouts = new List<int>();
        while (await reader.ReadAsync(ct)) payouts.Add(reader.GetInt32(0));

        await reader.NextResultAsync(ct);
        var bids = new List<PeriodBid>();
        while (await reader.ReadAsync(ct))
            bids.Add(new PeriodBid(reader.GetInt32(0), new Bid(reader.GetGuid(1), reader.GetInt64(2), reader.GetFieldValue<DateTimeOffset>(3))));

        await reader.NextResultAsync(ct);
        PendingDraw? pending = await reader.ReadAsync(ct) ? new PendingDraw(reader.GetInt32(0), reader.GetString(1), reader.GetString(2)) : null;
        await reader.NextResultAsync(ct);
        var (obligations, fined, earlier) = await ReadObligationsAsync(reader, ct);

        var createdOn = GroupClock.DateIn(createdAt, timeZone);
        var snapshot = new GroupSnapshot(kind, new GroupCalendar(startsOn, versions), policy, LessEarlier(members, earlier), obligations, fined,
            cycles, turns, payouts, bids, pending);
        return new GroupSchedule(groupId, currency, timeZone, createdOn, name, exitTurn, snapshot, doneThrough, head, contacts, payoutChannel, standing)
        {
            ObligationsFrom = obligationsFrom,
            MembersRead = members,
        };
    }

    /// Each member's contributions less their obligations before the first period read: what
    /// is left for the obligations read, which contributions pay oldest first.
    private static IReadOnlyList<EngineMember> LessEarlier(IReadOnlyList<EngineMember> members, Dictionary<Guid, long> earlier) =>
        earlier.Count == 0 ? members
            : [.. members.Select(m => earlier.TryGetValue(m.Id, out var owed) ? m with { Contributed = m.Contributed - owed } : m)];

    /// The obligations and late fines from a period on, and each member's obligations before it
    /// summed: from firstPeriod, or with null from the cursor's obligations_from.
    private static void AddObligationReads(NpgsqlBatch batch, Guid groupId, int? firstPeriod)
    {
        var (from, args) = firstPeriod is { } period
            ? ("$2", new object[] { groupId, period })
            : ("coalesce((SELECT obligations_from FROM engine_cursors WHERE group_id = $1), 0)", new object[] { groupId });
        batch.BatchCommands.Add(Cmd($"SELECT member_id, period, amount, due_on FROM obligations WHERE group_id = $1 AND period >= {from}", args));
        batch.BatchCommands.Add(Cmd($"SELECT member_id, period FROM late_fines WHERE group_id = $1 AND period >= {from}", args));
        batch.BatchCommands.Add(Cmd($"""
            SELECT member_id, sum(amount)::bigint FROM obligations WHERE group_id = $1 AND period < {from} GROUP BY member_id
            """, args));
    }

    /// The three result sets AddObligationReads asks for (the reader is on the first of them).
    private static async Task<(List<EngineObligation>, List<(Guid, int)>, Dictionary<Guid, long>)> ReadObligationsAsync(NpgsqlDataReader reader,
        CancellationToken ct)
    {
        var obligations = new List<EngineObligation>();
        while (await reader.ReadAsync(ct))
            obligations.Add(new EngineObligation(reader.GetGuid(0), reader.GetInt32(1), reader.GetInt64(2), reader.GetFieldValue<DateOnly>(3)));
        await reader.NextResultAsync(ct);
        var fined = new List<(Guid, int)>();
        while (await reader.ReadAsync(ct)) fined.Add((reader.GetGuid(0), reader.GetInt32(1)));
        await reader.NextResultAsync(ct);
        var earlier = new Dictionary<Guid, long>();
        while (await reader.ReadAsync(ct)) earlier[reader.GetGuid(0)] = reader.GetInt64(1);
        return (obligations, fined, earlier);
    }

    internal static NpgsqlBatchCommand Cmd(string sql, params object?[] values) => LedgerWriter.Command(sql, values);
}
