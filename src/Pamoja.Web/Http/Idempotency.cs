using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Npgsql;
using Pamoja.Web.Features.Ledger;

namespace Pamoja.Web.Http;

/// Idempotency-Key for POSTs that move money (api.md § Conventions, protocols.md §6): the same
/// key and the same request → the first response again, byte for byte, and no new effect; the
/// same key with another request → 422; the same key while the first is still running → 409.
/// The key's record is written in the same transaction as the effect, so a crash leaves either
/// both or neither, and the next try with the key simply runs.
public sealed record IdempotencyKey(Guid Scope, string Key, byte[] RequestHash)
{
    public const string Header = "Idempotency-Key";

    /// Null when the request carries no key; a 400 problem when the key is malformed.
    public static (IdempotencyKey? Key, IResult? Problem) From(HttpContext http, Guid scope, object request)
    {
        if (!http.Request.Headers.TryGetValue(Header, out var values))
            return (null, null);
        var key = values.ToString();
        if (values.Count != 1 || key.Length is < 1 or > 255 || key.Any(char.IsControl))
            return (null, ApiProblems.Validation(new Dictionary<string, string[]> { [Header] = ["Idempotency-Key must be 1 to 255 printable characters."] }));
        // The request as the endpoint understood it (route and parsed body), so spacing or key
        // order in the JSON does not make the same request look different.
        var fingerprint = http.Request.Method + " " + http.Request.Path + "\n" + JsonSerializer.Serialize(request, request.GetType());
        return (new IdempotencyKey(scope, key, SHA256.HashData(Encoding.UTF8.GetBytes(fingerprint))), null);
    }

    /// A transaction-scoped advisory lock on the key: a second request with the same key while
    /// the first holds it is told 409 at once instead of waiting.
    public long LockId => BitConverter.ToInt64(SHA256.HashData(Encoding.UTF8.GetBytes(Scope.ToString("N") + "\n" + Key)), 0);

    public void AddLookup(NpgsqlBatch batch)
    {
        batch.BatchCommands.Add(LedgerWriter.Command("SELECT pg_try_advisory_xact_lock($1)", LockId));
        batch.BatchCommands.Add(LedgerWriter.Command("SELECT request_hash, status_code, response_body FROM idempotency_keys WHERE scope = $1 AND key = $2", Scope, Key));
    }

    /// Reads the two results AddLookup asked for.
    public static async Task<IdempotencyLookup> ReadLookupAsync(NpgsqlDataReader reader, IdempotencyKey key, CancellationToken ct)
    {
        await reader.ReadAsync(ct);
        var locked = reader.GetBoolean(0);
        await reader.NextResultAsync(ct);
        if (!await reader.ReadAsync(ct))
            return locked ? IdempotencyLookup.Proceed : IdempotencyLookup.Running;
        var hash = (byte[])reader[0];
        return !hash.AsSpan().SequenceEqual(key.RequestHash)
            ? IdempotencyLookup.Mismatch
            : new IdempotencyLookup(IdempotencyLookup.Outcome.Replay, reader.GetInt32(1), reader.GetString(2));
    }

    public void AddRecord(NpgsqlBatch batch, int statusCode, string responseBody, DateTimeOffset now) =>
        batch.BatchCommands.Add(LedgerWriter.Command(
            "INSERT INTO idempotency_keys (scope, key, request_hash, status_code, response_body, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
            Scope, Key, RequestHash, statusCode, responseBody, now));
}

public sealed record IdempotencyLookup(IdempotencyLookup.Outcome Result, int StatusCode = 0, string? Body = null)
{
    public enum Outcome { Proceed, Replay, Mismatch, Running }

    public static readonly IdempotencyLookup Proceed = new(Outcome.Proceed);
    public static readonly IdempotencyLookup Mismatch = new(Outcome.Mismatch);
    public static readonly IdempotencyLookup Running = new(Outcome.Running);

    public IResult ToResult() => Result switch
    {
        Outcome.Replay => Results.Text(Body!, "application/json", Encoding.UTF8, StatusCode),
        Outcome.Mismatch => ApiProblems.Status(StatusCodes.Status422UnprocessableEntity, "Idempotency key reused",
            "This Idempotency-Key was used for a different request. Use a new key for a new request."),
        _ => ApiProblems.Status(StatusCodes.Status409Conflict, "Request in progress",
            "A request with this Idempotency-Key is still being processed. Retry shortly to get its result."),
    };
}
