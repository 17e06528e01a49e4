using System.Net;
using System.Text.Json;

namespace Pamoja.Sandbox.Tests.Twilio;

// POST /2010-04-01/Accounts/{AccountSid}/Messages.json (protocols.md §4.4).
public sealed class TwilioMessagesApiTests(TwilioSandboxFixture fixture) : IClassFixture<TwilioSandboxFixture>
{
    private TwilioSandbox Sandbox => fixture.Sandbox;

    [Fact]
    public async Task AcceptedSmsHasTwiliosShapeAndIsRecordedQueued()
    {
        var phone = TwilioSandbox.Phone();

        using var response = await Sandbox.SendAsync(TwilioSandbox.Sms(phone, "Mchango wako umepokelewa"));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var json = await TwilioSandbox.JsonAsync(response);
        string[] names = ["account_sid", "api_version", "body", "date_created", "date_sent", "date_updated", "direction", "error_code",
            "error_message", "from", "messaging_service_sid", "num_media", "num_segments", "price", "price_unit", "sid", "status",
            "subresource_uris", "to", "uri"];
        Assert.Equal(names, json.EnumerateObject().Select(p => p.Name).ToArray());
        var sid = json.GetProperty("sid").GetString()!;
        Assert.Matches("^SM[0-9a-f]{32}$", sid);
        Assert.Equal("queued", json.GetProperty("status").GetString());
        Assert.Equal(phone, json.GetProperty("to").GetString());
        Assert.Equal(TwilioSandbox.SmsFrom, json.GetProperty("from").GetString());
        Assert.Equal(TwilioSandbox.AccountSid, json.GetProperty("account_sid").GetString());
        Assert.Equal("outbound-api", json.GetProperty("direction").GetString());
        Assert.Equal("2010-04-01", json.GetProperty("api_version").GetString());
        Assert.Equal("1", json.GetProperty("num_segments").GetString());
        Assert.Equal(JsonValueKind.Null, json.GetProperty("error_code").ValueKind);
        Assert.Equal($"/2010-04-01/Accounts/{TwilioSandbox.AccountSid}/Messages/{sid}.json", json.GetProperty("uri").GetString());
        Assert.Matches(@"^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} \+0000$", json.GetProperty("date_created").GetString()!);

        var message = Assert.Single(await Sandbox.MessagesAsync(m => m.To == phone));
        Assert.Equal((sid, "sms", "twilio", "outbound", TwilioSandbox.SmsFrom, "Mchango wako umepokelewa"),
            (message.Id, message.Channel, message.Provider, message.Direction, message.From, message.Body));
    }

    [Fact]
    public async Task LongUnicodeSmsCountsSegments()
    {
        using var response = await Sandbox.SendAsync(TwilioSandbox.Sms(TwilioSandbox.Phone(), new string('é', 71)));

        Assert.Equal("2", (await TwilioSandbox.JsonAsync(response)).GetProperty("num_segments").GetString());
    }

    [Fact]
    public async Task TemplateIsRecordedWithItsSidAndVariables()
    {
        var phone = TwilioSandbox.Phone();

        using var response = await Sandbox.SendAsync(TwilioSandbox.Template(phone));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("whatsapp:" + phone, (await TwilioSandbox.JsonAsync(response)).GetProperty("to").GetString());
        var message = Assert.Single(await Sandbox.MessagesAsync(m => m.To == phone));
        Assert.Equal("whatsapp", message.Channel);
        Assert.Equal("""[template HX0123456789abcdef0123456789abcdef] {"1":"Amina","2":"KES 500"}""", message.Body);
    }

    [Theory]
    [InlineData(null, null, TwilioSandbox.AccountSid)]                                // no Authorization header
    [InlineData(TwilioSandbox.AccountSid, "wrong-token", TwilioSandbox.AccountSid)]
    [InlineData("AC00000000000000000000000000000002", TwilioSandbox.AuthToken, TwilioSandbox.AccountSid)]
    [InlineData(TwilioSandbox.AccountSid, TwilioSandbox.AuthToken, "AC00000000000000000000000000000002")] // someone else's account in the path
    public async Task BadCredentialsAre401Code20003AndNothingIsSent(string? user, string? password, string accountSid)
    {
        var phone = TwilioSandbox.Phone();

        using var response = await Sandbox.SendAsync(TwilioSandbox.Sms(phone), user, password, accountSid);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Basic", response.Headers.WwwAuthenticate.Single().Scheme);
        var json = await TwilioSandbox.JsonAsync(response);
        Assert.Equal(20003, json.GetProperty("code").GetInt32());
        Assert.Equal(401, json.GetProperty("status").GetInt32());
        Assert.Equal("https://www.twilio.com/docs/errors/20003", json.GetProperty("more_info").GetString());
        Assert.Empty(await Sandbox.MessagesAsync(m => m.To == phone));
    }

