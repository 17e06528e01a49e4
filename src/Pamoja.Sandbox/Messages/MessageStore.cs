namespace Pamoja.Sandbox.Messages;

// In-memory and bounded: the sandbox runs for days in a demo and must not grow without limit,
// and nothing in it needs to survive a restart.
public sealed class MessageStore(int capacity = MessageStore.DefaultCapacity)
{
    public const int DefaultCapacity = 10_000;

    private readonly Queue<SandboxMessage> _messages = new();
    private readonly Lock _gate = new();

    public void Add(SandboxMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        lock (_gate)
        {
            _messages.Enqueue(message);
            while (_messages.Count > capacity)
            {
                _messages.Dequeue();
            }
        }
    }

    // Replaces the message with this id (a delivery status moved on). False when it is no longer
    // held. Linear, under the lock: the store is small and status changes are rare.
    public bool Update(string id, Func<SandboxMessage, SandboxMessage> change)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(change);
        lock (_gate)
        {
            var messages = _messages.ToArray();
            var index = Array.FindLastIndex(messages, m => string.Equals(m.Id, id, StringComparison.Ordinal));
            if (index < 0)
            {
                return false;
            }
            messages[index] = change(messages[index]);
            _messages.Clear();
            foreach (var message in messages)
            {
                _messages.Enqueue(message);
            }
            return true;
        }
    }

    public bool Contains(string id)
    {
        lock (_gate)
        {
            return _messages.Any(m => string.Equals(m.Id, id, StringComparison.Ordinal));
        }
    }

    // Newest first, optionally only one recipient and only at or after `since`
    // (inclusive, so a test can take "now" before sending and still see its message).
    public IReadOnlyList<SandboxMessage> List(string? to = null, DateTimeOffset? since = null)
    {
        SandboxMessage[] snapshot;
        lock (_gate)
        {
            snapshot = _messages.ToArray();
        }

        var result = new List<SandboxMessage>();
        for (var i = snapshot.Length - 1; i >= 0; i--)
        {
            var message = snapshot[i];
            if (to is not null && !string.Equals(message.To, to, StringComparison.Ordinal))
            {
                continue;
            }
            if (since is not null && message.ReceivedAt < since.Value)
            {
                continue;
            }
            result.Add(message);
        }
        return result;
    }

    public void Clear()
    {
        lock (_gate)
        {
            _messages.Clear();
        }
    }
}
