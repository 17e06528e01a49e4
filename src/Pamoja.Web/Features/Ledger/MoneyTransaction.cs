using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Npgsql;
using Pamoja.Core.Ledger;
using Pamoja.Web.Http;

namespace Pamoja.Web.Features.Ledger;

/// What a money use case hands back inside its transaction: a response to keep (and replay
/// for the same Idempotency-Key), or a refusal that rolls everything back.
public abstract record MoneyOutcome
{
    /// Status: 201 for what was recorded; 202 for what was accepted and happens later (a collection).
    public sealed record Created(object Response, int Status = StatusCodes.Status201Created) : MoneyOutcome;
    public sealed record Refused(IResult Problem) : MoneyOutcome;
}

/// One money-moving request as one transaction: the Idempotency-Key check, the use case's
/// postings, the key's record and the commit. Pool overdrafts refused by the database become
/// 422s with nothing written. (RecordContribution inlines the same steps in fewer round trips.)
public sealed class MoneyTransaction(NpgsqlDataSource db, TimeProvider clock, IOptions<JsonOptions> json)
{
    /// An API request's money use case: its Idempotency-Key (header, caller and body) checked first.
    public Task<IResult> RunAsync(HttpContext http, Groups.GroupContext caller, object request,
        Func<NpgsqlConnection, NpgsqlTransaction, Task<MoneyOutcome>> work, CancellationToken ct)
    {
        var (key, problem) = IdempotencyKey.From(http, caller.UserId, request);
        return problem is not null ? Task.FromResult(problem) : RunAsync(key, work, ct);
    }

    public async Task<IResult> RunAsync(IdempotencyKey? key, Func<NpgsqlConnection, NpgsqlTransaction, Task<MoneyOutcome>> work, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        if (key is not null)
        {
            var lookup = new NpgsqlBatch(connection, tx);
            key.AddLookup(lookup);
            await using var reader = await lookup.ExecuteReaderAsync(ct);
            var found = await IdempotencyKey.ReadLookupAsync(reader, key, ct);
            if (found.Result != IdempotencyLookup.Outcome.Proceed)
                return found.ToResult();
        }

        MoneyOutcome outcome;
        try
        {
            outcome = await work(connection, tx);
        }
        catch (PostgresException ex) when (ExternalReferences.LostRace(ex))
        {
            // The same receipt recorded at the same instant elsewhere: the other one won.
            return ApiProblems.Status(StatusCodes.Status409Conflict, "Reference already recorded", "This reference has just been recorded by someone else.");
        }
        catch (PostgresException ex) when (ex.ConstraintName == "ledger_balances_pool_not_overdrawn")
        {
            return ApiProblems.Status(StatusCodes.Status422UnprocessableEntity, "Not enough money in the pool",
                "This would take the group's pool below zero: the money has already been paid out.");
        }
        if (outcome is MoneyOutcome.Refused refused)
            return refused.Problem;

        var created = (MoneyOutcome.Created)outcome;
        var body = JsonSerializer.Serialize(created.Response, json.Value.SerializerOptions);
        if (key is not null)
        {
            var record = new NpgsqlBatch(connection, tx);
            key.AddRecord(record, created.Status, body, clock.GetUtcNow());
            await record.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
        return Results.Text(body, "application/json", System.Text.Encoding.UTF8, created.Status);
    }

    /// Locks the group's head and posts one entry after it, plus whatever else the caller adds
    /// to the same batch. A precondition on the locked head (say, "no entries yet") that fails
    /// posts nothing and returns null.
    public static async Task<PostedEntry?> PostIfAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Func<LedgerHead, bool> precondition,
        JournalEntry entry, PostingMeta meta, DateTimeOffset now, CancellationToken ct, Action<NpgsqlBatch, PostedEntry>? alongside = null)
    {
        var read = new NpgsqlBatch(connection, tx);
        LedgerWriter.AddHeadLock(read, meta.GroupId);
        LedgerHead head;
        await using (var reader = await read.ExecuteReaderAsync(ct))
        {
            // The reader starts on the SELECT: the INSERT before it returns no result set.
            await reader.ReadAsync(ct);
            head = LedgerWriter.ReadHead(reader);
        }
        if (!precondition(head))
            return null;
        var write = new NpgsqlBatch(connection, tx);
        var posted = LedgerWriter.AddPosting(write, head, entry, meta, now);
        alongside?.Invoke(write, posted);
        await write.ExecuteNonQueryAsync(ct);
        return posted;
    }

    public static async Task<PostedEntry> PostAsync(NpgsqlConnection connection, NpgsqlTransaction tx, JournalEntry entry, PostingMeta meta,
        DateTimeOffset now, CancellationToken ct, Action<NpgsqlBatch, PostedEntry>? alongside = null) =>
        (await PostIfAsync(connection, tx, _ => true, entry, meta, now, ct, alongside))!;
}
