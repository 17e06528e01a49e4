using Npgsql;
using Pamoja.Web.Features.Audit;
using Pamoja.Web.Features.Groups;
using Pamoja.Web.Features.Ledger;

namespace Pamoja.Web.Features.Payments;

/// A group's payout channel (chair and settings officials) and a member's own standing
/// instruction: the one place both the API and the page change them.
public sealed class PaymentSettings(NpgsqlDataSource db, TimeProvider clock)
{
    public static bool IsChannel([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] string? channel) => channel is "manual" or "mpesa" or "momo";

    public async Task SetPayoutChannelAsync(GroupContext caller, string channel, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(LedgerWriter.Command("UPDATE groups SET payout_channel = $2 WHERE id = $1", caller.GroupId, channel));
        batch.BatchCommands.Add(AuditTrail.Command(clock, caller.GroupId, caller.UserId, "payments.settings", "group", caller.GroupId, null,
            new { payoutChannel = channel }));
        await batch.ExecuteNonQueryAsync(ct);
    }

    /// provider null withdraws it.
    public async Task SetStandingInstructionAsync(GroupContext caller, string? provider, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(provider is null
            ? "DELETE FROM standing_instructions WHERE group_id = $1 AND member_id = $2"
            : """
              INSERT INTO standing_instructions (group_id, member_id, provider, created_at) VALUES ($1, $2, $3, $4)
              ON CONFLICT (group_id, member_id) DO UPDATE SET provider = EXCLUDED.provider
              """);
        cmd.Parameters.AddWithValue(caller.GroupId);
        cmd.Parameters.AddWithValue(caller.MemberId);
        if (provider is not null)
        {
            cmd.Parameters.AddWithValue(provider);
            cmd.Parameters.AddWithValue(clock.GetUtcNow());
        }
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
