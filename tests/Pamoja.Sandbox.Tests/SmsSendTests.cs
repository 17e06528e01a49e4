using System.Net;
using System.Text.RegularExpressions;

namespace Pamoja.Sandbox.Tests;

[Collection(SharedSandbox.Name)]
public sealed partial class SmsSendTests(SandboxFixture sandbox)
{
    [GeneratedRegex("^ATXid_[0-9a-f]{32}$")]
    private static partial Regex MessageIdPattern();

    [Fact]
    public async Task SendIsAcceptedWithAtResponseShapeAndRecorded()
    {
        var phone = TestPhones.Kenyan();
        var before = DateTimeOffset.UtcNow;

        using var response = await sandbox.SendSmsAsync(phone, "Mchango wako wa KES 500 umepokelewa", from: "PAMOJA");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var body = await AtSms.ReadJsonAsync(response);
        Assert.Equal(["SMSMessageData"], AtSms.PropertyNames(body));
        var data = body.GetProperty("SMSMessageData");
        Assert.Equal(["Message", "Recipients"], AtSms.PropertyNames(data));
        Assert.Equal("Sent to 1/1 Total Cost: KES 0.8000", data.GetProperty("Message").GetString());

        var recipient = Assert.Single(AtSms.Recipients(body));
        Assert.Equal(["statusCode", "number", "status", "cost", "messageId"], AtSms.PropertyNames(recipient));
        Assert.Equal(101, recipient.GetProperty("statusCode").GetInt32());
        Assert.Equal(phone, recipient.GetProperty("number").GetString());
        Assert.Equal("Success", recipient.GetProperty("status").GetString());
        Assert.Equal("KES 0.8000", recipient.GetProperty("cost").GetString());
        var messageId = recipient.GetProperty("messageId").GetString()!;
        Assert.Matches(MessageIdPattern(), messageId);

        var stored = Assert.Single(await sandbox.MessagesToAsync(phone));
        Assert.Equal(messageId, stored.Id);
        Assert.Equal("sms", stored.Channel);
        Assert.Equal("africastalking", stored.Provider);
        Assert.Equal("PAMOJA", stored.From);
        Assert.Equal(phone, stored.To);
        Assert.Equal("Mchango wako wa KES 500 umepokelewa", stored.Body);
        Assert.InRange(stored.ReceivedAt, before, DateTimeOffset.UtcNow);
    }

    [Fact]
    public async Task MissingFromUsesAtSharedSender()
    {
        var phone = TestPhones.Kenyan();
        using var response = await sandbox.SendSmsAsync(phone, "hello");
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("AFRICASTKNG", Assert.Single(await sandbox.MessagesToAsync(phone)).From);
    }

    [Fact]
    public async Task MultipleRecipientsEachGetTheirOwnResultAndRecord()
    {
        var kenyan = TestPhones.Kenyan();
        var tanzanian = "+2557" + kenyan[5..];
        var other = "+17" + kenyan[5..];

        using var response = await sandbox.SendSmsAsync($"{kenyan}, {tanzanian},{other}", "Mkutano kesho saa nne");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await AtSms.ReadJsonAsync(response);
        var recipients = AtSms.Recipients(body);
        Assert.Equal([kenyan, tanzanian, other], recipients.Select(r => r.GetProperty("number").GetString()));
        Assert.All(recipients, r => Assert.Equal(101, r.GetProperty("statusCode").GetInt32()));
        Assert.Equal(["KES 0.8000", "TZS 20.0000", "USD 0.0100"], recipients.Select(r => r.GetProperty("cost").GetString()));
        var ids = recipients.Select(r => r.GetProperty("messageId").GetString()).ToList();
        Assert.Equal(3, ids.Distinct().Count());
        Assert.Equal("Sent to 3/3 Total Cost: KES 0.8000, TZS 20.0000, USD 0.0100",
            body.GetProperty("SMSMessageData").GetProperty("Message").GetString());

        foreach (var (phone, id) in new[] { kenyan, tanzanian, other }.Zip(ids))
        {
            var stored = Assert.Single(await sandbox.MessagesToAsync(phone));
            Assert.Equal(id, stored.Id);
            Assert.Equal("Mkutano kesho saa nne", stored.Body);
        }
    }

    [Fact]
    public async Task MissingApiKeyIsUnauthorizedInPlainText()
    {
        var phone = TestPhones.Kenyan();
        foreach (var apiKey in new string?[] { null, "" })
        {
            using var response = await sandbox.Client.SendAsync(AtSms.SendRequest(phone, "hi", apiKey: apiKey));

            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal("The supplied authentication is invalid", await response.Content.ReadAsStringAsync());
        }
        Assert.Empty(await sandbox.MessagesToAsync(phone));
    }

    [Theory]
    [InlineData("username")]
    [InlineData("to")]
    [InlineData("message")]
    public async Task MissingRequiredFieldIsBadRequestNamingIt(string field)
    {
        var phone = TestPhones.Kenyan();
        foreach (var value in new string?[] { null, "" })
        {
            using var request = AtSms.SendRequest(
                to: field == "to" ? value : phone,
                message: field == "message" ? value : "hi",
                username: field == "username" ? value : "sandbox");

            using var response = await sandbox.Client.SendAsync(request);

            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal($"Request is missing required form field '{field}'", await response.Content.ReadAsStringAsync());
        }
        Assert.Empty(await sandbox.MessagesToAsync(phone));
    }

    [Fact]
    public async Task WithoutAcceptJsonIsNotAcceptable()
    {
        var phone = TestPhones.Kenyan();
        using var response = await sandbox.Client.SendAsync(AtSms.SendRequest(phone, "hi", acceptJson: false));

        Assert.Equal(HttpStatusCode.NotAcceptable, response.StatusCode);
        Assert.Contains("Accept: application/json", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(await sandbox.MessagesToAsync(phone));
    }

    [Theory]
    [InlineData("0712345678")]      // local format, no +
    [InlineData("+254")]            // too short for ^\+\d{1,3}\d{3,}$
    [InlineData("+2547I2345678")]   // a letter
    public async Task InvalidNumberGets403RecipientAndIsNotRecorded(string invalid)
    {
        var valid = TestPhones.Kenyan();

        using var response = await sandbox.SendSmsAsync($"{invalid},{valid}", "hi");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await AtSms.ReadJsonAsync(response);
        var recipients = AtSms.Recipients(body);
        Assert.Equal(2, recipients.Length);
        Assert.Equal(["statusCode", "number", "status", "cost", "messageId"], AtSms.PropertyNames(recipients[0]));
        Assert.Equal(403, recipients[0].GetProperty("statusCode").GetInt32());
        Assert.Equal(invalid, recipients[0].GetProperty("number").GetString());
        Assert.Equal("InvalidPhoneNumber", recipients[0].GetProperty("status").GetString());
        Assert.Equal("0", recipients[0].GetProperty("cost").GetString());
        Assert.Equal("None", recipients[0].GetProperty("messageId").GetString());
        Assert.Equal(101, recipients[1].GetProperty("statusCode").GetInt32());
        Assert.Equal("Sent to 1/2 Total Cost: KES 0.8000", body.GetProperty("SMSMessageData").GetProperty("Message").GetString());

        Assert.Empty(await sandbox.MessagesToAsync(invalid));
        Assert.Single(await sandbox.MessagesToAsync(valid));
    }
}
