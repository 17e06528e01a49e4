using Npgsql;
using Pamoja.Core.Groups;
using Pamoja.Web.Features.Groups;

namespace Pamoja.Web.Features.Payments;

public sealed record PaymentView(Guid Id, Guid GroupId, Guid MemberId, string MemberName, string Direction, string Provider, long Amount, string Currency,
    string Status, string? ExternalRef, string? Receipt, string? ProviderRef, int Attempt, string? ResultCode, string? ResultMessage, Guid? PayoutId,
    DateTimeOffset CreatedAt, DateTimeOffset? SettledAt);

public sealed record ExceptionView(Guid Id, Guid? GroupId, string Kind, Guid? PaymentId, Guid? CallbackId, long? Amount, string? Currency, string Detail,
    DateTimeOffset FoundAt, DateTimeOffset? ResolvedAt, string? Resolution);

/// Payments and reconciliation exceptions as officials, members and operators see them. Every
/// query is filtered by group (or by the member) as well as checked by the caller's route.
public sealed class PaymentQueries(NpgsqlDataSource db)
{
    public const int MaxList = 200;

    private const string ViewSql = """
        SELECT p.id, p.group_id, p.member_id, m.full_name, p.direction, p.provider, p.amount, p.currency, p.status, p.receipt, p.provider_ref, p.attempt,
               p.result_code, p.result_message, p.payout_id, p.created_at, p.settled_at
          FROM payments p JOIN group_members m ON m.group_id = p.group_id AND m.id = p.member_id
        """;

    public async Task<PaymentView?> GetAsync(Guid paymentId, CancellationToken ct) =>
        (await ReadAsync(ViewSql + " WHERE p.id = $1", ct, paymentId)).FirstOrDefault();

    /// Officials see the group's payments; a member sees their own.
    public Task<IReadOnlyList<PaymentView>> ListAsync(GroupContext caller, Guid? memberId, CancellationToken ct)
    {
        var own = !caller.Can(Permission.RecordMoney);
        var member = own ? caller.MemberId : memberId;
        return member is { } id
            ? ReadAsync(ViewSql + $" WHERE p.group_id = $1 AND p.member_id = $2 ORDER BY p.created_at DESC LIMIT {MaxList}", ct, caller.GroupId, id)
            : ReadAsync(ViewSql + $" WHERE p.group_id = $1 ORDER BY p.created_at DESC LIMIT {MaxList}", ct, caller.GroupId);
    }

    /// May this caller see the payment? Officials of its group, and the member it is for.
    public static bool MaySee(GroupContext caller, PaymentView payment) =>
        caller.GroupId == payment.GroupId && (caller.MemberId == payment.MemberId || caller.Can(Permission.RecordMoney));

    public Task<IReadOnlyList<ExceptionView>> ExceptionsAsync(Guid? groupId, bool open, CancellationToken ct)
    {
        var where = groupId is null ? "group_id IS NULL" : "group_id = $1";
        if (open) where += " AND resolved_at IS NULL";
        return ReadExceptionsAsync($"""
            SELECT id, group_id, kind, payment_id, callback_id, amount, currency, detail, found_at, resolved_at, resolution
              FROM reconciliation_exceptions WHERE {where} ORDER BY found_at DESC LIMIT {MaxList}
            """, ct, groupId);
    }

    private async Task<IReadOnlyList<PaymentView>> ReadAsync(string sql, CancellationToken ct, params object[] values)
    {
        await using var cmd = db.CreateCommand(sql);
        foreach (var v in values) cmd.Parameters.AddWithValue(v);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var list = new List<PaymentView>();
        while (await r.ReadAsync(ct))
        {
            string? receipt = r.IsDBNull(9) ? null : r.GetString(9), providerRef = r.IsDBNull(10) ? null : r.GetString(10);
            list.Add(new PaymentView(r.GetGuid(0), r.GetGuid(1), r.GetGuid(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetInt64(6), r.GetString(7),
                r.GetString(8), receipt ?? providerRef, receipt, providerRef, r.GetInt32(11), r.IsDBNull(12) ? null : r.GetString(12),
                r.IsDBNull(13) ? null : r.GetString(13), r.IsDBNull(14) ? null : r.GetGuid(14), r.GetFieldValue<DateTimeOffset>(15),
                r.IsDBNull(16) ? null : r.GetFieldValue<DateTimeOffset>(16)));
        }
        return list;
    }

    private async Task<IReadOnlyList<ExceptionView>> ReadExceptionsAsync(string sql, CancellationToken ct, Guid? groupId)
    {
        await using var cmd = db.CreateCommand(sql);
        if (groupId is { } g) cmd.Parameters.AddWithValue(g);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var list = new List<ExceptionView>();
        while (await r.ReadAsync(ct))
            list.Add(new ExceptionView(r.GetGuid(0), r.IsDBNull(1) ? null : r.GetGuid(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetGuid(3),
                r.IsDBNull(4) ? null : r.GetGuid(4), r.IsDBNull(5) ? null : r.GetInt64(5), r.IsDBNull(6) ? null : r.GetString(6), r.GetString(7),
                r.GetFieldValue<DateTimeOffset>(8), r.IsDBNull(9) ? null : r.GetFieldValue<DateTimeOffset>(9), r.IsDBNull(10) ? null : r.GetString(10)));
        return list;
    }
}
