using Npgsql;
using Pamoja.Core.Money;

namespace Pamoja.Web.Features.Ledger;

/// The few facts about a group that money paths need, read with plain SQL (hot paths).
public sealed record GroupFacts(Currency Currency, string TimeZone, string Name)
{
    private const string Sql = "SELECT currency, time_zone, name FROM groups WHERE id = $1";

    public static async Task<GroupFacts> LoadAsync(NpgsqlDataSource db, Guid groupId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(Sql);
        return await ReadAsync(cmd, groupId, ct);
    }

    public static async Task<GroupFacts> LoadAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid groupId, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(Sql, connection, tx);
        return await ReadAsync(cmd, groupId, ct);
    }

    private static async Task<GroupFacts> ReadAsync(NpgsqlCommand cmd, Guid groupId, CancellationToken ct)
    {
        cmd.Parameters.AddWithValue(groupId);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) throw new InvalidOperationException($"Group {groupId} vanished.");
        return new GroupFacts(Currency.Get(reader.GetString(0)), reader.GetString(1), reader.GetString(2));
    }
}
