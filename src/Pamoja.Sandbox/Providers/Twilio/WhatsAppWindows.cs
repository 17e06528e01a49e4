using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Pamoja.Sandbox.Providers.Twilio;

// The WhatsApp customer-service window: free-form messages to a number are allowed for 24 h
// after its last inbound message (protocols.md §4.4). Opened only by the inbound simulator,
// as on WhatsApp only the member can open it. Lives as long as the process.
public sealed class WhatsAppWindows(IOptions<TwilioOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _lastInbound = new(StringComparer.Ordinal);

    public void Open(string phone) => _lastInbound[phone] = time.GetUtcNow();

    public bool IsOpen(string phone) =>
        _lastInbound.TryGetValue(phone, out var last) && time.GetUtcNow() < last + options.Value.WhatsAppWindow;
}
