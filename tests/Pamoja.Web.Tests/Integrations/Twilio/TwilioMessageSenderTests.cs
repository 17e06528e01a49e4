using Pamoja.Web.Features.Notifications;
using Pamoja.Web.Integrations.Twilio;

namespace Pamoja.Web.Tests.Integrations.Twilio;

public sealed class TwilioMessageSenderTests(TwilioHostFixture fixture) : IClassFixture<TwilioHostFixture>
{
    private const string ContentSid = "HXb5b62575e6e4ff6129ad7c8efe1f983e";

    private static int _next = Random.Shared.Next(0, 5_000);

    private TwilioTestHost Host => fixture.Host;

    /// Fresh Kenyan numbers ending in a script suffix ("1234": nothing scripted).
    private static string Phone(string suffix = "1234") =>
        "+2547" + (Interlocked.Increment(ref _next) % 10_000).ToString("D4", System.Globalization.CultureInfo.InvariantCulture) + suffix;

    private static OutgoingMessage Message(string channel, string phone, string body = "Karibu Pamoja", Uri? callback = null) =>
        new(Guid.NewGuid(), channel, phone, body) { StatusCallback = callback };

    [Fact]
    public async Task SmsIsSentFromTheSmsNumberAndDelivered()
    {
        var phone = Phone();
        var callback = Host.Receiver.NewStatusUrl();

        var result = await Host.Sender.SendAsync(Message("sms", phone, "Mchango wako wa KES 500 umepokelewa", callback), default);

        Assert.True(result.Sent, result.Error);
        Assert.Matches("^SM[0-9a-f]{32}$", result.ProviderMessageId);
        var stored = Assert.Single(await Host.MessagesAsync(m => m.To == phone));
        Assert.Equal((result.ProviderMessageId, "sms", TwilioOptions.SandboxSmsFrom, "Mchango wako wa KES 500 umepokelewa"),
            (stored.Id, stored.Channel, stored.From, stored.Body));
        var statuses = await Host.Receiver.WaitForStatusesAsync(callback, 2);
        Assert.Equal(["sent", "delivered"], statuses.Select(s => s.Status));
        Assert.All(statuses, s => Assert.Equal((result.ProviderMessageId, "sms"), (s.MessageSid, s.Channel)));
    }

    [Fact]
    public async Task WhatsAppTemplateGoesWithContentSidAndVariablesOutsideTheWindow()
    {
        var phone = Phone();
        var callback = Host.Receiver.NewStatusUrl();
        var message = Message("whatsapp", phone, "Habari Amina, mchango wa KES 500 unadaiwa leo.", callback) with
        {
            ContentSid = ContentSid,
            ContentVariables = """{"1":"Amina","2":"KES 500"}""",
        };

        var result = await Host.Sender.SendAsync(message, default);

        Assert.True(result.Sent, result.Error);
        var stored = Assert.Single(await Host.MessagesAsync(m => m.To == phone));
        Assert.Equal(("whatsapp", TwilioOptions.SandboxWhatsAppFrom), (stored.Channel, stored.From));
        // The sandbox records what it was asked: the template, not the rendered Body.
        Assert.Equal($$"""[template {{ContentSid}}] {"1":"Amina","2":"KES 500"}""", stored.Body);
        var statuses = await Host.Receiver.WaitForStatusesAsync(callback, 3);
        Assert.Equal(["sent", "delivered", "read"], statuses.Select(s => s.Status));
        Assert.All(statuses, s => Assert.Equal("whatsapp", s.Channel));
    }

    [Fact]
    public async Task FreeFormWhatsAppOutsideTheWindowIsQueuedThenReportedFailed63016()
    {
        var phone = Phone();
        var callback = Host.Receiver.NewStatusUrl();

        var result = await Host.Sender.SendAsync(Message("whatsapp", phone, "Habari", callback), default);

        // Twilio takes it; the failure comes with the callback.
        Assert.True(result.Sent, result.Error);
        var status = Assert.Single(await Host.Receiver.WaitForStatusesAsync(callback, 1));
        Assert.Equal(("failed", 63016, "whatsapp"), (status.Status, status.ErrorCode, status.Channel));
        Assert.True(TwilioStatusCallback.IsFinal(status.Status));
        await Host.WaitForStatusAsync(result.ProviderMessageId!, "failed");
    }

