using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Pamoja.Sandbox.Tests;

[Collection(SharedSandbox.Name)]
public sealed class MessagesApiTests(SandboxFixture sandbox)
{
    [Fact]
    public async Task ListUsesExactCamelCaseShape()
    {
        var phone = TestPhones.Kenyan();
        using var sent = await sandbox.SendSmsAsync(phone, "shape", from: "PAMOJA");
        Assert.Equal(HttpStatusCode.Created, sent.StatusCode);

        var json = await sandbox.Client.GetStringAsync($"/sandbox/messages?to={Uri.EscapeDataString(phone)}");

        using var doc = JsonDocument.Parse(json);
        var message = Assert.Single(doc.RootElement.EnumerateArray().ToArray());
        Assert.Equal(["id", "channel", "provider", "from", "to", "body", "receivedAt", "direction"], AtSms.PropertyNames(message));
        Assert.StartsWith("ATXid_", message.GetProperty("id").GetString(), StringComparison.Ordinal);
        Assert.Equal("sms", message.GetProperty("channel").GetString());
        Assert.Equal("africastalking", message.GetProperty("provider").GetString());
        Assert.Equal("PAMOJA", message.GetProperty("from").GetString());
        Assert.Equal(phone, message.GetProperty("to").GetString());
        Assert.Equal("shape", message.GetProperty("body").GetString());
        Assert.Equal("outbound", message.GetProperty("direction").GetString());
        var receivedAt = message.GetProperty("receivedAt").GetDateTimeOffset();
        Assert.Equal(TimeSpan.Zero, receivedAt.Offset);
    }

    [Fact]
    public async Task ListIsNewestFirstAndFiltersByRecipient()
    {
        var phone = TestPhones.Kenyan();
        var otherPhone = TestPhones.Kenyan();
        foreach (var text in new[] { "first", "second", "third" })
        {
            using var r = await sandbox.SendSmsAsync(phone, text);
            Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        }
        using (var r = await sandbox.SendSmsAsync(otherPhone, "someone else"))
        {
            Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        }

        var messages = await sandbox.MessagesToAsync(phone);

        Assert.Equal(["third", "second", "first"], messages.Select(m => m.Body));
        Assert.All(messages, m => Assert.Equal(phone, m.To));
    }

    [Fact]
    public async Task UnencodedPlusInToQueryStillMatches()
    {
        var phone = TestPhones.Kenyan();
        using var sent = await sandbox.SendSmsAsync(phone, "plus");
        Assert.Equal(HttpStatusCode.Created, sent.StatusCode);

        // A bare '+' in a query string decodes to a space.
        var messages = await sandbox.Client.GetFromJsonAsync<List<SandboxMessageDto>>($"/sandbox/messages?to={phone}");

        Assert.Equal("plus", Assert.Single(messages!).Body);
    }

    [Fact]
    public async Task SinceFilterIsInclusiveAndExcludesOlderMessages()
    {
        var phone = TestPhones.Kenyan();
        using (var r = await sandbox.SendSmsAsync(phone, "older")) Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        var older = Assert.Single(await sandbox.MessagesToAsync(phone));
        await WaitUntilClockPasses(older.ReceivedAt);
        using (var r = await sandbox.SendSmsAsync(phone, "newer")) Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        var newer = (await sandbox.MessagesToAsync(phone))[0];
        Assert.Equal("newer", newer.Body);
        Assert.True(newer.ReceivedAt > older.ReceivedAt);

        Assert.Equal(["newer"], (await ListSince(phone, Iso(newer.ReceivedAt))).Select(m => m.Body));
        Assert.Equal(["newer", "older"], (await ListSince(phone, Iso(older.ReceivedAt))).Select(m => m.Body));
        Assert.Empty(await ListSince(phone, Iso(newer.ReceivedAt.AddSeconds(1))));
        // An offset form of the same instant works too.
        Assert.Equal(["newer"], (await ListSince(phone, newer.ReceivedAt.ToOffset(TimeSpan.FromHours(3)).ToString("O", CultureInfo.InvariantCulture))).Select(m => m.Body));
    }

    [Fact]
    public async Task InvalidSinceIsBadRequest()
    {
        using var response = await sandbox.Client.GetAsync("/sandbox/messages?since=yesterday-ish");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("since", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeleteClearsAllMessages()
    {
        var phone = TestPhones.Kenyan();
        using (var r = await sandbox.SendSmsAsync(phone, "to be cleared")) Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        Assert.Single(await sandbox.MessagesToAsync(phone));

        using var deleted = await sandbox.Client.DeleteAsync("/sandbox/messages");

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Empty(await sandbox.Client.GetFromJsonAsync<List<SandboxMessageDto>>("/sandbox/messages") ?? throw new InvalidOperationException());
    }

    [Fact]
    public async Task HealthReportsHealthy()
    {
        using var response = await sandbox.Client.GetAsync("/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"status":"healthy"}""", await response.Content.ReadAsStringAsync());
    }

    private async Task<List<SandboxMessageDto>> ListSince(string phone, string since) =>
        await sandbox.Client.GetFromJsonAsync<List<SandboxMessageDto>>(
            $"/sandbox/messages?to={Uri.EscapeDataString(phone)}&since={Uri.EscapeDataString(since)}")
        ?? throw new InvalidOperationException("null list");

    private static string Iso(DateTimeOffset instant) =>
        instant.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", CultureInfo.InvariantCulture);

    // Bounded: the clock moves on within microseconds; this only guards a coarse clock.
    private static async Task WaitUntilClockPasses(DateTimeOffset instant)
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (DateTimeOffset.UtcNow <= instant && DateTime.UtcNow < deadline)
        {
            await Task.Delay(1);
        }
    }

    // The test's own view of the wire shape, independent of the sandbox's record type.
    private sealed record SandboxMessageDto(string Id, string Channel, string Provider, string From, string To, string Body, DateTimeOffset ReceivedAt);
}
