using Pamoja.Web.Integrations.Twilio;

namespace Pamoja.Web.Tests.Integrations.Twilio;

/// The sandbox's inbound simulator (its own signer, Twilio's exact form) against Pamoja's
/// webhook pieces: TwilioWebhook, TwilioInbound and TwiML, over real HTTP.
public sealed class TwilioWebhookSandboxTests(TwilioHostFixture fixture) : IClassFixture<TwilioHostFixture>
{
    private TwilioTestHost Host => fixture.Host;

    private static string Phone() => Pamoja.Web.Tests.Infrastructure.TestData.Phone();

    [Fact]
    public async Task ASignedWhatsAppMessageIsVerifiedParsedAndAnsweredWithTwiml()
    {
        var phone = Phone();

        var answer = await Host.InboundAsync(new { channel = "whatsapp", from = phone, body = "Salio? <tafadhali>", profileName = "Amina & Co" });

        Assert.Equal(200, answer.GetProperty("webhookStatus").GetInt32());
        var sid = answer.GetProperty("messageSid").GetString();
        var inbound = Assert.Single(Host.Receiver.Inbound, m => m.MessageSid == sid);
        Assert.Equal(("whatsapp", phone, "+14155238886", "Salio? <tafadhali>", "Amina & Co", phone[1..]),
            (inbound.Channel, inbound.From, inbound.To, inbound.Body, inbound.ProfileName, inbound.WaId));
        Assert.Equal(TwilioOptions.SandboxAccountSid, inbound.AccountSid);
        // The reply's markup characters survived the trip as text.
        Assert.Equal(["Umeandika <Salio? <tafadhali>> & Amina & Co"], answer.GetProperty("replies").EnumerateArray().Select(r => r.GetString()));
    }

    [Fact]
    public async Task ASignedSmsIsVerifiedAndParsed()
    {
        var phone = Phone();

        var answer = await Host.InboundAsync(new { channel = "sms", from = phone, body = "" });

        Assert.Equal(200, answer.GetProperty("webhookStatus").GetInt32());
        var inbound = Assert.Single(Host.Receiver.Inbound, m => m.From == phone);
        Assert.Equal(("sms", "+15005550006", "", null), (inbound.Channel, inbound.To, inbound.Body, inbound.WaId));
    }

    [Theory]
    [InlineData("forged")]
    [InlineData("none")]
    public async Task AForgedOrMissingSignatureIsRefused(string signature)
    {
        var phone = Phone();
        var refusedBefore = Host.Receiver.Refused.Count;

        var answer = await Host.InboundAsync(new { channel = "whatsapp", from = phone, body = "Lipa KES 1,000,000", signature });

        Assert.Equal(403, answer.GetProperty("webhookStatus").GetInt32());
        Assert.Empty(answer.GetProperty("replies").EnumerateArray());
        Assert.DoesNotContain(Host.Receiver.Inbound, m => m.From == phone);
        Assert.Equal(refusedBefore + 1, Host.Receiver.Refused.Count);
    }

    [Fact]
    public async Task ARedeliveryCarriesTheSameMessageSid()
    {
        var phone = Phone();
        var sid = "SM" + Guid.NewGuid().ToString("N");

        await Host.InboundAsync(new { channel = "whatsapp", from = phone, body = "Lipa", messageSid = sid });
        await Host.InboundAsync(new { channel = "whatsapp", from = phone, body = "Lipa", messageSid = sid });

        var both = Host.Receiver.Inbound.Where(m => m.From == phone).ToArray();
        Assert.Equal(2, both.Length);
        Assert.All(both, m => Assert.Equal(sid, m.MessageSid));
    }
}
