using System.Threading.Channels;

namespace Pamoja.Sandbox.Providers.Twilio;

// One accepted message's delivery story: the callbacks to post, in order, once DueAt passes.
// StatusCallback is the URL text exactly as the client sent it (Twilio signs that text).
public sealed record TwilioStatusJob(
    DateTimeOffset DueAt,
    string MessageSid,
    string AccountSid,
    string From,
    string To,
    bool WhatsApp,
    string? StatusCallback,
    IReadOnlyList<TwilioStatusEvent> Events);

// Hands accepted messages to the background sender. Every message waits the same delay, so
// due times are in send order and a FIFO serves. Bounded, dropping the oldest, so a receiver
// that is down for a long demo cannot make the sandbox hoard memory.
public sealed class TwilioStatusOutbox
{
    private readonly Channel<TwilioStatusJob> _channel = Channel.CreateBounded<TwilioStatusJob>(
        new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

    public ChannelReader<TwilioStatusJob> Reader => _channel.Reader;

    public void Enqueue(TwilioStatusJob job) => _channel.Writer.TryWrite(job);
}
