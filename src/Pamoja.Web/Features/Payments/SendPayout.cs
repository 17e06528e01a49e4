using Npgsql;
using Pamoja.Web.Features.Audit;
using Pamoja.Web.Features.Groups;
using Pamoja.Web.Features.Ledger;
using Pamoja.Web.Http;
using Pamoja.Web.Integrations.Payments;

namespace Pamoja.Web.Features.Payments;

public sealed record SendPayoutRequest(string? Provider);

public sealed record PayoutSending(Guid PaymentId, Guid PayoutId, string Status, string Provider, Guid MemberId, long Amount, string Currency);

/// An official sends a reserved payout to the recipient's phone by M-Pesa (B2C) or MoMo
/// (transfer). (Groups whose payout channel is a provider have the payouts engine do this by
/// itself.) The payout stays reserved until the provider pays it; a failure leaves it reserved
/// for another try, in cash or by the provider. Never to oneself, never two sends at once.
public sealed class SendPayout(PaymentGateways gateways, TimeProvider clock)
{
    public async Task<MoneyOutcome> HandleAsync(NpgsqlConnection connection, NpgsqlTransaction tx, GroupContext caller, Guid payoutId, SendPayoutRequest request,
        CancellationToken ct)
    {
        if (request.Provider is not ("mpesa" or "momo"))
            return new MoneyOutcome.Refused(new FieldErrors().Add("provider", "provider must be mpesa or momo.").ToProblem());
        var provider = request.Provider;

        int period;
        Guid memberId;
        long amount, discount;
        string currency, status, phone;
        await using (var cmd = new NpgsqlCommand("""
            SELECT p.period, p.member_id, p.amount, p.discount, p.currency, p.status, m.phone
              FROM payouts p JOIN group_members m ON m.group_id = p.group_id AND m.id = p.member_id
             WHERE p.id = $1 AND p.group_id = $2 FOR UPDATE OF p
            """, connection, tx))
        {
            cmd.Parameters.AddWithValue(payoutId);
            cmd.Parameters.AddWithValue(caller.GroupId);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            if (!await reader.ReadAsync(ct)) return Refuse(StatusCodes.Status404NotFound, "Not found", "No such payout in this group.");
            (period, memberId, amount, discount, currency, status, phone) = (reader.GetInt32(0), reader.GetGuid(1), reader.GetInt64(2), reader.GetInt64(3),
                reader.GetString(4), reader.GetString(5), reader.GetString(6));
        }
        if (status != "reserved")
            return Refuse(StatusCodes.Status409Conflict, "Already settled", $"This payout is already {status}.");
        if (memberId == caller.MemberId)
            return Refuse(StatusCodes.Status403Forbidden, "Not allowed", "Another official sends a payout to you.");
        if (discount > 0)
            return Refuse(StatusCodes.Status422UnprocessableEntity, "Paid by hand",
                "A bidding payout also pays the discount shares to the other members: confirm it as paid in cash or by bank.");
        await using (var open = new NpgsqlCommand("SELECT id FROM payments WHERE payout_id = $1 AND stage <> 'settled'", connection, tx))
        {
            open.Parameters.AddWithValue(payoutId);
            if (await open.ExecuteScalarAsync(ct) is Guid sending)
                return Refuse(StatusCodes.Status409Conflict, "Already being sent", $"Payment {sending} is sending this payout; wait for its outcome.",
                    new Dictionary<string, object?> { ["paymentId"] = sending });
        }
        if (gateways.Find(provider) is not { } gateway)
            return Refuse(StatusCodes.Status422UnprocessableEntity, "Provider not available", $"{PaymentBook.Name(provider)} is not set up on this server.");
        if (gateway.Refuse(PaymentDirection.Payout, phone, amount, currency) is { } refusal)
            return Refuse(StatusCodes.Status422UnprocessableEntity, $"{PaymentBook.Name(provider)} cannot make this payout", refusal);

        var now = clock.GetUtcNow();
        var paymentId = Guid.CreateVersion7(now);
        await using (var batch = new NpgsqlBatch(connection, tx))
        {
            batch.BatchCommands.Add(PaymentBook.InsertQueued(paymentId, caller.GroupId, memberId, PaymentDirection.Payout, provider, amount, currency, phone,
                payoutId, period, caller.UserId, now));
            batch.BatchCommands.Add(AuditTrail.Command(clock, caller.GroupId, caller.UserId, "payout.sending", "payout", payoutId, null,
                new { paymentId, provider }));
            await batch.ExecuteNonQueryAsync(ct);
        }
        return new MoneyOutcome.Created(new PayoutSending(paymentId, payoutId, "pending", provider, memberId, amount, currency), StatusCodes.Status202Accepted);
    }

    private static MoneyOutcome.Refused Refuse(int status, string title, string detail, IDictionary<string, object?>? extensions = null) =>
        new(ApiProblems.Status(status, title, detail, extensions));
}
