using System.Threading.Channels;
using Microsoft.Extensions.Options;

namespace Pamoja.Sandbox.Providers.AfricasTalking;

public sealed record PendingDeliveryReport(string MessageId, string PhoneNumber, DateTimeOffset DueAt);

// Hands accepted messages to the background sender. Bounded, dropping the oldest, so a
// receiver that is down for a long demo cannot make the sandbox hoard memory.
public sealed class DeliveryReportOutbox(IOptions<AfricasTalkingOptions> options, TimeProvider time)
{
    private readonly Channel<PendingDeliveryReport> _channel = Channel.CreateBounded<PendingDeliveryReport>(
        new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

    public ChannelReader<PendingDeliveryReport> Reader => _channel.Reader;

    public void Enqueue(string messageId, string phoneNumber)
    {
        if (options.Value.DeliveryReportUrl is null)
        {
            return;
        }
        var dueAt = time.GetUtcNow() + options.Value.DeliveryReportDelay;
        _channel.Writer.TryWrite(new PendingDeliveryReport(messageId, phoneNumber, dueAt));
    }
}
