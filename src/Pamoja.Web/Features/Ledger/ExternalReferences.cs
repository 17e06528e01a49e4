using Npgsql;

namespace Pamoja.Web.Features.Ledger;

/// A provider's reference (M-Pesa receipt, MoMo reference, bank reference) maps to exactly one
/// live journal entry (external_references, migration 0003). The lookup and the reading of a
/// lost race are said here once, for every use case that records a reference.
public static class ExternalReferences
{
    /// The live entry holding a reference: $1 provider, $2 reference, $3 the group (mobile-money
    /// receipts are unique worldwide, bank references only within a group).
    public const string LiveEntrySql = """
        SELECT entry_id FROM external_references
         WHERE provider = $1 AND reference = $2 AND released_by_entry IS NULL AND (provider <> 'bank' OR group_id = $3)
        """;

    public static async Task<Guid?> TakenAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid groupId, string provider, string reference, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(LiveEntrySql, connection, tx);
        cmd.Parameters.AddWithValue(provider);
        cmd.Parameters.AddWithValue(reference);
        cmd.Parameters.AddWithValue(groupId);
        return (Guid?)await cmd.ExecuteScalarAsync(ct);
    }

    /// The same reference recorded at the same instant by someone else: their insert won.
    public static bool LostRace(PostgresException ex) =>
        ex.SqlState == PostgresErrorCodes.UniqueViolation && ex.ConstraintName?.StartsWith("external_references", StringComparison.Ordinal) == true;
}
