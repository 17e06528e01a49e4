using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Npgsql;
using Pamoja.Core.Groups;
using Pamoja.Core.Ledger;
using Pamoja.Web.Features.Groups;
using Pamoja.Web.Features.Ledger;
using Pamoja.Web.Http;

namespace Pamoja.Bench;

/// One unit of work a writer repeats: true when it did what it should (the caller counts it).
public interface IWorkload
{
    string Name { get; }
    Task<bool> RunOnceAsync(Random random, CancellationToken ct);
}

/// The real thing: RecordContribution.HandleAsync as the API endpoint calls it, for a random
/// member of a random group, cash, with a fresh Idempotency-Key built as IdempotencyKey.From
/// builds it (so every call looks up the key, takes its advisory lock and writes its row).
public sealed class RealContributions(NpgsqlDataSource db, IReadOnlyList<BenchGroup> groups) : IWorkload
{
    private readonly RecordContribution _useCase = new(db, TimeProvider.System, Options.Create(WebJson()));
    private int _failures;

    public string Name => "real";
    public int Succeeded;

    public async Task<bool> RunOnceAsync(Random random, CancellationToken ct)
    {
        var group = groups[random.Next(groups.Count)];
        var member = group.Members[random.Next(group.Members.Length)];
        var request = new RecordContributionRequest(member, random.Next(1, 10_000) * 100L, "KES", "cash", null, null, null);
        var caller = new GroupContext(group.Id, group.OfficialMemberId, group.OfficialUserId, GroupRole.Treasurer);
        var result = await _useCase.HandleAsync(caller, request, Key(caller, request), ct);
        if (result is IStatusCodeHttpResult { StatusCode: StatusCodes.Status201Created })
        {
            Interlocked.Increment(ref Succeeded);
            return true;
        }
        if (Interlocked.Increment(ref _failures) <= 3)
            Console.Error.WriteLine($"    real: {result.GetType().Name} {(result as IStatusCodeHttpResult)?.StatusCode} {(result as IValueHttpResult)?.Value} {(result as IContentTypeHttpResult)?.ContentType}");
        return false;
    }

    /// As IdempotencyKey.From does it for POST /api/v1/groups/{id}/contributions with a new key.
    private static IdempotencyKey Key(GroupContext caller, RecordContributionRequest request)
    {
        var fingerprint = $"POST /api/v1/groups/{caller.GroupId}/contributions\n" + JsonSerializer.Serialize(request, request.GetType());
        return new IdempotencyKey(caller.UserId, Guid.NewGuid().ToString(), SHA256.HashData(Encoding.UTF8.GetBytes(fingerprint)));
    }

    /// The app's JSON settings: web defaults, strict numbers (WebHost.AddPamojaHost).
    private static JsonOptions WebJson()
    {
        var options = new JsonOptions();
        options.SerializerOptions.NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict;
        return options;
    }
}

/// The ceiling: the plainest honest balanced posting in raw SQL. One transaction: one
/// NpgsqlBatch of INSERT journal_entries (one row), INSERT journal_lines (two rows) and one
/// upsert of the two ledger_balances rows, then COMMIT. Same tables, so the same indexes,
/// foreign keys, CHECKs and append-only triggers as the real posting. No head lock, no hash
/// chain (dummy hashes, seq from an in-memory counter per group), no idempotency, no
/// contribution row, no validation reads.
public sealed class CeilingPostings(NpgsqlDataSource db, IReadOnlyList<BenchGroup> groups) : IWorkload
{
    private static readonly string DummyHash = new('c', 64);
    private readonly long[] _seqs = new long[groups.Count];

    public string Name => "ceiling";

    public async Task<bool> RunOnceAsync(Random random, CancellationToken ct)
    {
        var index = random.Next(groups.Count);
        var group = groups[index];
        var member = group.Members[random.Next(group.Members.Length)];
        var amount = random.Next(1, 10_000) * 100L;
        var seq = Interlocked.Increment(ref _seqs[index]);
        var now = EntryHash.ToStoredPrecision(DateTimeOffset.UtcNow);
        var id = Guid.CreateVersion7(now);
        var account = LedgerAccount.MemberContributions(member).Code;

        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using var batch = new NpgsqlBatch(connection, tx);
        batch.BatchCommands.Add(LedgerWriter.Command("""
            INSERT INTO journal_entries (id, group_id, seq, kind, posted_at, effective_on, memo, created_by, prev_hash, hash)
            VALUES ($1, $2, $3, 'contribution', $4, $5, '', $6, $7, $7)
            """, id, group.Id, seq, now, DateOnly.FromDateTime(now.UtcDateTime), group.OfficialUserId, DummyHash));
        batch.BatchCommands.Add(LedgerWriter.Command("""
            INSERT INTO journal_lines (entry_id, group_id, line_no, account, member_id, amount, currency)
            VALUES ($1, $2, 1, 'pool:cash', NULL, $3, 'KES'), ($1, $2, 2, $4, $5, -$3, 'KES')
            """, id, group.Id, amount, account, member));
        batch.BatchCommands.Add(LedgerWriter.Command("""
            INSERT INTO ledger_balances (group_id, account, member_id, currency, balance)
            VALUES ($1, 'pool:cash', NULL, 'KES', $2), ($1, $3, $4, 'KES', -$2)
            ON CONFLICT (group_id, account) DO UPDATE SET balance = ledger_balances.balance + excluded.balance
            """, group.Id, amount, account, member));
        await batch.ExecuteNonQueryAsync(ct);
        await tx.CommitAsync(ct);
        return true;
    }
}
