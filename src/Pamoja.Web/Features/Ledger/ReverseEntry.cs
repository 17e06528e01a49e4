using Npgsql;
using Pamoja.Core.Ledger;
using Pamoja.Core.Money;
using Pamoja.Web.Features.Groups;
using Pamoja.Web.Http;

namespace Pamoja.Web.Features.Ledger;

public sealed record ReverseRequest(string? Reason);
public sealed record ReversalResponse(Guid Id, long Seq, Guid Reverses, string Reason, DateTimeOffset PostedAt, string Hash);

/// Entries are never changed; a mistake is undone by a reversing entry that negates every line,
/// with the official's reason. An entry is reversed at most once (a unique index says so under
/// concurrency), reversals are not themselves reversed (record the money again instead), and a
/// provider reference held by the entry is released so it can be recorded correctly.
public sealed class ReverseEntry(TimeProvider clock)
{
    public const int MaxReason = 500;

    public async Task<MoneyOutcome> HandleAsync(NpgsqlConnection connection, NpgsqlTransaction tx, GroupContext caller, Guid entryId, string reason, CancellationToken ct)
    {
        var facts = await GroupFacts.LoadAsync(connection, tx, caller.GroupId, ct);
        string kind;
        var lines = new List<JournalLine>();
        await using (var cmd = new NpgsqlCommand("""
            SELECT e.kind, l.account, l.amount,
                   EXISTS (SELECT 1 FROM journal_entries r WHERE r.reverses_entry_id = e.id)
              FROM journal_entries e JOIN journal_lines l ON l.entry_id = e.id
             WHERE e.group_id = $1 AND e.id = $2
             ORDER BY l.line_no
            """, connection, tx))
        {
            cmd.Parameters.AddWithValue(caller.GroupId);
            cmd.Parameters.AddWithValue(entryId);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            kind = "";
            var reversed = false;
            while (await reader.ReadAsync(ct))
            {
                kind = reader.GetString(0);
                reversed = reader.GetBoolean(3);
                var account = LedgerAccount.Parse(reader.GetString(1)) ?? throw new InvalidOperationException($"Unknown account {reader.GetString(1)} in entry {entryId}.");
                lines.Add(new JournalLine(account, new Money(reader.GetInt64(2), facts.Currency)));
            }
            if (lines.Count == 0)
                return new MoneyOutcome.Refused(ApiProblems.Status(StatusCodes.Status404NotFound, "Not found", "No such entry in this group's journal."));
            if (kind == EntryKinds.Reversal)
                return new MoneyOutcome.Refused(ApiProblems.Status(StatusCodes.Status422UnprocessableEntity, "Cannot reverse a reversal",
                    "This entry is itself a reversal. To restore the original, record it again."));
            if (kind is EntryKinds.PayoutReserved or EntryKinds.PayoutPaid or EntryKinds.PayoutSent or EntryKinds.PayoutReturned)
                return new MoneyOutcome.Refused(ApiProblems.Status(StatusCodes.Status422UnprocessableEntity, "Payouts are voided, not reversed",
                    "This entry belongs to a payout. Void the payout instead: its reservation is then reversed with the reason."));
            if (reversed)
                return new MoneyOutcome.Refused(ApiProblems.Status(StatusCodes.Status409Conflict, "Already reversed", "This entry has already been reversed."));
        }

        var reversal = new JournalEntry(kind, lines).Reversal();
        var now = clock.GetUtcNow();
        PostedEntry posted;
        try
        {
            posted = await MoneyTransaction.PostAsync(connection, tx, reversal,
                new PostingMeta(caller.GroupId, facts.Currency.Code, clock.Today(facts.TimeZone), reason, caller.UserId, entryId), now, ct,
                (batch, p) => batch.BatchCommands.Add(LedgerWriter.Command(
                    "UPDATE external_references SET released_by_entry = $2 WHERE entry_id = $1 AND released_by_entry IS NULL", entryId, p.Id)));
        }
        catch (PostgresException ex) when (ex.ConstraintName == "journal_entries_reverses_key")
        {
            return new MoneyOutcome.Refused(ApiProblems.Status(StatusCodes.Status409Conflict, "Already reversed", "This entry has just been reversed by someone else."));
        }
        return new MoneyOutcome.Created(new ReversalResponse(posted.Id, posted.Seq, entryId, reason, posted.PostedAt, posted.Hash));
    }
}