    public static TheoryData<string, string?, string?, string?, int> Invalid => new()
    {
        // case, To, From, Body, expected code
        { "no To", null, TwilioSandbox.SmsFrom, "hi", 21604 },
        { "To without +", "254712345678", TwilioSandbox.SmsFrom, "hi", 21211 },
        { "To too short", "+2547", TwilioSandbox.SmsFrom, "hi", 21211 },
        { "WhatsApp To not E.164", "whatsapp:0712345678", TwilioSandbox.WhatsAppFrom, "hi", 21211 },
        { "no From", "+254712340001", null, "hi", 21603 },
        { "SMS from a number not ours", "+254712340001", "+15005550009", "hi", 21606 },
        { "WhatsApp from the SMS number", "whatsapp:+254712340001", TwilioSandbox.SmsFrom, "hi", 63007 },
        { "no Body nor ContentSid", "+254712340001", TwilioSandbox.SmsFrom, null, 21602 },
        { "empty Body", "+254712340001", TwilioSandbox.SmsFrom, "", 21602 },
        { "Body over 1600", "+254712340001", TwilioSandbox.SmsFrom, new string('a', 1601), 21617 },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public async Task InvalidRequestsAre400WithTwiliosCode(string why, string? to, string? from, string? body, int code)
    {
        using var response = await Sandbox.SendAsync(TwilioSandbox.Fields(("To", to), ("From", from), ("Body", body)));

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, why);
        var json = await TwilioSandbox.JsonAsync(response);
        Assert.Equal(code, json.GetProperty("code").GetInt32());
        Assert.Equal(400, json.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(json.GetProperty("message").GetString()));
    }

    [Theory]
    [InlineData("ContentSid", "HX123", 21655)]
    [InlineData("ContentVariables", "not json", 21656)]
    [InlineData("ContentVariables", """{"1":5}""", 21656)]
    [InlineData("StatusCallback", "not a url", 21609)]
    [InlineData("StatusCallback", "ftp://example.org/x", 21609)]
    public async Task InvalidOptionalFieldsAre400(string field, string value, int code)
    {
        var form = TwilioSandbox.Template(TwilioSandbox.Phone());
        form[field] = value;

        using var response = await Sandbox.SendAsync(form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(code, (await TwilioSandbox.JsonAsync(response)).GetProperty("code").GetInt32());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Script7021IsAnInvalidNumber(bool whatsApp)
    {
        var phone = TwilioSandbox.Phone("7021");

        using var response = await Sandbox.SendAsync(whatsApp ? TwilioSandbox.WhatsApp(phone) : TwilioSandbox.Sms(phone));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(21211, (await TwilioSandbox.JsonAsync(response)).GetProperty("code").GetInt32());
        Assert.Empty(await Sandbox.MessagesAsync(m => m.To == phone));
    }

    [Fact]
    public async Task Script7500IsAServerErrorAndNothingIsSent()
    {
        var phone = TwilioSandbox.Phone("7500");

        using var response = await Sandbox.SendAsync(TwilioSandbox.Sms(phone));

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var json = await TwilioSandbox.JsonAsync(response);
        Assert.Equal(20500, json.GetProperty("code").GetInt32());
        Assert.Equal(500, json.GetProperty("status").GetInt32());
        Assert.Empty(await Sandbox.MessagesAsync(m => m.To == phone));
    }

    [Fact]
    public async Task Script7408NeverAnswersAClientThatWaitsLessThan30Seconds()
    {
        var phone = TwilioSandbox.Phone("7408");
        using var impatient = new HttpClient { BaseAddress = Sandbox.Client.BaseAddress, Timeout = TimeSpan.FromMilliseconds(500) };

        await Assert.ThrowsAnyAsync<TaskCanceledException>(() => Sandbox.SendAsync(TwilioSandbox.Sms(phone), client: impatient));

        Assert.Empty(await Sandbox.MessagesAsync(m => m.To == phone));
    }
}
