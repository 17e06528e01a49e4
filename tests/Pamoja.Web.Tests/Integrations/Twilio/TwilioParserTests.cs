using Pamoja.Web.Integrations.Twilio;

namespace Pamoja.Web.Tests.Integrations.Twilio;

public sealed class TwilioInboundTests
{
    private const string Sid = "SM0123456789abcdef0123456789abcdef";
    private const string Account = "AC0123456789abcdef0123456789abcdef";

    internal static Dictionary<string, string> WhatsApp() => new()
    {
        ["SmsMessageSid"] = Sid,
        ["NumMedia"] = "0",
        ["ProfileName"] = "Amina",
        ["MessageType"] = "text",
        ["SmsSid"] = Sid,
        ["WaId"] = "254712345678",
        ["SmsStatus"] = "received",
        ["Body"] = "Salio?",
        ["To"] = "whatsapp:+14155238886",
        ["NumSegments"] = "1",
        ["ReferralNumMedia"] = "0",
        ["MessageSid"] = Sid,
        ["AccountSid"] = Account,
        ["From"] = "whatsapp:+254712345678",
        ["ApiVersion"] = "2010-04-01",
    };

    [Fact]
    public void WhatsAppMessageIsParsedWithoutPrefixes()
    {
        Assert.True(TwilioInbound.TryParse(WhatsApp(), out var msg));

        Assert.Equal(new TwilioInbound(Sid, Account, "whatsapp", "+254712345678", "+14155238886", "Salio?", "Amina", "254712345678", null, 0), msg);
    }

    [Fact]
    public void SmsWithButtonlessEmptyBodyAndMediaIsParsed()
    {
        var form = WhatsApp();
        form["From"] = "+254712345678";
        form["To"] = "+15005550006";
        form["Body"] = "";
        form["NumMedia"] = "2";
        form["SmsMessageSid"] = form["MessageSid"] = "MM0123456789abcdef0123456789abcdef";
        form.Remove("ProfileName");
        form.Remove("WaId");

        Assert.True(TwilioInbound.TryParse(form, out var msg));

        Assert.Equal(("sms", "", 2, null, null), (msg.Channel, msg.Body, msg.NumMedia, msg.ProfileName, msg.WaId));
    }

    [Fact]
    public void ButtonPayloadIsKept()
    {
        var form = WhatsApp();
        form["ButtonPayload"] = "approve:payout:42";

        Assert.True(TwilioInbound.TryParse(form, out var msg));
        Assert.Equal("approve:payout:42", msg.ButtonPayload);
    }

    [Fact]
    public void ANonDigitWaIdIsDroppedNotTrusted()
    {
        var form = WhatsApp();
        form["WaId"] = "2547<script>";

        Assert.True(TwilioInbound.TryParse(form, out var msg));
        Assert.Null(msg.WaId);
    }

    [Theory]
    [InlineData("MessageSid", null)]
    [InlineData("MessageSid", "SM123")]
    [InlineData("MessageSid", "XX0123456789abcdef0123456789abcdef")]
    [InlineData("MessageSid", "SM0123456789ABCDEF0123456789ABCDEF")]
    [InlineData("MessageSid", "SM0123456789abcdef0123456789abcdef0")]
    [InlineData("AccountSid", null)]
    [InlineData("AccountSid", "AC1")]
    [InlineData("From", null)]
    [InlineData("From", "")]
    [InlineData("From", "whatsapp:")]
    [InlineData("From", "whatsapp:0712345678")]
    [InlineData("From", "whatsapp:+254 712 345 678")]
    [InlineData("From", "+254712345678")]        // SMS from, WhatsApp to: not one channel
    [InlineData("From", "WhatsApp:+254712345678")]
    [InlineData("From", "messenger:12345")]
    [InlineData("To", null)]
    [InlineData("To", "whatsapp:+1")]
    [InlineData("NumMedia", "-1")]
    [InlineData("NumMedia", "lots")]
    [InlineData("NumMedia", "11")]
    public void MalformedFieldsAreRefused(string field, string? value)
    {
        var form = WhatsApp();
        if (value is null) form.Remove(field);
        else form[field] = value;

        Assert.False(TwilioInbound.TryParse(form, out var msg));
        Assert.Null(msg);
    }

    [Fact]
    public void ABodyOver1600CharactersIsRefused()
    {
        var form = WhatsApp();
        form["Body"] = new string('a', 1600);
        Assert.True(TwilioInbound.TryParse(form, out _));

        form["Body"] = new string('a', 1601);
        Assert.False(TwilioInbound.TryParse(form, out _));
    }

    [Fact]
    public void GarbageNeverThrows()
    {
        Assert.False(TwilioInbound.TryParse(null, out _));
        Assert.False(TwilioInbound.TryParse(new Dictionary<string, string>(), out _));
        foreach (var form in Fuzz.Forms(WhatsApp()))
            TwilioInbound.TryParse(form, out _);
        var huge = WhatsApp();
        huge["ProfileName"] = new string('x', 1_000_000);
        huge["ButtonPayload"] = new string('x', 1_000_000);
        Assert.False(TwilioInbound.TryParse(huge, out _));
    }
}

