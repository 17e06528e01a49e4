using Npgsql;
using Pamoja.Core.Groups;
using Pamoja.Core.Ledger;
using Pamoja.Core.Money;
using Pamoja.Web.Features.Groups;
using Pamoja.Web.Features.Members;
using Pamoja.Web.Http;

namespace Pamoja.Web.Features.Ledger;

public sealed record FeeRequest(Guid? MemberId, long? Amount, string? Method, string? Reference);
public sealed record FineRequest(Guid? MemberId, long? Amount, string? Reason, bool? PaidNow, string? Method);
public sealed record ChargeResponse(Guid EntryId, long Seq, string Kind, Guid MemberId, long Amount, string Currency, string Hash, Guid? PaymentEntryId);

/// Registration fees and fines are entries like any other. A fee is paid into the pool as fee
/// income. A fine is charged to the member (they owe it: receivable → fine income) and, when
/// paid, settled from the pool; paying at once posts both entries in one transaction.
public sealed class RecordCharges(TimeProvider clock)
{
    public async Task<MoneyOutcome> FeeAsync(NpgsqlConnection connection, NpgsqlTransaction tx, GroupContext caller, FeeRequest request, CancellationToken ct)
    {
        var facts = await GroupFacts.LoadAsync(connection, tx, caller.GroupId, ct);
        var errors = new FieldErrors();
        PaymentMethod method = default;
        if (request.MemberId is null) errors.Add("memberId", "memberId is required.");
        if (request.Amount is not null && request.Amount is <= 0 or > GroupSettingsRules.MaxAmount) errors.Add("amount", "amount must be a positive amount in minor units.");
        if (!Api.TryParse(request.Method, out method)) errors.Add("method", "method must be cash, bank, mpesa or momo.");
        var reference = errors.Text("reference", request.Reference, RecordContribution.MaxReference, required: false);
        if (reference is not null && method == PaymentMethod.Mpesa && !RecordContribution.IsMpesaReceipt(reference))
            errors.Add("reference", "An M-Pesa receipt is 10 capital letters and digits, such as QKJ3X7Y8Z9.");
        if (errors.Any) return new MoneyOutcome.Refused(errors.ToProblem());
        if (await MemberCheck.RefuseUnlessMemberAsync(connection, tx, caller.GroupId, request.MemberId!.Value, ct) is { } refused)
            return new MoneyOutcome.Refused(refused);

        var amount = request.Amount ?? await RegistrationFeeAsync(connection, tx, caller.GroupId, clock.Today(facts.TimeZone), ct);
        var provider = Api.Name(method);
        if (reference is not null && await ExternalReferences.TakenAsync(connection, tx, caller.GroupId, provider, reference, ct) is { } taken)
            return new MoneyOutcome.Refused(ApiProblems.Status(StatusCodes.Status409Conflict, "Reference already recorded",
                $"This {provider} reference is already recorded (entry {taken}).", new Dictionary<string, object?> { ["entryId"] = taken }));
        if (amount <= 0)
            return new MoneyOutcome.Refused(new FieldErrors().Add("amount", "This group has no registration fee; give an amount.").ToProblem());
        var entry = JournalEntry.Transfer(EntryKinds.RegistrationFee, LedgerAccount.Pool(method), LedgerAccount.IncomeFees, new Money(amount, facts.Currency));
        var posted = await MoneyTransaction.PostAsync(connection, tx, entry,
            new PostingMeta(caller.GroupId, facts.Currency.Code, clock.Today(facts.TimeZone), $"Registration fee ({provider})", caller.UserId,
                null, reference is null ? null : provider, reference), clock.GetUtcNow(), ct);
        return new MoneyOutcome.Created(new ChargeResponse(posted.Id, posted.Seq, EntryKinds.RegistrationFee, request.MemberId.Value, amount, facts.Currency.Code, posted.Hash, null));
    }

    public async Task<MoneyOutcome> FineAsync(NpgsqlConnection connection, NpgsqlTransaction tx, GroupContext caller, FineRequest request, CancellationToken ct)
    {
        var facts = await GroupFacts.LoadAsync(connection, tx, caller.GroupId, ct);
        var errors = new FieldErrors();
        if (request.MemberId is null) errors.Add("memberId", "memberId is required.");
        if (request.Amount is null or <= 0 or > GroupSettingsRules.MaxAmount) errors.Add("amount", "amount must be a positive amount in minor units.");
        var reason = errors.Text("reason", request.Reason, 200);
        PaymentMethod method = PaymentMethod.Cash;
        if (request.PaidNow == true && !Api.TryParse(request.Method, out method)) errors.Add("method", "A fine paid now needs a method: cash, bank, mpesa or momo.");
        if (errors.Any) return new MoneyOutcome.Refused(errors.ToProblem());
        var memberId = request.MemberId!.Value;
        if (await MemberCheck.RefuseUnlessMemberAsync(connection, tx, caller.GroupId, memberId, ct) is { } refused)
            return new MoneyOutcome.Refused(refused);

        var amount = new Money(request.Amount!.Value, facts.Currency);
        var today = clock.Today(facts.TimeZone);
        var charged = await MoneyTransaction.PostAsync(connection, tx,
            JournalEntry.Transfer(EntryKinds.FineCharged, LedgerAccount.MemberReceivable(memberId), LedgerAccount.IncomeFines, amount),
            new PostingMeta(caller.GroupId, facts.Currency.Code, today, "Fine: " + reason, caller.UserId), clock.GetUtcNow(), ct);
        PostedEntry? paid = null;
        if (request.PaidNow == true)
            paid = await MoneyTransaction.PostAsync(connection, tx,
                JournalEntry.Transfer(EntryKinds.FinePaid, LedgerAccount.Pool(method), LedgerAccount.MemberReceivable(memberId), amount),
                new PostingMeta(caller.GroupId, facts.Currency.Code, today, "Fine paid: " + reason, caller.UserId), clock.GetUtcNow(), ct);
        return new MoneyOutcome.Created(new ChargeResponse(charged.Id, (paid ?? charged).Seq, EntryKinds.FineCharged, memberId, amount.Minor,
            facts.Currency.Code, (paid ?? charged).Hash, paid?.Id));
    }

    /// The fee in the rules that apply today, or from the start for a group that has not started.
    private static async Task<long> RegistrationFeeAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid groupId, DateOnly today, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            SELECT r.registration_fee FROM group_rules r JOIN groups g ON g.id = r.group_id
             WHERE r.group_id = $1 AND r.effective_from <= greatest($2, g.starts_on)
             ORDER BY r.version DESC LIMIT 1
            """, connection, tx);
        cmd.Parameters.AddWithValue(groupId);
        cmd.Parameters.AddWithValue(today);
        return (long?)await cmd.ExecuteScalarAsync(ct) ?? 0;
    }
}
