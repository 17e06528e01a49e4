using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Npgsql;
using Pamoja.Core.Groups;
using Pamoja.Core.Ledger;
using Pamoja.Core.Money;
using Pamoja.Web.Features.Groups;
using Pamoja.Web.Features.Members;
using Pamoja.Web.Http;

namespace Pamoja.Web.Features.Ledger;

public sealed record RecordContributionRequest(Guid? MemberId, long? Amount, string? Currency, string? Method, string? Reference, DateOnly? PaidOn, string? Memo);

public sealed record ContributionResponse(Guid Id, Guid EntryId, long Seq, Guid MemberId, long Amount, string Currency, string Method,
    string? Reference, DateOnly PaidOn, DateTimeOffset PostedAt, string Hash);

/// An official records a member's contribution — cash at the meeting, a bank transfer, or an
/// M-Pesa/MoMo payment with its receipt. The pool of that channel is debited and the member's
/// contributions credited, in one hash-chained entry. Idempotent by key; a provider's receipt
/// maps to one live entry. Three round trips: read (key, group, member, receipt, head lock),
/// write, commit.
public sealed partial class RecordContribution(NpgsqlDataSource db, TimeProvider clock, IOptions<JsonOptions> json)
{
    public const int MaxReference = 64, MaxMemo = 500;

    public async Task<IResult> HandleAsync(GroupContext caller, RecordContributionRequest request, IdempotencyKey? key, CancellationToken ct)
    {
        // Everything that does not need the group is checked before touching the database.
        var errors = new FieldErrors();
        if (request.MemberId is null) errors.Add("memberId", "memberId is required.");
        if (request.Amount is null) errors.Add("amount", "amount is required, in the currency's minor units.");
        else if (request.Amount <= 0) errors.Add("amount", "amount must be positive.");
        else if (request.Amount > GroupSettingsRules.MaxAmount) errors.Add("amount", "amount is larger than any contribution could be.");
        PaymentMethod method = default;
        if (string.IsNullOrEmpty(request.Method)) errors.Add("method", "method is required: cash, bank, mpesa or momo.");
        else if (!Api.TryParse(request.Method, out method)) errors.Add("method", "method must be cash, bank, mpesa or momo.");
        var reference = errors.Text("reference", request.Reference, MaxReference, required: method is PaymentMethod.Mpesa or PaymentMethod.Momo or PaymentMethod.Bank);
        if (reference is not null && method == PaymentMethod.Mpesa && !MpesaReceipt().IsMatch(reference))
            errors.Add("reference", "An M-Pesa receipt is 10 capital letters and digits, such as QKJ3X7Y8Z9.");
        var memo = errors.Text("memo", request.Memo, MaxMemo, required: false) ?? "";
        if (request.PaidOn < new DateOnly(2000, 1, 1)) errors.Add("paidOn", "paidOn is too far in the past.");
        if (errors.Any)
            return errors.ToProblem();

        var memberId = request.MemberId!.Value;
        var provider = Api.Name(method);
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);

        var read = new NpgsqlBatch(connection, tx);
        key?.AddLookup(read);
        read.BatchCommands.Add(LedgerWriter.Command("SELECT currency, time_zone FROM groups WHERE id = $1", caller.GroupId));
        read.BatchCommands.Add(LedgerWriter.Command("SELECT status FROM group_members WHERE group_id = $1 AND id = $2", caller.GroupId, memberId));
        read.BatchCommands.Add(LedgerWriter.Command(ExternalReferences.LiveEntrySql, provider, (object?)reference ?? DBNull.Value, caller.GroupId));
        LedgerWriter.AddHeadLock(read, caller.GroupId);

        LedgerHead head;
        Currency currency;
        DateOnly paidOn;
        await using (var reader = await read.ExecuteReaderAsync(ct))
        {
            if (key is not null)
            {
                var lookup = await IdempotencyKey.ReadLookupAsync(reader, key, ct);
                if (lookup.Result != IdempotencyLookup.Outcome.Proceed)
                    return lookup.ToResult();
                await reader.NextResultAsync(ct);
            }
            await reader.ReadAsync(ct);
            currency = Currency.Get(reader.GetString(0));
            var today = clock.Today(reader.GetString(1));
            paidOn = request.PaidOn ?? today;
            if (request.Currency is not null && request.Currency != currency.Code)
                return new FieldErrors().Add("currency", $"This group keeps its books in {currency.Code}.").ToProblem();
            if (paidOn > today)
                return new FieldErrors().Add("paidOn", "paidOn cannot be in the future.").ToProblem();
            await reader.NextResultAsync(ct);
            var status = await reader.ReadAsync(ct) ? reader.GetString(0) : null;
            if (status is not ("active" or "suspended"))
                return new FieldErrors().Add("memberId", status is null ? "No such member in this group." : $"This member is {status}; contributions are recorded for active members.").ToProblem();
            await reader.NextResultAsync(ct);
            if (await reader.ReadAsync(ct))
                return ApiProblems.Status(StatusCodes.Status409Conflict, "Reference already recorded",
                    $"This {provider} reference is already recorded (entry {reader.GetGuid(0)}). Reverse that entry first if it was wrong.",
                    new Dictionary<string, object?> { ["entryId"] = reader.GetGuid(0) });
            await reader.NextResultAsync(ct); // (the head's INSERT returns no rows, so no result set of its own)
            await reader.ReadAsync(ct);
            head = LedgerWriter.ReadHead(reader);
        }

        var now = clock.GetUtcNow();
        var amount = new Money(request.Amount!.Value, currency);
        var entry = JournalEntry.Transfer(EntryKinds.Contribution, LedgerAccount.Pool(method), LedgerAccount.MemberContributions(memberId), amount);
        var write = new NpgsqlBatch(connection, tx);
        var posted = LedgerWriter.AddPosting(write, head, entry,
            new PostingMeta(caller.GroupId, currency.Code, paidOn, memo, caller.UserId, null, reference is null ? null : provider, reference), now);
        var contributionId = Guid.CreateVersion7(now);
        write.BatchCommands.Add(LedgerWriter.Command("""
            INSERT INTO contributions (id, group_id, member_id, amount, currency, method, reference, paid_on, entry_id, recorded_by, created_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
            """, contributionId, caller.GroupId, memberId, amount.Minor, currency.Code, provider, LedgerWriter.Nullable(reference), paidOn, posted.Id, caller.UserId, now));

        var response = new ContributionResponse(contributionId, posted.Id, posted.Seq, memberId, amount.Minor, currency.Code, provider, reference, paidOn, posted.PostedAt, posted.Hash);
        var body = JsonSerializer.Serialize(response, json.Value.SerializerOptions);
        key?.AddRecord(write, StatusCodes.Status201Created, body, now);

        try
        {
            await write.ExecuteNonQueryAsync(ct);
            await tx.CommitAsync(ct);
        }
        catch (PostgresException ex) when (ExternalReferences.LostRace(ex))
        {
            // The same receipt recorded at the same instant by another official: theirs won.
            return ApiProblems.Status(StatusCodes.Status409Conflict, "Reference already recorded", $"This {provider} reference is already recorded.");
        }
        return Results.Text(body, "application/json", System.Text.Encoding.UTF8, StatusCodes.Status201Created);
    }

    public static bool IsMpesaReceipt(string reference) => MpesaReceipt().IsMatch(reference);

    [GeneratedRegex("^[A-Z0-9]{10}$")]
    private static partial Regex MpesaReceipt();
}
