using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Pamoja.Sandbox.Providers.AfricasTalking;

namespace Pamoja.Sandbox.Tests;

// Each test runs its own sandbox, configured with its own receiver's URL.
public sealed class DeliveryReportTests
{
    private static readonly TimeSpan Delay = TimeSpan.FromMilliseconds(300);

    [Fact]
    public async Task DeliveredMessageIsReportedAfterTheDelayAndRefusedOnesAreNot()
    {
        await using var receiver = await ReportReceiver.StartAsync();
        await using var sandbox = await StartSandboxAsync(receiver.Url, Delay);
        var refused = TestPhones.Kenyan("0405");
        var invalid = "0711000000";
        var delivered = TestPhones.Kenyan();

        var clock = Stopwatch.StartNew();
        // Refused numbers first: had they been queued, their reports would arrive before the real one.
        using var response = await sandbox.Client.SendAsync(AtSms.SendRequest($"{refused},{invalid},{delivered}", "hi"));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var messageId = AtSms.Recipients(await AtSms.ReadJsonAsync(response))[2].GetProperty("messageId").GetString();

        var report = Assert.Single(await receiver.WaitForAsync(1));
        var elapsed = clock.Elapsed;

        Assert.Equal(
            new Dictionary<string, string>
            {
                ["id"] = messageId!,
                ["status"] = "Success",
                ["phoneNumber"] = delivered,
                ["networkCode"] = "99999",
                ["retryCount"] = "0",
            },
            report);
        Assert.True(elapsed >= Delay - TimeSpan.FromMilliseconds(20), $"report came after {elapsed}, before the {Delay} delay");
    }

    [Fact]
    public async Task EachRecipientIsReportedInSendOrder()
    {
        await using var receiver = await ReportReceiver.StartAsync();
        await using var sandbox = await StartSandboxAsync(receiver.Url, TimeSpan.FromMilliseconds(50));
        var phones = new[] { TestPhones.Kenyan(), TestPhones.Kenyan(), TestPhones.Kenyan() };

        using var response = await sandbox.Client.SendAsync(AtSms.SendRequest(string.Join(',', phones), "hi"));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var ids = AtSms.Recipients(await AtSms.ReadJsonAsync(response)).Select(r => r.GetProperty("messageId").GetString()).ToArray();

        var reports = await receiver.WaitForAsync(3);

        Assert.Equal(ids, reports.Select(r => r["id"]));
        Assert.Equal(phones, reports.Select(r => r["phoneNumber"]));
    }

    [Fact]
    public async Task RejectedReportIsNotRetriedAndLaterReportsStillFlow()
    {
        await using var receiver = await ReportReceiver.StartAsync(failFirst: 1);
        await using var sandbox = await StartSandboxAsync(receiver.Url, TimeSpan.FromMilliseconds(50));
        var first = TestPhones.Kenyan();
        var second = TestPhones.Kenyan();

        using (var r = await sandbox.Client.SendAsync(AtSms.SendRequest(first, "one"))) Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        await receiver.WaitForAsync(1);
        using (var r = await sandbox.Client.SendAsync(AtSms.SendRequest(second, "two"))) Assert.Equal(HttpStatusCode.Created, r.StatusCode);

        var reports = await receiver.WaitForAsync(2);

        // Exactly one post per message: the 500 on the first was not retried.
        Assert.Equal([first, second], reports.Select(r => r["phoneNumber"]));
    }

    [Fact]
    public async Task UnreachableReceiverDoesNotDisturbSending()
    {
        await using var sandbox = await StartSandboxAsync(ReportReceiver.UnreachableUrl(), TimeSpan.Zero);
        var phone = TestPhones.Kenyan();

        for (var i = 0; i < 3; i++)
        {
            using var response = await sandbox.Client.SendAsync(AtSms.SendRequest(phone, $"message {i}"));
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }

        using var health = await sandbox.Client.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        var listed = await sandbox.Client.GetStringAsync($"/sandbox/messages?to={Uri.EscapeDataString(phone)}");
        Assert.Contains("message 2", listed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoUrlMeansNoReportsAndDelayDefaultsToOneSecond()
    {
        await using var sandbox = await StartSandboxAsync(url: null, delay: null);

        var options = sandbox.App.Services.GetRequiredService<IOptions<AfricasTalkingOptions>>().Value;

        Assert.Null(options.DeliveryReportUrl);
        Assert.Equal(TimeSpan.FromSeconds(1), options.DeliveryReportDelay);
        var outbox = sandbox.App.Services.GetRequiredService<DeliveryReportOutbox>();
        using (var r = await sandbox.Client.SendAsync(AtSms.SendRequest(TestPhones.Kenyan(), "hi"))) Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        Assert.False(outbox.Reader.TryPeek(out _));
    }

    private static async Task<RunningSandbox> StartSandboxAsync(Uri? url, TimeSpan? delay)
    {
        var args = new List<string> { "--urls", "http://127.0.0.1:0" };
        if (url is not null) args.Add($"--AfricasTalking:DeliveryReportUrl={url}");
        if (delay is not null) args.Add($"--AfricasTalking:DeliveryReportDelay={delay}");
        var app = SandboxApp.Build([.. args]);
        await app.StartAsync();
        return new RunningSandbox(app, new HttpClient { BaseAddress = SandboxApp.BoundAddress(app) });
    }

    private sealed record RunningSandbox(WebApplication App, HttpClient Client) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            Client.Dispose();
            await App.StopAsync();
            await App.DisposeAsync();
        }
    }
}