public sealed class TwilioStatusCallbackTests
{
    private const string Sid = "SM0123456789abcdef0123456789abcdef";

    private static Dictionary<string, string> Form() => new()
    {
        ["MessageSid"] = Sid,
        ["SmsSid"] = Sid,
        ["AccountSid"] = "AC0123456789abcdef0123456789abcdef",
        ["From"] = "whatsapp:+14155238886",
        ["To"] = "whatsapp:+254712345678",
        ["ApiVersion"] = "2010-04-01",
        ["MessageStatus"] = "failed",
        ["SmsStatus"] = "failed",
        ["ErrorCode"] = "63016",
        ["ChannelPrefix"] = "whatsapp",
    };

    [Fact]
    public void FailureIsParsedWithItsCodeAndChannel()
    {
        Assert.True(TwilioStatusCallback.TryParse(Form(), out var s));
        Assert.Equal(new TwilioStatus(Sid, "failed", 63016, "whatsapp"), s);
    }

    [Fact]
    public void SmsStatusIsTheFallbackAndSmsIsTheDefaultChannel()
    {
        var form = Form();
        form.Remove("MessageStatus");
        form.Remove("ErrorCode");
        form.Remove("ChannelPrefix");
        form["SmsStatus"] = "delivered";
        form["From"] = "+15005550006";
        form["To"] = "+254712345678";

        Assert.True(TwilioStatusCallback.TryParse(form, out var s));
        Assert.Equal(new TwilioStatus(Sid, "delivered", null, "sms"), s);
    }

    [Theory]
    [InlineData("MessageSid", "SM1")]
    [InlineData("MessageStatus", "DELIVERED")]
    [InlineData("MessageStatus", "<script>")]
    [InlineData("ErrorCode", "abc")]
    [InlineData("ErrorCode", "-5")]
    [InlineData("ErrorCode", "99999999999")]
    public void MalformedFieldsAreRefused(string field, string value)
    {
        var form = Form();
        form[field] = value;
        if (field == "MessageSid") form.Remove("SmsSid");
        if (field == "MessageStatus") form.Remove("SmsStatus");

        Assert.False(TwilioStatusCallback.TryParse(form, out _));
    }

    [Fact]
    public void GarbageNeverThrows()
    {
        Assert.False(TwilioStatusCallback.TryParse(null, out _));
        Assert.False(TwilioStatusCallback.TryParse(new Dictionary<string, string>(), out _));
        foreach (var form in Fuzz.Forms(Form()))
            TwilioStatusCallback.TryParse(form, out _);
    }

    [Theory]
    [InlineData(null, "queued", true)]
    [InlineData("queued", "sent", true)]
    [InlineData("sent", "delivered", true)]
    [InlineData("delivered", "read", true)]
    [InlineData("delivered", "sent", false)]       // late
    [InlineData("delivered", "delivered", false)]  // duplicate
    [InlineData("read", "delivered", false)]
    [InlineData("sent", "undelivered", true)]
    [InlineData("queued", "failed", true)]
    [InlineData("failed", "delivered", false)]     // failures are final
    [InlineData("undelivered", "read", false)]
    [InlineData("failed", "undelivered", false)]
    [InlineData("sent", "partially_delivered", false)] // unknown ranks below every known status
    [InlineData(null, "some_new_status", false)]
    public void StatusesNeverMoveBackwards(string? current, string incoming, bool applies)
    {
        Assert.Equal(applies, TwilioStatusCallback.ShouldApply(current, incoming));
    }

    [Fact]
    public void RanksFollowTheLifecycle()
    {
        string[] order = ["queued", "sending", "sent", "delivered", "read", "failed"];
        Assert.Equal(order, order.OrderBy(TwilioStatusCallback.Rank));
        Assert.Equal(TwilioStatusCallback.Rank("failed"), TwilioStatusCallback.Rank("undelivered"));
        Assert.True(TwilioStatusCallback.IsFinal("undelivered"));
        Assert.False(TwilioStatusCallback.IsFinal("read"));
    }
}

/// Forms derived from a valid one by swapping in hostile values, field by field.
internal static class Fuzz
{
    private static readonly string[] Values =
    [
        "", " ", "\0", "null", "-1", "1e9", "99999999999999999999", new string('9', 10_000), "whatsapp:", "whatsapp:whatsapp:+254712345678",
        "+", "+0", "💥", "\uD800", "<Response/>", "SM", "AC", "%00", "\r\n", new string('a', 2_000_000),
    ];

    public static IEnumerable<Dictionary<string, string>> Forms(Dictionary<string, string> valid)
    {
        foreach (var key in valid.Keys)
        {
            foreach (var value in Values)
            {
                var form = new Dictionary<string, string>(valid) { [key] = value };
                yield return form;
            }
            var without = new Dictionary<string, string>(valid);
            without.Remove(key);
            yield return without;
        }
        var random = new Random(42);
        for (var i = 0; i < 200; i++)
        {
            var form = new Dictionary<string, string>();
            foreach (var key in valid.Keys.Where(_ => random.Next(2) == 0))
                form[key] = Values[random.Next(Values.Length)];
            yield return form;
        }
    }
}