    [Fact]
    public async Task FreeFormWhatsAppAfterTheMemberWroteIsDelivered()
    {
        var phone = Phone();
        var answer = await Host.InboundAsync(new { channel = "whatsapp", from = phone, body = "Salio?", profileName = "Amina" });
        Assert.Equal(200, answer.GetProperty("webhookStatus").GetInt32());
        var callback = Host.Receiver.NewStatusUrl();

        // The recipient may come with the channel prefix already; the sender adds it once.
        var result = await Host.Sender.SendAsync(Message("whatsapp", "whatsapp:" + phone, "Salio lako ni KES 1,200", callback), default);

        Assert.True(result.Sent, result.Error);
        Assert.Equal(["sent", "delivered", "read"], (await Host.Receiver.WaitForStatusesAsync(callback, 3)).Select(s => s.Status));
    }

    [Theory]
    [InlineData("sms")]
    [InlineData("whatsapp")]
    public async Task InvalidNumberScriptIsGivenUpWithCode21211(string channel)
    {
        var result = await Host.Sender.SendAsync(Message(channel, Phone("7021")), default);

        Assert.False(result.Sent);
        Assert.True(result.Permanent);
        Assert.StartsWith("Twilio 21211", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServerErrorScriptIsRetried()
    {
        var phone = Phone("7500");

        var result = await Host.Sender.SendAsync(Message("sms", phone), default);

        Assert.False(result.Sent);
        Assert.False(result.Permanent);
        Assert.StartsWith("Twilio 20500", result.Error, StringComparison.Ordinal);
        Assert.Empty(await Host.MessagesAsync(m => m.To == phone));
    }

    [Fact]
    public async Task NoAnswerScriptTimesOutAndIsRetried()
    {
        var sender = Host.NewSender(o => o.Timeout = TimeSpan.FromMilliseconds(500));

        var result = await sender.SendAsync(Message("sms", Phone("7408")), default);

        Assert.False(result.Sent);
        Assert.False(result.Permanent);
        Assert.Equal("Twilio did not answer in time", result.Error);
    }

    [Fact]
    public async Task TheCallersCancellationIsNotSwallowed()
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Host.Sender.SendAsync(Message("sms", Phone("7408")), cancel.Token));
    }

    [Fact]
    public async Task UndeliveredScriptIsSentThenReportedUndelivered()
    {
        var callback = Host.Receiver.NewStatusUrl();

        var result = await Host.Sender.SendAsync(Message("sms", Phone("7030"), callback: callback), default);

        Assert.True(result.Sent, result.Error);
        var statuses = await Host.Receiver.WaitForStatusesAsync(callback, 2);
        Assert.Equal([("sent", (int?)null), ("undelivered", 30003)], statuses.Select(s => (s.Status, s.ErrorCode)));
    }

    [Fact]
    public async Task OutOfOrderCallbacksNeverMoveAMessageBackwards()
    {
        var callback = Host.Receiver.NewStatusUrl();

        var result = await Host.Sender.SendAsync(Message("sms", Phone("7031"), callback: callback), default);

        Assert.True(result.Sent, result.Error);
        var statuses = await Host.Receiver.WaitForStatusesAsync(callback, 3);
        Assert.Equal(["delivered", "sent", "delivered"], statuses.Select(s => s.Status));
        // What the notifications outbox would do with them, in arrival order.
        string? recorded = null;
        foreach (var s in statuses)
        {
            if (TwilioStatusCallback.ShouldApply(recorded, s.Status))
                recorded = s.Status;
        }
        Assert.Equal("delivered", recorded);
    }

