using System.Net;
using System.Text;
using System.Text.Json;

namespace Pamoja.Sandbox.Tests.Twilio;

// POST /sandbox/twilio/inbound: a member's phone writes; the sandbox posts Twilio's signed
// webhook form and delivers the TwiML reply (protocols.md §4.1–4.3).
public sealed class TwilioInboundSimulatorTests(TwilioSandboxFixture fixture) : IClassFixture<TwilioSandboxFixture>
{
    private TwilioSandbox Sandbox => fixture.Sandbox;
    private TwilioReceiver Receiver => Sandbox.Receiver;

    [Fact]
    public async Task WhatsAppInboundIsPostedAsTwiliosSignedFormAndTheTwimlRepliesAreDelivered()
    {
        var phone = TwilioSandbox.Phone();
        var hook = new Uri(Receiver.NewUrl("hook") + "?group=7");
        Receiver.AnswerOn(hook, 200, """<?xml version="1.0" encoding="UTF-8"?><Response><Message><Body>Salio: KES 1,200 &amp; riba 0</Body></Message><Message>Asante</Message></Response>""");

        var result = await Sandbox.InboundAsync(new { channel = "whatsapp", from = phone, body = "Salio?", profileName = "Amina", webhookUrl = hook.ToString() });

        var post = Assert.Single(Receiver.On(hook));
        var sid = result.GetProperty("messageSid").GetString()!;
        Assert.Matches("^SM[0-9a-f]{32}$", sid);
        Assert.Equal(200, result.GetProperty("webhookStatus").GetInt32());
        Assert.Equal(["Salio: KES 1,200 & riba 0", "Asante"], result.GetProperty("replies").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(JsonValueKind.Null, result.GetProperty("error").ValueKind);

        Assert.Equal("application/x-www-form-urlencoded", post.ContentType);
        Assert.Equal(TestSignature.Compute(TwilioSandbox.AuthToken, hook.ToString(), post.Form), post.Signature);
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["SmsMessageSid"] = sid,
                ["NumMedia"] = "0",
                ["SmsSid"] = sid,
                ["SmsStatus"] = "received",
                ["Body"] = "Salio?",
                ["To"] = TwilioSandbox.WhatsAppFrom,
                ["NumSegments"] = "1",
                ["MessageSid"] = sid,
                ["AccountSid"] = TwilioSandbox.AccountSid,
                ["From"] = "whatsapp:" + phone,
                ["ApiVersion"] = "2010-04-01",
                ["ProfileName"] = "Amina",
                ["WaId"] = phone[1..],
                ["MessageType"] = "text",
            },
            post.Fields);

        // The phone shows what it sent and both replies.
        var messages = await Sandbox.MessagesAsync(m => m.Phone == phone);
        var inbound = Assert.Single(messages, m => m.Direction == "inbound");
        Assert.Equal((sid, "whatsapp", phone, "+14155238886", "Salio?"), (inbound.Id, inbound.Channel, inbound.From, inbound.To, inbound.Body));
        Assert.Equal(["Asante", "Salio: KES 1,200 & riba 0"],
            messages.Where(m => m.Direction == "outbound").Select(m => m.Body)); // newest first
        Assert.All(messages.Where(m => m.Direction == "outbound"), m => Assert.Equal((TwilioSandbox.WhatsAppFrom, "whatsapp"), (m.From, m.Channel)));

