using System.Net;

namespace Pamoja.Sandbox.Tests.Twilio;

// The WhatsApp 24-hour window (protocols.md §4.4): free-form text only after the member wrote
// within 24 h; otherwise accepted, then failed with 63016. Templates always go.
public sealed class TwilioWhatsAppWindowTests(TwilioSandboxFixture fixture) : IClassFixture<TwilioSandboxFixture>
{
    private TwilioSandbox Sandbox => fixture.Sandbox;
    private TwilioReceiver Receiver => Sandbox.Receiver;

    [Fact]
    public async Task FreeFormBeforeAnyInboundIsAcceptedThenFails63016AndIsNotDelivered()
    {
        var phone = TwilioSandbox.Phone();
        var url = Receiver.NewUrl();

        using var response = await Sandbox.SendAsync(TwilioSandbox.WhatsApp(phone, "Habari Amina", url));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var json = await TwilioSandbox.JsonAsync(response);
        Assert.Equal("queued", json.GetProperty("status").GetString());
        var sid = json.GetProperty("sid").GetString()!;
        var post = Assert.Single(await AllCallbacksAsync(url, 1));
        Assert.Equal("failed", post["MessageStatus"]);
        Assert.Equal("63016", post["ErrorCode"]);
        Assert.Equal("whatsapp", post["ChannelPrefix"]);
        Assert.Equal(TestSignature.Compute(TwilioSandbox.AuthToken, url.ToString(), post.Form), post.Signature);

        var stored = await Sandbox.WaitForStatusAsync(sid, "failed");
        Assert.Equal(63016, stored.ErrorCode);
        Assert.True(stored.Failed);

        var html = await Sandbox.Client.GetStringAsync("/");
        Assert.Contains("failed (error 63016)", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FreeFormAfterAnInboundMessageIsDelivered()
    {
        var phone = TwilioSandbox.Phone();
        await Sandbox.InboundAsync(new { channel = "whatsapp", from = phone, body = "Salio?", webhookUrl = Receiver.NewUrl("hook").ToString() });
        var url = Receiver.NewUrl();

        using var response = await Sandbox.SendAsync(TwilioSandbox.WhatsApp(phone, "Salio lako ni KES 1,200", url));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var posts = await Receiver.WaitForAsync(url, 3);
        Assert.Equal(["sent", "delivered", "read"], posts.Select(p => p["MessageStatus"]));
    }

    [Fact]
    public async Task AnSmsFromTheSameNumberDoesNotOpenTheWhatsAppWindow()
    {
        var phone = TwilioSandbox.Phone();
        await Sandbox.InboundAsync(new { channel = "sms", from = phone, body = "Salio?", webhookUrl = Receiver.NewUrl("hook").ToString() });
        var url = Receiver.NewUrl();

        using var response = await Sandbox.SendAsync(TwilioSandbox.WhatsApp(phone, "Habari", url));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("63016", Assert.Single(await AllCallbacksAsync(url, 1))["ErrorCode"]);
    }

    [Fact]
    public async Task TemplateNeedsNoWindow()
    {
        var url = Receiver.NewUrl();

        using var response = await Sandbox.SendAsync(TwilioSandbox.Template(TwilioSandbox.Phone(), url));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var posts = await Receiver.WaitForAsync(url, 3);
        Assert.Equal(["sent", "delivered", "read"], posts.Select(p => p["MessageStatus"]));
    }

    [Fact]
    public async Task SmsNeedsNoWindow()
    {
        var url = Receiver.NewUrl();

        using var response = await Sandbox.SendAsync(TwilioSandbox.Sms(TwilioSandbox.Phone(), statusCallback: url));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(["sent", "delivered"], (await Receiver.WaitForAsync(url, 2)).Select(p => p["MessageStatus"]));
    }

    private async Task<TwilioReceiver.Received[]> AllCallbacksAsync(Uri url, int count)
    {
        await Receiver.WaitForAsync(url, count);
        var marker = Receiver.NewUrl("marker");
        using (var r = await Sandbox.SendAsync(TwilioSandbox.Sms(TwilioSandbox.Phone(), statusCallback: marker)))
        {
            Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        }
        await Receiver.WaitForAsync(marker, 2);
        var posts = Receiver.On(url);
        Assert.Equal(count, posts.Length);
        return posts;
    }
}
