using Npgsql;
using Pamoja.Web.Http;

namespace Pamoja.Web.Features.Ledger;

internal static class MemberCheck
{
    /// Null when the member belongs to the group and may have money recorded; else the 400.
    public static async Task<IResult?> RefuseUnlessMemberAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid groupId, Guid memberId, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT status FROM group_members WHERE group_id = $1 AND id = $2", connection, tx);
        cmd.Parameters.AddWithValue(groupId);
        cmd.Parameters.AddWithValue(memberId);
        var status = (string?)await cmd.ExecuteScalarAsync(ct);
        return status is "active" or "suspended"
            ? null
            : new FieldErrors().Add("memberId", status is null ? "No such member in this group." : $"This member is {status}.").ToProblem();
    }
}