        // The inbox files all three under the member's phone, the inbound one marked as sent by it.
        var html = await Sandbox.Client.GetStringAsync("/");
        var section = html[html.IndexOf("<h3>" + phone.Replace("+", "&#x2B;", StringComparison.Ordinal) + "</h3>", StringComparison.Ordinal)..];
        section = section[..section.IndexOf("</section>", StringComparison.Ordinal)];
        Assert.Contains("class=\"msg inbound\"", section, StringComparison.Ordinal);
        Assert.Contains("sent by this phone to &#x2B;14155238886", section, StringComparison.Ordinal);
        Assert.Contains("Asante", section, StringComparison.Ordinal);
        Assert.Contains("Salio?", section, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SmsInboundHasNoWhatsAppFieldsAndAnEmptyResponseIsNoReply()
    {
        var phone = TwilioSandbox.Phone();
        var hook = Receiver.NewUrl("hook");

        var result = await Sandbox.InboundAsync(new { channel = "sms", from = phone, body = "STOP", webhookUrl = hook.ToString() });

        var post = Assert.Single(Receiver.On(hook));
        Assert.Equal(phone, post["From"]);
        Assert.Equal(TwilioSandbox.SmsFrom, post["To"]);
        Assert.DoesNotContain(post.Form, f => f.Key is "WaId" or "ProfileName" or "MessageType");
        Assert.Empty(result.GetProperty("replies").EnumerateArray());
        Assert.Single(await Sandbox.MessagesAsync(m => m.Phone == phone));
    }

    [Fact]
    public async Task ButtonRepliesCarryThePayload()
    {
        var hook = Receiver.NewUrl("hook");

        await Sandbox.InboundAsync(new { channel = "whatsapp", from = TwilioSandbox.Phone(), body = "Ndiyo", buttonPayload = "approve:payout:42", webhookUrl = hook.ToString() });

        var post = Assert.Single(Receiver.On(hook));
        Assert.Equal("approve:payout:42", post["ButtonPayload"]);
        Assert.Equal("Ndiyo", post["ButtonText"]);
        Assert.Equal("button", post["MessageType"]);
    }

    [Fact]
    public async Task TheDefaultWebhookUrlIsTheConfiguredOne()
    {
        var hook = new Uri(Receiver.BaseUrl, "webhooks/twilio/messages");
        var before = Receiver.On(hook).Length;

        await Sandbox.InboundAsync(new { channel = "sms", from = TwilioSandbox.Phone(), body = "hi" });

        var post = Receiver.On(hook)[before];
        Assert.Equal(TestSignature.Compute(TwilioSandbox.AuthToken, hook.ToString(), post.Form), post.Signature);
    }

    [Fact]
    public async Task ForgedSignatureDoesNotVerifyAndNoneSendsNoHeader()
    {
        var forgedHook = Receiver.NewUrl("hook");
        var unsignedHook = Receiver.NewUrl("hook");
        Receiver.AnswerOn(forgedHook, 403, "forbidden", "text/plain");

        var forged = await Sandbox.InboundAsync(new { channel = "whatsapp", from = TwilioSandbox.Phone(), body = "hi", signature = "forged", webhookUrl = forgedHook.ToString() });
        await Sandbox.InboundAsync(new { channel = "whatsapp", from = TwilioSandbox.Phone(), body = "hi", signature = "none", webhookUrl = unsignedHook.ToString() });

        var forgedPost = Assert.Single(Receiver.On(forgedHook));
        Assert.False(string.IsNullOrEmpty(forgedPost.Signature));
        Assert.Equal(28, forgedPost.Signature!.Length); // looks like a real one
        Assert.NotEqual(TestSignature.Compute(TwilioSandbox.AuthToken, forgedHook.ToString(), forgedPost.Form), forgedPost.Signature);
        Assert.Null(Assert.Single(Receiver.On(unsignedHook)).Signature);
        Assert.Equal(403, forged.GetProperty("webhookStatus").GetInt32());
        Assert.StartsWith("11200", forged.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Empty(forged.GetProperty("replies").EnumerateArray());
    }

    [Fact]
    public async Task AReusedMessageSidIsARedeliveryOfTheSameMessage()
    {
        var phone = TwilioSandbox.Phone();
        var hook = Receiver.NewUrl("hook");
        var sid = "SM" + Guid.NewGuid().ToString("N");

        await Sandbox.InboundAsync(new { channel = "whatsapp", from = phone, body = "Lipa", messageSid = sid, webhookUrl = hook.ToString() });
        var again = await Sandbox.InboundAsync(new { channel = "whatsapp", from = phone, body = "Lipa", messageSid = sid, webhookUrl = hook.ToString() });

        Assert.Equal(sid, again.GetProperty("messageSid").GetString());
        var posts = Receiver.On(hook);
        Assert.Equal(2, posts.Length);
        Assert.All(posts, p => Assert.Equal(sid, p["MessageSid"]));
        Assert.Equal(posts[0].Signature, posts[1].Signature);
        Assert.Single(await Sandbox.MessagesAsync(m => m.Id == sid));
    }

    [Fact]
    public async Task AnAnswerThatIsNotTwimlIsAParseFailure()
    {
        var hook = Receiver.NewUrl("hook");
        Receiver.AnswerOn(hook, 200, """{"ok":true}""", "application/json");

        var result = await Sandbox.InboundAsync(new { channel = "sms", from = TwilioSandbox.Phone(), body = "hi", webhookUrl = hook.ToString() });

        Assert.Equal(200, result.GetProperty("webhookStatus").GetInt32());
        Assert.StartsWith("12100", result.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnreachableWebhookIsReportedNotThrown()
    {
        var result = await Sandbox.InboundAsync(new { channel = "sms", from = TwilioSandbox.Phone(), body = "hi", webhookUrl = ReportReceiver.UnreachableUrl().ToString() });

        Assert.Equal(JsonValueKind.Null, result.GetProperty("webhookStatus").ValueKind);
        Assert.StartsWith("11200", result.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("""{"from":"+254712345678","body":"hi"}""")]                                 // no channel
    [InlineData("""{"channel":"telegram","from":"+254712345678","body":"hi"}""")]
    [InlineData("""{"channel":"sms","from":"0712345678","body":"hi"}""")]
    [InlineData("""{"channel":"sms","from":"+254712345678"}""")]                              // no body
    [InlineData("""{"channel":"sms","from":"+254712345678","body":5}""")]
    [InlineData("""{"channel":"sms","from":"+254712345678","body":"hi","messageSid":"SM1"}""")]
    [InlineData("""{"channel":"sms","from":"+254712345678","body":"hi","signature":"maybe"}""")]
    [InlineData("""{"channel":"sms","from":"+254712345678","body":"hi","webhookUrl":"nowhere"}""")]
    [InlineData("""{"channel":"sms","from":"+254712345678","body":"hi","buttonPayload":"x"}""")]
    public async Task BadRequestsAre400WithAMessage(string body)
    {
        using var response = await Sandbox.Client.PostAsync("/sandbox/twilio/inbound", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var json = await TwilioSandbox.JsonAsync(response);
        Assert.False(string.IsNullOrWhiteSpace(json.GetProperty("error").GetString()));
    }
}
