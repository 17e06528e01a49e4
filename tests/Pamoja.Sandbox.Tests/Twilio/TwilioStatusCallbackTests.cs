using System.Net;

namespace Pamoja.Sandbox.Tests.Twilio;

// Status callbacks (protocols.md §4.5): form POSTs to StatusCallback, signed like every Twilio
// webhook, the scripted ones out of order and duplicated.
public sealed class TwilioStatusCallbackTests(TwilioSandboxFixture fixture) : IClassFixture<TwilioSandboxFixture>
{
    private TwilioSandbox Sandbox => fixture.Sandbox;
    private TwilioReceiver Receiver => Sandbox.Receiver;

    [Fact]
    public void TestSignatureMatchesTheProtocolTestVector()
    {
        // protocols.md §4.2: the helper below checks the sandbox, so it is checked first.
        var form = new Dictionary<string, string>
        {
            ["CallSid"] = "CA1234567890ABCDE",
            ["Caller"] = "+12349013030",
            ["Digits"] = "1234",
            ["From"] = "+12349013030",
            ["To"] = "+18005551212",
        };

        Assert.Equal("0/KCTR6DLpKmkAf8muzZqo1nDgQ=", TestSignature.Compute("12345", "https://mycompany.com/myapp.php?foo=1&bar=2", form));
    }

    [Fact]
    public async Task SmsIsSentThenDeliveredWithSignedCallbacks()
    {
        var phone = TwilioSandbox.Phone();
        var url = new Uri(Receiver.NewUrl() + "?message=42&kind=reminder");
        var sid = await SendAsync(TwilioSandbox.Sms(phone, statusCallback: url));

        var posts = await Receiver.WaitForAsync(url, 2);

        Assert.Equal(["sent", "delivered"], posts.Select(p => p["MessageStatus"]));
        foreach (var post in posts)
        {
            Assert.Equal("application/x-www-form-urlencoded", post.ContentType);
            Assert.Equal(url.ToString(), post.Url);
            Assert.Equal(TestSignature.Compute(TwilioSandbox.AuthToken, url.ToString(), post.Form), post.Signature);
            Assert.Equal(
                new Dictionary<string, string>
                {
                    ["MessageSid"] = sid,
                    ["SmsSid"] = sid,
                    ["AccountSid"] = TwilioSandbox.AccountSid,
                    ["From"] = TwilioSandbox.SmsFrom,
                    ["To"] = phone,
                    ["ApiVersion"] = "2010-04-01",
                    ["MessageStatus"] = post["MessageStatus"],
                    ["SmsStatus"] = post["MessageStatus"],
                },
                post.Fields);
        }
        await Sandbox.WaitForStatusAsync(sid, "delivered");
    }

    [Fact]
    public async Task WhatsAppTemplateIsSentDeliveredAndReadWithTheChannelPrefix()
    {
        var phone = TwilioSandbox.Phone();
        var url = Receiver.NewUrl();
        var sid = await SendAsync(TwilioSandbox.Template(phone, url));

        var posts = await Receiver.WaitForAsync(url, 3);

        Assert.Equal(["sent", "delivered", "read"], posts.Select(p => p["MessageStatus"]));
        Assert.All(posts, p =>
        {
            Assert.Equal("whatsapp", p["ChannelPrefix"]);
            Assert.Equal("whatsapp:" + phone, p["To"]);
            Assert.Equal(TwilioSandbox.WhatsAppFrom, p["From"]);
            Assert.Equal(phone, p["ChannelToAddress"]);
            Assert.DoesNotContain(p.Form, f => f.Key == "ErrorCode");
            Assert.Equal(TestSignature.Compute(TwilioSandbox.AuthToken, url.ToString(), p.Form), p.Signature);
        });
        await Sandbox.WaitForStatusAsync(sid, "read");
    }

    [Fact]
    public async Task Script7030IsSentThenUndeliveredWith30003()
    {
        var phone = TwilioSandbox.Phone("7030");
        var url = Receiver.NewUrl();

        using var response = await Sandbox.SendAsync(TwilioSandbox.Sms(phone, statusCallback: url));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var sid = (await TwilioSandbox.JsonAsync(response)).GetProperty("sid").GetString()!;
        var posts = await AllCallbacksAsync(url, 2);

        Assert.Equal(["sent", "undelivered"], posts.Select(p => p["MessageStatus"]));
        Assert.Equal("30003", posts[1]["ErrorCode"]);
        Assert.Equal("undelivered", posts[1]["SmsStatus"]);
        var stored = await Sandbox.WaitForStatusAsync(sid, "undelivered");
        Assert.Equal(30003, stored.ErrorCode);
    }

    [Fact]
    public async Task Script7031DeliversOutOfOrderAndTwiceButTheStoreEndsDelivered()
    {
        var phone = TwilioSandbox.Phone("7031");
        var url = Receiver.NewUrl();
        var sid = await SendAsync(TwilioSandbox.Sms(phone, statusCallback: url));

        var posts = await AllCallbacksAsync(url, 3);

        Assert.Equal(["delivered", "sent", "delivered"], posts.Select(p => p["MessageStatus"]));
        Assert.All(posts, p => Assert.Equal(sid, p["MessageSid"]));
        // The late "sent" did not move the message back.
        Assert.Equal("delivered", Assert.Single(await Sandbox.MessagesAsync(m => m.Id == sid)).Status);
    }

    [Fact]
    public async Task AReceiverThatFailsIsNotRetriedAndLaterCallbacksStillFlow()
    {
        var failing = Receiver.NewUrl();
        Receiver.AnswerOn(failing, 500, "oops");
        var first = await SendAsync(TwilioSandbox.Sms(TwilioSandbox.Phone(), statusCallback: failing));

        var posts = await AllCallbacksAsync(failing, 2);

        Assert.Equal(["sent", "delivered"], posts.Select(p => p["MessageStatus"]));
        await Sandbox.WaitForStatusAsync(first, "delivered");
    }

    [Fact]
    public async Task NoStatusCallbackMeansNoPostButTheStoreStillMovesOn()
    {
        var sid = await SendAsync(TwilioSandbox.Sms(TwilioSandbox.Phone()));

        await Sandbox.WaitForStatusAsync(sid, "delivered");
    }

    private async Task<string> SendAsync(Dictionary<string, string> form)
    {
        using var response = await Sandbox.SendAsync(form);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await TwilioSandbox.JsonAsync(response)).GetProperty("sid").GetString()!;
    }

    // Exactly `count` callbacks: callbacks go out in send order, so once a message sent after
    // this one has had its callbacks, this one has had all of its own.
    private async Task<TwilioReceiver.Received[]> AllCallbacksAsync(Uri url, int count)
    {
        await Receiver.WaitForAsync(url, count);
        var marker = Receiver.NewUrl("marker");
        await SendAsync(TwilioSandbox.Sms(TwilioSandbox.Phone(), statusCallback: marker));
        await Receiver.WaitForAsync(marker, 2);
        var posts = Receiver.On(url);
        Assert.Equal(count, posts.Length);
        return posts;
    }
}
