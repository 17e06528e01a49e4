using Npgsql;
using Pamoja.Core.Ledger;

namespace Pamoja.Web.Features.Ledger;

public sealed record VerifyProblem(Guid? EntryId, long? Seq, string Reason);
public sealed record VerifyResult(bool Valid, long Entries, string Head, VerifyProblem? FirstInvalid);

/// Recomputes a group's chain from what is stored, bypassing every cache: the sequence is
/// 1, 2, 3 … with no gap; each entry's prev_hash is the previous entry's hash; each hash equals
/// SHA-256 of the previous hash and the entry's canonical content; each entry balances in the
/// group's currency; the head row names the last entry; and every cached balance equals the sum
/// of its lines. The first failure is named.
public sealed class VerifyLedger(NpgsqlDataSource db)
{
    public async Task<VerifyResult> VerifyAsync(Guid groupId, CancellationToken ct)
    {
        // One snapshot for every read: entries, lines, head and balances as of one instant, so
        // postings committed while we read can never look like tampering.
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        NpgsqlCommand Sql(string text)
        {
            var cmd = new NpgsqlCommand(text, connection, tx);
            cmd.Parameters.AddWithValue(groupId);
            return cmd;
        }

        string currency;
        (long Seq, string Hash)? head = null;
        await using (var cmd = Sql("SELECT g.currency, h.seq, h.hash FROM groups g LEFT JOIN ledger_heads h ON h.group_id = g.id WHERE g.id = $1"))
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            if (!await reader.ReadAsync(ct)) throw new InvalidOperationException($"No group {groupId}.");
            currency = reader.GetString(0);
            if (!reader.IsDBNull(1)) head = (reader.GetInt64(1), reader.GetString(2));
        }

        var lines = new Dictionary<Guid, List<StoredLine>>();
        var sums = new Dictionary<string, long>();
        await using (var cmd = Sql("SELECT entry_id, line_no, account, member_id, amount, currency FROM journal_lines WHERE group_id = $1"))
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct))
            {
                var line = new StoredLine(reader.GetInt32(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetGuid(3), reader.GetInt64(4), reader.GetString(5));
                var id = reader.GetGuid(0);
                if (!lines.TryGetValue(id, out var list)) lines[id] = list = [];
                list.Add(line);
                sums[line.Account] = sums.GetValueOrDefault(line.Account) + line.Amount;
            }

        var entries = new List<(StoredEntry Entry, string PrevHash, string Hash)>();
        await using (var cmd = Sql("""
            SELECT id, seq, kind, posted_at, effective_on, memo, reverses_entry_id, external_provider, external_ref, created_by, prev_hash, hash
              FROM journal_entries WHERE group_id = $1 ORDER BY seq
            """))
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct))
            {
                var id = reader.GetGuid(0);
                entries.Add((new StoredEntry(id, groupId, reader.GetInt64(1), reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3),
                    DateOnly.FromDateTime(reader.GetDateTime(4)), reader.GetString(5), reader.IsDBNull(6) ? null : reader.GetGuid(6),
                    reader.IsDBNull(7) ? null : reader.GetString(7), reader.IsDBNull(8) ? null : reader.GetString(8),
                    reader.IsDBNull(9) ? null : reader.GetGuid(9), lines.GetValueOrDefault(id) ?? []), reader.GetString(10), reader.GetString(11)));
            }

        var cached = new Dictionary<string, long>();
        await using (var cmd = Sql("SELECT account, balance FROM ledger_balances WHERE group_id = $1"))
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct)) cached[reader.GetString(0)] = reader.GetInt64(1);

        var previous = EntryHash.Genesis;
        for (var i = 0; i < entries.Count; i++)
        {
            var (entry, prevHash, hash) = entries[i];
            var expectedSeq = i + 1L;
            string? reason = null;
            if (entry.Seq != expectedSeq)
            {
                // A gap. The entry found here names its predecessor by prev_hash: if that entry
                // exists elsewhere, its number was changed — name it rather than the gap.
                var moved = entries.FirstOrDefault(e => e.Hash == prevHash && e.Entry.Id != entry.Id);
                if (moved.Entry is not null)
                    return new VerifyResult(false, entries.Count, head?.Hash ?? EntryHash.Genesis,
                        new VerifyProblem(moved.Entry.Id, expectedSeq, $"its sequence number was changed to {moved.Entry.Seq}: the chain places it at {expectedSeq}"));
                reason = $"sequence jumps from {expectedSeq - 1} to {entry.Seq}";
            }
            else if (prevHash != previous) reason = "prev_hash does not match the previous entry's hash";
            else if (entry.Lines.Count < 2) reason = "the entry has fewer than two lines";
            else if (entry.Lines.Sum(l => l.Amount) != 0) reason = "the lines do not sum to zero";
            else if (entry.Lines.Any(l => l.Currency != currency)) reason = $"a line is not in the group's currency {currency}";
            else if (EntryHash.Compute(previous, entry) != hash) reason = "the stored content does not match its hash";
            if (reason is not null)
                return new VerifyResult(false, entries.Count, head?.Hash ?? EntryHash.Genesis, new VerifyProblem(entry.Id, entry.Seq, reason));
            previous = hash;
            lines.Remove(entry.Id);
        }

        if (lines.Count > 0)
            return Invalid(entries.Count, head, $"{lines.Count} set(s) of lines belong to no entry of this group", lines.Keys.First());
        if ((head?.Seq ?? 0) != entries.Count || (head?.Hash ?? EntryHash.Genesis) != previous)
            return Invalid(entries.Count, head, $"the head says entry {head?.Seq ?? 0} but the journal ends at {entries.Count}: entries are missing or the head was changed", null);
        foreach (var account in cached.Keys.Union(sums.Keys))
            if (cached.GetValueOrDefault(account) != sums.GetValueOrDefault(account))
                return Invalid(entries.Count, head, $"the cached balance of {account} is {cached.GetValueOrDefault(account)} but its lines sum to {sums.GetValueOrDefault(account)}", null);
        return new VerifyResult(true, entries.Count, previous, null);
    }

    private static VerifyResult Invalid(long entries, (long Seq, string Hash)? head, string reason, Guid? entryId) =>
        new(false, entries, head?.Hash ?? EntryHash.Genesis, new VerifyProblem(entryId, null, reason));

    /// Every group's chain, for `Pamoja.Web.dll verify` (./pamoja verify).
    public async Task<IReadOnlyList<(Guid GroupId, string Name, VerifyResult Result)>> VerifyAllAsync(CancellationToken ct)
    {
        var groups = new List<(Guid, string)>();
        await using (var cmd = db.CreateCommand("SELECT id, name FROM groups ORDER BY created_at"))
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct)) groups.Add((reader.GetGuid(0), reader.GetString(1)));
        var results = new List<(Guid, string, VerifyResult)>();
        foreach (var (id, name) in groups)
            results.Add((id, name, await VerifyAsync(id, ct)));
        return results;
    }
}
