using Npgsql;
using Pamoja.Core.Groups;
using Pamoja.Web.Features.Audit;
using Pamoja.Web.Features.Groups;
using Pamoja.Web.Features.Ledger;
using Pamoja.Web.Http;
using Pamoja.Web.Integrations.Payments;

namespace Pamoja.Web.Features.Payments;

public sealed record CollectionRequest(Guid? MemberId, long? Amount, string? Provider, string? Currency);

public sealed record CollectionAccepted(Guid PaymentId, string Status, string Provider, Guid MemberId, long Amount, string Currency);

/// Asks a provider to collect a contribution from a member's phone (M-Pesa STK push, MoMo
/// request-to-pay): the member approves it on their phone with their PIN. A member asks for
/// themselves ("pay now"); an official may ask on a member's behalf. The payment is queued in the
/// request's transaction and sent by the payments worker as soon as it commits (the caller
/// signals PaymentSignal after the commit); the money is recorded when the
/// provider says it moved. Idempotent by key, like every money request.
public sealed class RequestCollection(PaymentGateways gateways, TimeProvider clock)
{
    public async Task<MoneyOutcome> HandleAsync(NpgsqlConnection connection, NpgsqlTransaction tx, GroupContext caller, CollectionRequest request,
        CancellationToken ct)
    {
        var errors = new FieldErrors();
        if (request.MemberId is null) errors.Add("memberId", "memberId is required.");
        if (request.Amount is null) errors.Add("amount", "amount is required, in the currency's minor units.");
        else if (request.Amount <= 0) errors.Add("amount", "amount must be positive.");
        else if (request.Amount > GroupSettingsRules.MaxAmount) errors.Add("amount", "amount is larger than any contribution could be.");
        if (string.IsNullOrEmpty(request.Provider)) errors.Add("provider", "provider is required: mpesa or momo.");
        else if (request.Provider is not ("mpesa" or "momo")) errors.Add("provider", "provider must be mpesa or momo.");
        if (errors.Any) return new MoneyOutcome.Refused(errors.ToProblem());

        var memberId = request.MemberId!.Value;
        if (memberId != caller.MemberId && !caller.Can(Permission.RecordMoney))
            return Refuse(StatusCodes.Status403Forbidden, "Not allowed", "You can pay for yourself; an official can ask a member to pay.");

        string? status = null, phone = null, currency;
        await using (var cmd = new NpgsqlCommand("""
            SELECT g.currency, m.status, m.phone FROM groups g LEFT JOIN group_members m ON m.group_id = g.id AND m.id = $2 WHERE g.id = $1
            """, connection, tx))
        {
            cmd.Parameters.AddWithValue(caller.GroupId);
            cmd.Parameters.AddWithValue(memberId);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            currency = reader.GetString(0);
            if (!reader.IsDBNull(1)) { status = reader.GetString(1); phone = reader.GetString(2); }
        }
        if (request.Currency is not null && request.Currency != currency)
            return new MoneyOutcome.Refused(new FieldErrors().Add("currency", $"This group keeps its books in {currency}.").ToProblem());
        if (status is null)
            return new MoneyOutcome.Refused(new FieldErrors().Add("memberId", "No such member in this group.").ToProblem());
        if (status is not ("active" or "suspended"))
            return Refuse(StatusCodes.Status422UnprocessableEntity, "Member cannot pay", $"This member is {status}.");

        var provider = request.Provider!;
        if (gateways.Find(provider) is not { } gateway)
            return Refuse(StatusCodes.Status422UnprocessableEntity, "Provider not available", $"{PaymentBook.Name(provider)} is not set up on this server.");
        if (gateway.Refuse(PaymentDirection.Collection, phone!, request.Amount!.Value, currency) is { } refusal)
            return Refuse(StatusCodes.Status422UnprocessableEntity, $"{PaymentBook.Name(provider)} cannot take this payment", refusal);

        var now = clock.GetUtcNow();
        var paymentId = Guid.CreateVersion7(now);
        await using (var batch = new NpgsqlBatch(connection, tx))
        {
            batch.BatchCommands.Add(PaymentBook.InsertQueued(paymentId, caller.GroupId, memberId, PaymentDirection.Collection, provider, request.Amount.Value,
                currency, phone!, null, null, caller.UserId, now));
            batch.BatchCommands.Add(AuditTrail.Command(clock, caller.GroupId, caller.UserId, "payment.requested", "payment", paymentId, null,
                new { memberId, amount = request.Amount.Value, provider }));
            await batch.ExecuteNonQueryAsync(ct);
        }
        return new MoneyOutcome.Created(new CollectionAccepted(paymentId, "pending", provider, memberId, request.Amount.Value, currency),
            StatusCodes.Status202Accepted);
    }

    private static MoneyOutcome.Refused Refuse(int status, string title, string detail) => new(ApiProblems.Status(status, title, detail));
}
