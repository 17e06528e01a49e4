using Pamoja.Sandbox.Messages;

namespace Pamoja.Sandbox.Tests;

public sealed class MessageStoreTests
{
    private static SandboxMessage Message(int n) =>
        new($"id{n}", "sms", "africastalking", "AFRICASTKNG", "+254700000001", $"body {n}",
            DateTimeOffset.UnixEpoch.AddMinutes(n));

    [Fact]
    public void KeepsOnlyTheNewestUpToCapacity()
    {
        var store = new MessageStore(capacity: 3);
        for (var n = 1; n <= 5; n++)
        {
            store.Add(Message(n));
        }

        Assert.Equal(["id5", "id4", "id3"], store.List().Select(m => m.Id));
    }

    [Fact]
    public async Task ConcurrentAddsAreAllKeptWithinCapacity()
    {
        var store = new MessageStore(capacity: 10_000);

        await Task.WhenAll(Enumerable.Range(0, 8).Select(t => Task.Run(() =>
        {
            for (var n = 0; n < 1_000; n++)
            {
                store.Add(Message((t * 1_000) + n));
            }
        })));

        Assert.Equal(8_000, store.List().Select(m => m.Id).Distinct().Count());
    }
}