    [Fact]
    public async Task WrongAuthTokenIsGivenUpWithCode20003()
    {
        var sender = Host.NewSender(o => o.AuthToken = "not-the-token");

        var result = await sender.SendAsync(Message("sms", Phone()), default);

        Assert.False(result.Sent);
        Assert.True(result.Permanent);
        Assert.StartsWith("Twilio 20003", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASenderNumberTwilioDoesNotKnowIsRetriedNotThrown()
    {
        var sender = Host.NewSender(o => o.SmsFrom = "+15005550009");

        var result = await sender.SendAsync(Message("sms", Phone()), default);

        Assert.False(result.Sent);
        Assert.StartsWith("Twilio 21606", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnreachableTwilioIsRetried()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var sender = Host.NewSender(o => o.BaseUrl = $"http://127.0.0.1:{port}");

        var result = await sender.SendAsync(Message("sms", Phone()), default);

        Assert.False(result.Sent);
        Assert.False(result.Permanent);
        Assert.StartsWith("Twilio could not be reached", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sms", "0712345678")]
    [InlineData("sms", "+2547")]
    [InlineData("whatsapp", "whatsapp:")]
    [InlineData("email", "+254712345678")]
    [InlineData("ussd", "+254712345678")]
    public async Task WhatTwilioCannotCarryIsGivenUpWithoutACall(string channel, string recipient)
    {
        var sender = Host.NewSender(o => o.BaseUrl = "http://127.0.0.1:9"); // any call would fail as Retry

        var result = await sender.SendAsync(Message(channel, recipient), default);

        Assert.False(result.Sent);
        Assert.True(result.Permanent);
    }

    [Theory]
    [InlineData(400, """{"code":21211,"message":"Invalid 'To' Phone Number","status":400}""", false, true, "Twilio 21211: Invalid 'To' Phone Number")]
    [InlineData(400, """{"code":21614,"message":"not a mobile number"}""", false, true, "Twilio 21614")]
    [InlineData(400, """{"code":21610,"message":"Attempt to send to unsubscribed recipient"}""", false, true, "Twilio 21610")]
    [InlineData(400, """{"code":21408,"message":"Permission to send an SMS has not been enabled"}""", false, true, "Twilio 21408")]
    [InlineData(400, """{"code":63016,"message":"outside the allowed window"}""", false, true, "Twilio 63016")]
    [InlineData(400, """{"code":63003,"message":"Channel could not find To address"}""", false, true, "Twilio 63003")]
    [InlineData(401, """{"code":20003,"message":"Authenticate"}""", false, true, "Twilio 20003")]
    [InlineData(401, "", false, true, "Twilio HTTP 401")]
    [InlineData(400, """{"code":"21211","message":"code as a string"}""", false, true, "Twilio 21211")]
    [InlineData(400, """{"code":30001,"message":"Queue overflow"}""", false, false, "Twilio 30001")]
    [InlineData(429, """{"code":20429,"message":"Too Many Requests"}""", false, false, "Twilio 20429")]
    [InlineData(429, """{"code":21211,"message":"even a permanent code"}""", false, false, "Twilio 21211")]
    [InlineData(503, """{"code":21211,"message":"even a permanent code"}""", false, false, "Twilio 21211")]
    [InlineData(502, "<html>Bad Gateway</html>", false, false, "Twilio HTTP 502")]
    [InlineData(500, "", false, false, "Twilio HTTP 500")]
    [InlineData(400, "[1,2,3]", false, false, "Twilio HTTP 400")]
    [InlineData(400, """{"code":1e99}""", false, false, "Twilio HTTP 400")]
    [InlineData(201, "not json", false, false, "Twilio HTTP 201")]
    [InlineData(201, """{"sid":"SMnot-a-sid"}""", false, false, "Twilio HTTP 201")]
    [InlineData(201, """{"status":"queued"}""", false, false, "Twilio HTTP 201")]
    [InlineData(201, """{"sid":"SM0123456789abcdef0123456789abcdef","status":"queued"}""", true, false, null)]
    public void AnswersMapToOkRetryOrGiveUp(int status, string body, bool sent, bool permanent, string? errorStart)
    {
        var result = TwilioMessageSender.Interpret(status, body);

        Assert.Equal((sent, permanent), (result.Sent, result.Permanent));
        if (errorStart is null)
            Assert.Equal(("SM0123456789abcdef0123456789abcdef", null), (result.ProviderMessageId, result.Error));
        else
            Assert.StartsWith(errorStart, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void HugeErrorBodiesAreTruncated()
    {
        var result = TwilioMessageSender.Interpret(502, new string('x', 100_000));

        Assert.True(result.Error!.Length < 300);
    }
}
