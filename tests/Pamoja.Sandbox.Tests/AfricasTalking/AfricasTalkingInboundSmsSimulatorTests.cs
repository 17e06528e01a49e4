using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Pamoja.Sandbox.Tests.AfricasTalking;

public sealed class AfricasTalkingInboundSmsSimulatorTests(SharedAtSandbox shared) : IClassFixture<SharedAtSandbox>
{
    private const string Path = "/sandbox/africastalking/sms/inbound";

    private AtSandbox Sandbox => shared.Sandbox;

    private async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(JsonObject body)
    {
        using var response = await Sandbox.Client.PostAsJsonAsync(Path, body);
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return (response.StatusCode, default);
        }
        using var doc = JsonDocument.Parse(text);
        return (response.StatusCode, doc.RootElement.Clone());
    }

    [Fact]
    public async Task TheAppGetsAtsIncomingSmsForm()
    {
        var phone = TestPhones.Kenyan();
        var app = Sandbox.Stub.NewUrl("sms");
        Sandbox.Stub.Answers(app, new AtAppStub.Answer(200, ""));

        var (status, body) = await SendAsync(new JsonObject { ["from"] = phone, ["text"] = "SALIO\nasante", ["callbackUrl"] = app.ToString() });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(["id", "callbackStatus", "callbackError"], body.EnumerateObject().Select(p => p.Name));
        Assert.Equal(200, body.GetProperty("callbackStatus").GetInt32());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("callbackError").ValueKind);
        var id = body.GetProperty("id").GetString()!;
        Assert.True(Guid.TryParse(id, out _), id);

        var post = Assert.Single(Sandbox.Stub.On(app));
        Assert.Equal("?k=test-token", post.Query);
        Assert.StartsWith("application/x-www-form-urlencoded", post.ContentType, StringComparison.Ordinal);
        Assert.Equal(["date", "from", "id", "linkId", "networkCode", "text", "to"], post.Form.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(phone, post.Form["from"]);
        Assert.Equal("12345", post.Form["to"]);
        Assert.Equal("SALIO\nasante", post.Form["text"]);
        Assert.Equal(id, post.Form["id"]);
        Assert.Equal("99999", post.Form["networkCode"]);
        Assert.True(Guid.TryParse(post.Form["linkId"], out _), post.Form["linkId"]);
        Assert.True(DateTime.TryParseExact(post.Form["date"], "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.None, out _), post.Form["date"]);

        var recorded = Assert.Single(await Sandbox.MessagesOfAsync(phone));
        Assert.Equal((id, "sms", "africastalking", phone, "12345", "SALIO\nasante", "inbound"),
            (recorded.Id, recorded.Channel, recorded.Provider, recorded.From, recorded.To, recorded.Body, recorded.Direction));
    }

    [Fact]
    public async Task TheSameIdTwiceIsADuplicateDelivery()
    {
        var phone = TestPhones.Kenyan();
        var app = Sandbox.Stub.NewUrl("sms");
        var message = new JsonObject { ["from"] = phone, ["text"] = "JIUNGE", ["to"] = "22384", ["id"] = "dup-1", ["linkId"] = "link-1", ["callbackUrl"] = app.ToString() };

        var (s1, b1) = await SendAsync(message);
        var (s2, b2) = await SendAsync(message.DeepClone().AsObject());

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (s1, s2));
        Assert.Equal("dup-1", b1.GetProperty("id").GetString());
        Assert.Equal("dup-1", b2.GetProperty("id").GetString());
        var posts = Sandbox.Stub.On(app);
        Assert.Equal(2, posts.Length);
        Assert.All(posts, p => Assert.Equal(("dup-1", "link-1", "22384"), (p.Form["id"], p.Form["linkId"], p.Form["to"])));
        Assert.Equal(2, (await Sandbox.MessagesOfAsync(phone)).Length);
    }

    [Fact]
    public async Task TheAppsFailureIsReportedNotHidden()
    {
        var app = Sandbox.Stub.NewUrl("sms");
        Sandbox.Stub.Answers(app, new AtAppStub.Answer(500, "boom"));

        var (status, body) = await SendAsync(new JsonObject { ["from"] = TestPhones.Kenyan(), ["text"] = "hi", ["callbackUrl"] = app.ToString() });
        var (_, unreachable) = await SendAsync(new JsonObject { ["from"] = TestPhones.Kenyan(), ["text"] = "hi", ["callbackUrl"] = ReportReceiver.UnreachableUrl().ToString() });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(500, body.GetProperty("callbackStatus").GetInt32());
        Assert.Equal(JsonValueKind.Null, unreachable.GetProperty("callbackStatus").ValueKind);
        Assert.StartsWith("Could not reach the app", unreachable.GetProperty("callbackError").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnEmptyTextIsStillAMessage()
    {
        var app = Sandbox.Stub.NewUrl("sms");

        var (status, _) = await SendAsync(new JsonObject { ["from"] = TestPhones.Kenyan(), ["text"] = "", ["callbackUrl"] = app.ToString() });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("", Assert.Single(Sandbox.Stub.On(app)).Form["text"]);
    }

    [Theory]
    [InlineData("{", "not valid JSON")]
    [InlineData("\"text\"", "must be a JSON object")]
    [InlineData("""{"text":"hi"}""", "'from' is required")]
    [InlineData("""{"from":"+254712345678"}""", "'text' is required")]
    [InlineData("""{"from":"0712345678","text":"hi"}""", "must be +E.164")]
    [InlineData("""{"from":"+254712345678","text":5}""", "'text' must be a string")]
    [InlineData("""{"from":"+254712345678","text":"hi","id":"has space"}""", "'id' must be 1 to 100 visible ASCII")]
    [InlineData("""{"from":"+254712345678","text":"hi","to":""}""", "'to' must be 1 to 100 visible ASCII")]
    [InlineData("""{"from":"+254712345678","text":"hi","callbackUrl":"/relative"}""", "'callbackUrl' must be an absolute")]
    [InlineData("""{"from":"+254712345678","text":"hi","From":"x"}""", "Unknown field 'From'")]
    public async Task BadRequestsGetA400SayingWhy(string body, string message)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await Sandbox.Client.PostAsync(Path, content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(message, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TextOverTheLimitIsA400()
    {
        var (status, _) = await SendAsync(new JsonObject { ["from"] = TestPhones.Kenyan(), ["text"] = new string('a', 1601), ["callbackUrl"] = Sandbox.Stub.NewUrl("sms").ToString() });

        Assert.Equal(HttpStatusCode.BadRequest, status);
    }
}
