using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace Pamoja.Sandbox.Providers.AfricasTalking;

// One simulated USSD session: what AT keeps between a phone's steps. Mutated only by the one
// request that holds it (TryEnter), so its fields need no lock of their own.
public sealed class UssdSession(string id, string phoneNumber, string serviceCode, Uri callbackUrl, DateTimeOffset startedAt)
{
    private int _busy;

    public string Id { get; } = id;
    public string PhoneNumber { get; } = phoneNumber;
    public string ServiceCode { get; } = serviceCode;
    public Uri CallbackUrl { get; } = callbackUrl;
    public DateTimeOffset StartedAt { get; } = startedAt;
    public DateTimeOffset LastActivity { get; set; } = startedAt;

    // The cumulative text AT posts: "" on the dial, then every input joined by '*'.
    public string Text { get; set; } = "";
    public int InputCount { get; set; }
    public int Hops { get; set; }

    // The last form posted, for "replay"; the last body the app answered, for the end event.
    public IReadOnlyList<KeyValuePair<string, string>>? LastForm { get; set; }
    public string? LastAppResponse { get; set; }

    // null while open; "Success" (END), "Failed" (a violation) or "Incomplete" (expired).
    public string? EndStatus { get; set; }

    public bool TryEnter() => Interlocked.CompareExchange(ref _busy, 1, 0) == 0;

    public void Exit() => Volatile.Write(ref _busy, 0);
}

// In memory and bounded, like the message store. Sessions are kept after they end (for a
// clear 409 or 410 instead of "unknown") until the bound pushes them out.
public sealed class UssdSessions(IOptions<AfricasTalkingOptions> options, TimeProvider time)
{
    private readonly Dictionary<string, UssdSession> _sessions = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public UssdSession Start(string phoneNumber, string serviceCode, Uri callbackUrl)
    {
        // AT's session ids look like "ATUid_" and hex.
        var session = new UssdSession("ATUid_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
            phoneNumber, serviceCode, callbackUrl, time.GetUtcNow());
        lock (_gate)
        {
            var max = Math.Max(1, options.Value.MaxUssdSessions);
            if (_sessions.Count >= max)
            {
                // Ended sessions go first, then the least recently active ones.
                foreach (var old in _sessions.Values
                    .OrderBy(s => s.EndStatus is null ? 1 : 0)
                    .ThenBy(s => s.LastActivity)
                    .Take(_sessions.Count - max + 1)
                    .ToList())
                {
                    _sessions.Remove(old.Id);
                }
            }
            _sessions[session.Id] = session;
        }
        return session;
    }

    public UssdSession? Find(string id)
    {
        lock (_gate)
        {
            return _sessions.GetValueOrDefault(id);
        }
    }

    public IReadOnlyList<UssdSession> List()
    {
        lock (_gate)
        {
            return _sessions.Values.OrderByDescending(s => s.LastActivity).ToList();
        }
    }

    public TimeSpan Timeout => options.Value.UssdSessionTimeout;

    public bool IsExpired(UssdSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        return time.GetUtcNow() - session.LastActivity > options.Value.UssdSessionTimeout;
    }
}
