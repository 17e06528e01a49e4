using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;

namespace Pamoja.Sandbox.Providers.Momo;

// An API user made through /v1_0/apiuser. Every key generated for it stays valid: two Pamoja
// instances provisioning the same user must not lock each other out.
public sealed class MomoApiUser(Guid id, string? providerCallbackHost)
{
    private readonly ConcurrentDictionary<string, byte> _keys = new(StringComparer.Ordinal);

    public Guid Id { get; } = id;
    public string? ProviderCallbackHost { get; } = providerCallbackHost;

    public string NewKey()
    {
        var key = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        _keys[key] = 0;
        return key;
    }

    public bool HasKey(string key) => _keys.ContainsKey(key);
}

public sealed record MomoIssuedToken(
    [property: System.Text.Json.Serialization.JsonIgnore] string Token,
    Guid ApiUser,
    MomoProduct Product,
    DateTimeOffset IssuedAt,
    DateTimeOffset ExpiresAt);

// Everything the fake MoMo knows, in memory, for the life of the process. Transactions are never
// evicted: a GET that answered 404 for a request that was in fact carried out would tell a
// client it may safely pay again, the one lie this sandbox must never tell.
public sealed class MomoState
{
    private const int TokenLogCapacity = 10_000;

    private readonly ConcurrentDictionary<Guid, MomoApiUser> _users = new();
    private readonly ConcurrentDictionary<string, MomoIssuedToken> _tokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(MomoProduct, Guid), MomoTransaction> _transactions = new();
    private readonly ConcurrentQueue<MomoIssuedToken> _tokenLog = new();
    private long _nextFinancialTransactionId = 100_000_000 + Random.Shared.Next(0, 800_000_000);

    public bool TryAddUser(MomoApiUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return _users.TryAdd(user.Id, user);
    }

    public MomoApiUser? FindUser(Guid id) => _users.GetValueOrDefault(id);

    public MomoIssuedToken Issue(MomoApiUser user, MomoProduct product, DateTimeOffset now, TimeSpan lifetime)
    {
        ArgumentNullException.ThrowIfNull(user);
        var issued = new MomoIssuedToken(JwtLike(user.Id, product, now + lifetime), user.Id, product, now, now + lifetime);
        _tokens[issued.Token] = issued;
        _tokenLog.Enqueue(issued);
        while (_tokenLog.Count > TokenLogCapacity && _tokenLog.TryDequeue(out var old))
        {
            _tokens.TryRemove(old.Token, out _);
        }
        return issued;
    }

    public MomoIssuedToken? FindToken(string token) => _tokens.GetValueOrDefault(token);

    public IReadOnlyList<MomoIssuedToken> IssuedTokens() => [.. _tokenLog.Reverse()];

    public bool TryAdd(MomoTransaction transaction)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        return _transactions.TryAdd((transaction.Product, transaction.ReferenceId), transaction);
    }

    public MomoTransaction? Find(MomoProduct product, Guid referenceId) => _transactions.GetValueOrDefault((product, referenceId));

    public IReadOnlyList<MomoTransaction> Transactions() =>
        [.. _transactions.Values.OrderByDescending(t => t.CreatedAt).ThenByDescending(t => t.Sequence)];

    // Numeric strings like MTN's ("23503452"), unique within the process.
    public string NextFinancialTransactionId() =>
        Interlocked.Increment(ref _nextFinancialTransactionId).ToString(System.Globalization.CultureInfo.InvariantCulture);

    // Shaped like MTN's tokens (a JWT) so a client that logs or inspects them sees the usual
    // three parts; the signature is random and only this store's lookup makes it valid.
    private static string JwtLike(Guid apiUser, MomoProduct product, DateTimeOffset expires)
    {
        static string Part(object value) => Base64Url(JsonSerializer.SerializeToUtf8Bytes(value));
        return Part(new { typ = "JWT", alg = "R256" }) + "." +
               Part(new { clientId = apiUser.ToString("D"), product = product.PathName(), expires = expires.ToString("O"), sessionId = Guid.NewGuid().ToString("D") }) + "." +
               Base64Url(RandomNumberGenerator.GetBytes(32));
    }

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
