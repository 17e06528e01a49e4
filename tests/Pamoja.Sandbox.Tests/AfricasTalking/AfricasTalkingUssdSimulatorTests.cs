using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Pamoja.Sandbox.Providers.AfricasTalking;

namespace Pamoja.Sandbox.Tests.AfricasTalking;

public sealed class SharedAtSandbox : IAsyncLifetime
{
    internal AtSandbox Sandbox { get; private set; } = null!;

    public async Task InitializeAsync() => Sandbox = await AtSandbox.StartAsync();

    public async Task DisposeAsync() => await Sandbox.DisposeAsync();
}

public sealed class AfricasTalkingUssdSimulatorTests(SharedAtSandbox shared) : IClassFixture<SharedAtSandbox>
{
    private AtSandbox Sandbox => shared.Sandbox;

    [Fact]
    public async Task ASessionPostsCumulativeTextUnderOneSessionIdUntilEnd()
    {
        var phone = TestPhones.Kenyan();
        var app = Sandbox.Stub.NewUrl();
        Sandbox.Stub.Answers(app, "CON Karibu Pamoja\n1. Weka akiba\n2. Salio", "CON Kiasi gani?", "END Asante! Umeweka KES 500.");

        var dial = await Sandbox.UssdOkAsync(AtSandbox.Dial(phone, app));
        var sessionId = dial.GetProperty("sessionId").GetString()!;
        var first = await Sandbox.UssdOkAsync(AtSandbox.Step(sessionId, "1"));
        var second = await Sandbox.UssdOkAsync(AtSandbox.Step(sessionId, "500"));

        Assert.StartsWith("ATUid_", sessionId, StringComparison.Ordinal);
        Assert.Equal(["sessionId", "text", "ended", "screen", "violation"], dial.EnumerateObject().Select(p => p.Name));
        Assert.Equal("", dial.GetProperty("text").GetString());
        Assert.False(dial.GetProperty("ended").GetBoolean());
        Assert.Equal("Karibu Pamoja\n1. Weka akiba\n2. Salio", dial.GetProperty("screen").GetString());
        Assert.Equal(JsonValueKind.Null, dial.GetProperty("violation").ValueKind);
        Assert.Equal("1", first.GetProperty("text").GetString());
        Assert.False(first.GetProperty("ended").GetBoolean());
        Assert.Equal("Kiasi gani?", first.GetProperty("screen").GetString());
        Assert.Equal("1*500", second.GetProperty("text").GetString());
        Assert.True(second.GetProperty("ended").GetBoolean());
        Assert.Equal("Asante! Umeweka KES 500.", second.GetProperty("screen").GetString());
        Assert.Equal(sessionId, second.GetProperty("sessionId").GetString());

        var posts = Sandbox.Stub.On(app);
        Assert.Equal(3, posts.Length);
        Assert.Equal(["", "1", "1*500"], posts.Select(p => p.Form["text"]));
        foreach (var post in posts)
        {
            Assert.Equal("?k=test-token", post.Query);
            Assert.StartsWith("application/x-www-form-urlencoded", post.ContentType, StringComparison.Ordinal);
            Assert.Equal(
                new Dictionary<string, string>
                {
                    ["sessionId"] = sessionId,
                    ["serviceCode"] = "*384*1234#",
                    ["phoneNumber"] = phone,
                    ["networkCode"] = "99999",
                    ["text"] = post.Form["text"],
                },
                post.Form);
        }

        // AT would not carry on after END.
        using var after = await Sandbox.UssdAsync(AtSandbox.Step(sessionId, "1"));
        Assert.Equal(HttpStatusCode.Conflict, after.StatusCode);
        Assert.Contains("has ended", await after.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(3, Sandbox.Stub.On(app).Length);
    }

    [Fact]
    public async Task NumbersAndEmptyRepliesAreInputsToo()
    {
        var app = Sandbox.Stub.NewUrl();
        Sandbox.Stub.Answers(app, "CON menu");
        var dial = await Sandbox.UssdOkAsync(AtSandbox.Dial(TestPhones.Kenyan(), app));
        var id = dial.GetProperty("sessionId").GetString()!;

        await Sandbox.UssdOkAsync(new JsonObject { ["sessionId"] = id, ["input"] = 2 });
        await Sandbox.UssdOkAsync(AtSandbox.Step(id, ""));
        var third = await Sandbox.UssdOkAsync(AtSandbox.Step(id, "3"));

        Assert.Equal("2**3", third.GetProperty("text").GetString());
        Assert.Equal(["", "2", "2*", "2**3"], Sandbox.Stub.On(app).Select(p => p.Form["text"]));
    }

    [Fact]
    public async Task AServiceCodeOfItsOwnIsPosted()
    {
        var app = Sandbox.Stub.NewUrl();
        var dial = AtSandbox.Dial(TestPhones.Kenyan(), app);
        dial["serviceCode"] = "*483*7#";

        await Sandbox.UssdOkAsync(dial);

        Assert.Equal("*483*7#", Assert.Single(Sandbox.Stub.On(app)).Form["serviceCode"]);
    }

    public static TheoryData<int, string, string> Violations => new()
    {
        { 200, "Karibu", "Response should start with a CON or an END (it starts with \"Karibu\")" },
        { 200, "con Karibu", "Response should start with a CON or an END (it starts with \"con Karibu\")" },
        { 200, " CON Karibu", "Response should start with a CON or an END (it starts with whitespace)" },
        { 200, "CONKaribu", "Response should start with a CON or an END (it starts with \"CONKaribu\")" },
        { 200, "<html><body>Karibu sana</body></html>", "Response should start with a CON or an END (it starts with \"<html><body>Karibu s\")" },
        { 200, "", "Response is empty; it should start with a CON or an END" },
        { 500, "CON Karibu", "The app answered HTTP 500; Africa's Talking needs HTTP 200 with a body starting CON or END" },
        { 404, "END Karibu", "The app answered HTTP 404; Africa's Talking needs HTTP 200 with a body starting CON or END" },
        { 201, "CON Karibu", "The app answered HTTP 201; Africa's Talking needs HTTP 200 with a body starting CON or END" },
        { 302, "CON Karibu", "The app answered HTTP 302; Africa's Talking needs HTTP 200 with a body starting CON or END" },
        { 200, "CON " + new string('a', 190), "screen is 190 characters; limit 182" },
        { 200, "END " + new string('[', 92), "screen is 184 characters; limit 182" },
        { 200, "CON Karibu\u2026 \u201Crafiki\u201D", "screen has characters outside the GSM 7-bit alphabet: '\u2026' (U+2026), '\u201C' (U+201C), '\u201D' (U+201D)" },
        { 200, "END Asante \U0001F44B", "screen has characters outside the GSM 7-bit alphabet: '\U0001F44B' (U+1F44B)" },
        { 200, "CON " + new string('\u2026', 183), "screen is 183 characters; limit 182; screen has characters outside the GSM 7-bit alphabet: '\u2026' (U+2026)" },
    };

    [Theory]
    [MemberData(nameof(Violations))]
    public async Task AnAnswerAtWouldRefuseEndsTheSessionWithTheReason(int status, string body, string violation)
    {
        var phone = TestPhones.Kenyan();
        var app = Sandbox.Stub.NewUrl();
        Sandbox.Stub.Answers(app, new AtAppStub.Answer(200, "CON Karibu\n1. Akiba"), new AtAppStub.Answer(status, body));
        var dial = await Sandbox.UssdOkAsync(AtSandbox.Dial(phone, app));
        var id = dial.GetProperty("sessionId").GetString()!;

        var step = await Sandbox.UssdOkAsync(AtSandbox.Step(id, "1"));

        Assert.True(step.GetProperty("ended").GetBoolean());
        Assert.Equal(JsonValueKind.Null, step.GetProperty("screen").ValueKind);
        Assert.Equal(violation, step.GetProperty("violation").GetString());
        using var after = await Sandbox.UssdAsync(AtSandbox.Step(id, "1"));
        Assert.Equal(HttpStatusCode.Conflict, after.StatusCode);

        var endEvent = Assert.Single(await EventsOfAsync(id));
        Assert.Equal("Failed", endEvent["status"]);
        Assert.Equal(violation, endEvent["errorMessage"]);
        var shown = await Sandbox.MessagesOfAsync(phone);
        Assert.Contains(shown, m => m.Body == $"(session ended by Africa's Talking: {violation})" && m.Direction == "outbound");
    }

    [Fact]
    public async Task ExactlyTheLimitInGsmCharactersIsFine()
    {
        var app = Sandbox.Stub.NewUrl();
        // \u00E9 and \u00E0 are in GSM's default table: one septet each.
        var screen = "Karibu caf\u00E9 \u00E0 " + new string('a', 182 - 14);
        Assert.Equal(182, screen.Length);
        Sandbox.Stub.Answers(app, "CON " + screen);

        var dial = await Sandbox.UssdOkAsync(AtSandbox.Dial(TestPhones.Kenyan(), app));

        Assert.False(dial.GetProperty("ended").GetBoolean());
        Assert.Equal(screen, dial.GetProperty("screen").GetString());
        Assert.Equal(JsonValueKind.Null, dial.GetProperty("violation").ValueKind);
    }

    [Fact]
    public async Task AnUnreachableAppEndsTheSession()
    {
        var dial = await Sandbox.UssdOkAsync(AtSandbox.Dial(TestPhones.Kenyan(), ReportReceiver.UnreachableUrl()));

        Assert.True(dial.GetProperty("ended").GetBoolean());
        Assert.StartsWith("Could not reach the app at", dial.GetProperty("violation").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReplayPostsThePreviousStepUnchangedAndTheSessionGoesOn()
    {
        var app = Sandbox.Stub.NewUrl();
        Sandbox.Stub.Answers(app, "CON menu", "CON first answer", "CON answer to the retry", "END done");
        var id = (await Sandbox.UssdOkAsync(AtSandbox.Dial(TestPhones.Kenyan(), app))).GetProperty("sessionId").GetString()!;
        await Sandbox.UssdOkAsync(AtSandbox.Step(id, "1"));

        var replayed = await Sandbox.UssdOkAsync(new JsonObject { ["sessionId"] = id, ["replay"] = true });
        var next = await Sandbox.UssdOkAsync(AtSandbox.Step(id, "2"));

        Assert.Equal("1", replayed.GetProperty("text").GetString());
        Assert.Equal("answer to the retry", replayed.GetProperty("screen").GetString());
        Assert.False(replayed.GetProperty("ended").GetBoolean());
        var posts = Sandbox.Stub.On(app);
        Assert.Equal(4, posts.Length);
        Assert.Equal(posts[1].Form, posts[2].Form);
        Assert.Equal("1*2", next.GetProperty("text").GetString());
        Assert.True(next.GetProperty("ended").GetBoolean());

        using var late = await Sandbox.UssdAsync(new JsonObject { ["sessionId"] = id, ["replay"] = true });
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
        Assert.Equal(4, Sandbox.Stub.On(app).Length);
    }

    [Fact]
    public async Task ReplayOfTheDialPostsTheEmptyTextAgain()
    {
        var app = Sandbox.Stub.NewUrl();
        Sandbox.Stub.Answers(app, "CON menu");
        var id = (await Sandbox.UssdOkAsync(AtSandbox.Dial(TestPhones.Kenyan(), app))).GetProperty("sessionId").GetString()!;

        var replayed = await Sandbox.UssdOkAsync(new JsonObject { ["sessionId"] = id, ["replay"] = true });

        Assert.Equal("", replayed.GetProperty("text").GetString());
        Assert.Equal(["", ""], Sandbox.Stub.On(app).Select(p => p.Form["text"]));
        Assert.Equal(Sandbox.Stub.On(app)[0].Form, Sandbox.Stub.On(app)[1].Form);
    }

    [Fact]
    public async Task EndPostsASuccessEventWithTheSessionsFacts()
    {
        var phone = TestPhones.Kenyan();
        var app = Sandbox.Stub.NewUrl();
        Sandbox.Stub.Answers(app, "CON Karibu", "END Asante");
        var id = (await Sandbox.UssdOkAsync(AtSandbox.Dial(phone, app))).GetProperty("sessionId").GetString()!;
        await Sandbox.UssdOkAsync(AtSandbox.Step(id, "1"));

        var e = Assert.Single(await EventsOfAsync(id));

        Assert.Equal("Success", e["status"]);
        Assert.Equal(phone, e["phoneNumber"]);
        Assert.Equal("*384*1234#", e["serviceCode"]);
        Assert.Equal("99999", e["networkCode"]);
        Assert.Equal("1", e["input"]);
        Assert.Equal("END Asante", e["lastAppResponse"]);
        Assert.Equal("", e["errorMessage"]);
        Assert.Equal("2", e["hopsCount"]);
        Assert.Equal("KES 0.0000", e["cost"]);
        Assert.True(long.TryParse(e["durationInMillis"], NumberStyles.None, CultureInfo.InvariantCulture, out _), e["durationInMillis"]);
        Assert.True(DateTime.TryParseExact(e["date"], "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.None, out _), e["date"]);
        Assert.Equal(
            new[] { "date", "sessionId", "serviceCode", "networkCode", "phoneNumber", "status", "cost", "durationInMillis", "hopsCount", "input", "lastAppResponse", "errorMessage" }.Order(StringComparer.Ordinal),
            e.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task AnOpenSessionSendsNoEvent()
    {
        var app = Sandbox.Stub.NewUrl();
        Sandbox.Stub.Answers(app, "CON still open");
        var id = (await Sandbox.UssdOkAsync(AtSandbox.Dial(TestPhones.Kenyan(), app))).GetProperty("sessionId").GetString()!;
        // A session that did end, after this one, proves the events are flowing.
        var other = Sandbox.Stub.NewUrl();
        var otherId = (await Sandbox.UssdOkAsync(AtSandbox.Dial(TestPhones.Kenyan(), other))).GetProperty("sessionId").GetString()!;

        await EventsOfAsync(otherId);

        Assert.DoesNotContain(Sandbox.Stub.On(Sandbox.EventsUrl), r => r.Form["sessionId"] == id);
    }

    [Fact]
    public async Task EachStepIsRecordedForTheInbox()
    {
        var phone = TestPhones.Kenyan();
        var app = Sandbox.Stub.NewUrl();
        Sandbox.Stub.Answers(app, "CON Karibu <b>Pamoja</b>\n1. Akiba", "END Asante");
        var id = (await Sandbox.UssdOkAsync(AtSandbox.Dial(phone, app))).GetProperty("sessionId").GetString()!;
        await Sandbox.UssdOkAsync(AtSandbox.Step(id, "1"));

        var messages = (await Sandbox.MessagesOfAsync(phone)).Reverse().ToArray();

        Assert.Equal(
            [
                ("inbound", phone, "*384*1234#", "*384*1234#"),
                ("outbound", "*384*1234#", phone, "Karibu <b>Pamoja</b>\n1. Akiba"),
                ("inbound", phone, "*384*1234#", "1"),
                ("outbound", "*384*1234#", phone, "Asante"),
            ],
            messages.Select(m => (m.Direction, m.From, m.To, m.Body)));
        Assert.All(messages, m => Assert.Equal(("ussd", "africastalking"), (m.Channel, m.Provider)));
        Assert.All(messages, m => Assert.StartsWith(id + "/", m.Id, StringComparison.Ordinal));

        var html = await Sandbox.Client.GetStringAsync("/");
        var encodedPhone = phone.Replace("+", "&#x2B;", StringComparison.Ordinal);
        var section = html[html.IndexOf("<h3>" + encodedPhone + "</h3>", StringComparison.Ordinal)..];
        section = section[..section.IndexOf("</section>", StringComparison.Ordinal)];
        Assert.Contains("Karibu &lt;b&gt;Pamoja&lt;/b&gt;", section, StringComparison.Ordinal);
        Assert.Contains("africastalking ussd · session " + id, section, StringComparison.Ordinal);
        Assert.Contains("<div class=\"msg inbound\">", section, StringComparison.Ordinal);
        Assert.Contains("sent by this phone to " + System.Text.Encodings.Web.HtmlEncoder.Default.Encode("*384*1234#"), section, StringComparison.Ordinal);
    }

    public static TheoryData<string, string> BadRequests => new()
    {
        { "not json", "not valid JSON" },
        { "[1,2]", "must be a JSON object" },
        { "{}", "'phoneNumber' is required" },
        { """{"phoneNumber":254712345678}""", "'phoneNumber' must be a string" },
        { """{"phoneNumber":"0712345678"}""", "must be +E.164" },
        { """{"phoneNumber":"+254712345678","input":"1"}""", "A new session starts with empty text" },
        { """{"phoneNumber":"+254712345678","replay":true}""", "A new session starts with empty text" },
        { """{"phoneNumber":"+254712345678","sessionID":"ATUid_1"}""", "Unknown field 'sessionID'" },
        { """{"phoneNumber":"+254712345678","callbackUrl":"ftp://x/y"}""", "'callbackUrl' must be an absolute http or https URL" },
        { """{"phoneNumber":"+254712345678","serviceCode":"*384*12'34#"}""", "'serviceCode' must be digits" },
        { """{"sessionId":"ATUid_x","input":{"a":1}}""", "'input' must be a string" },
        { """{"sessionId":"ATUid_x","input":"1\u0000"}""", "without control characters" },
        { """{"sessionId":"ATUid_x","replay":"yes"}""", "'replay' must be true or false" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task BadRequestsGetA400SayingWhy(string body, string message)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await Sandbox.Client.PostAsync("/sandbox/africastalking/ussd", content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(message, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NotJsonAtAllIsA400()
    {
        using var content = new StringContent("phoneNumber=%2B254712345678", Encoding.UTF8, "application/x-www-form-urlencoded");
        using var response = await Sandbox.Client.PostAsync("/sandbox/africastalking/ussd", content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Content-Type: application/json", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StepsOnAnOpenSessionMustSayWhatToDoAndCannotChangeItsFacts()
    {
        var phone = TestPhones.Kenyan();
        var app = Sandbox.Stub.NewUrl();
        Sandbox.Stub.Answers(app, "CON menu");
        var id = (await Sandbox.UssdOkAsync(AtSandbox.Dial(phone, app))).GetProperty("sessionId").GetString()!;

        using var neither = await Sandbox.UssdAsync(new JsonObject { ["sessionId"] = id });
        using var both = await Sandbox.UssdAsync(new JsonObject { ["sessionId"] = id, ["input"] = "1", ["replay"] = true });
        using var otherPhone = await Sandbox.UssdAsync(new JsonObject { ["sessionId"] = id, ["input"] = "1", ["phoneNumber"] = TestPhones.Kenyan() });
        using var samePhone = await Sandbox.UssdAsync(new JsonObject { ["sessionId"] = id, ["input"] = "1", ["phoneNumber"] = phone });

        Assert.Equal(HttpStatusCode.BadRequest, neither.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, both.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, otherPhone.StatusCode);
        Assert.Equal(HttpStatusCode.OK, samePhone.StatusCode);
        Assert.Equal(2, Sandbox.Stub.On(app).Length);
    }

    [Fact]
    public async Task AnUnknownSessionIsA404()
    {
        using var response = await Sandbox.UssdAsync(AtSandbox.Step("ATUid_never", "1"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("No USSD session 'ATUid_never'", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private async Task<Dictionary<string, string>[]> EventsOfAsync(string sessionId)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            var found = Sandbox.Stub.On(Sandbox.EventsUrl).Where(r => r.Form["sessionId"] == sessionId).Select(r => r.Form).ToArray();
            if (found.Length > 0)
            {
                return found;
            }
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"No end-of-session event for {sessionId}");
            }
            await Task.Delay(20);
        }
    }
}

public sealed class AfricasTalkingUssdExpiryTests
{
    [Fact]
    public async Task ASessionIdleForLongerThanTheTimeoutIsGoneAndReportedIncomplete()
    {
        var clock = new ManualClock();
        await using var sandbox = await AtSandbox.StartAsync(clock);
        var app = sandbox.Stub.NewUrl();
        sandbox.Stub.Answers(app, "CON menu");
        var id = (await sandbox.UssdOkAsync(AtSandbox.Dial(TestPhones.Kenyan(), app))).GetProperty("sessionId").GetString()!;

        clock.Advance(TimeSpan.FromSeconds(180));
        var atTheLimit = await sandbox.UssdOkAsync(AtSandbox.Step(id, "1"));
        clock.Advance(TimeSpan.FromSeconds(181));
        using var expired = await sandbox.UssdAsync(AtSandbox.Step(id, "2"));
        using var again = await sandbox.UssdAsync(new JsonObject { ["sessionId"] = id, ["replay"] = true });

        Assert.False(atTheLimit.GetProperty("ended").GetBoolean());
        Assert.Equal(HttpStatusCode.Gone, expired.StatusCode);
        Assert.Contains($"Session {id} expired", await expired.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Gone, again.StatusCode);
        Assert.Equal(2, sandbox.Stub.On(app).Length);

        var e = Assert.Single(await sandbox.Stub.WaitForAsync(sandbox.EventsUrl));
        Assert.Equal(id, e.Form["sessionId"]);
        Assert.Equal("Incomplete", e.Form["status"]);
        Assert.Equal("1", e.Form["input"]);
        Assert.Equal("CON menu", e.Form["lastAppResponse"]);
        Assert.Equal("361000", e.Form["durationInMillis"]);
    }

    [Fact]
    public async Task AnAppThatDoesNotAnswerInTimeEndsTheSession()
    {
        await using var sandbox = await AtSandbox.StartAsync(settings: new Dictionary<string, string> { ["AfricasTalking:CallbackTimeout"] = "00:00:00.300" });
        var app = sandbox.Stub.NewUrl();
        sandbox.Stub.Answers(app, new AtAppStub.Answer(200, "CON too late", TimeSpan.FromSeconds(30)));

        var dial = await sandbox.UssdOkAsync(AtSandbox.Dial(TestPhones.Kenyan(), app));

        Assert.True(dial.GetProperty("ended").GetBoolean());
        var violation = dial.GetProperty("violation").GetString();
        Assert.Equal("No answer from the app at " + app.GetLeftPart(UriPartial.Path) + " within 0.3 s", violation);
        Assert.DoesNotContain("test-token", violation, StringComparison.Ordinal);
        var e = Assert.Single(await sandbox.Stub.WaitForAsync(sandbox.EventsUrl));
        Assert.Equal(("Failed", violation), (e.Form["status"], e.Form["errorMessage"]));
    }

    [Fact]
    public async Task AStepWhileThePreviousIsStillWaitingIsRefused()
    {
        // An answer held until the test lets it go: the first step is certainly still
        // waiting when the second arrives.
        await using var sandbox = await AtSandbox.StartAsync();
        var app = sandbox.Stub.NewUrl();
        var hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        sandbox.Stub.Answers(app, new AtAppStub.Answer(200, "CON menu"), new AtAppStub.Answer(200, "CON held", Hold: hold));
        var id = (await sandbox.UssdOkAsync(AtSandbox.Dial(TestPhones.Kenyan(), app))).GetProperty("sessionId").GetString()!;

        var held = sandbox.UssdAsync(AtSandbox.Step(id, "1"));
        await sandbox.Stub.WaitForAsync(app, 2);
        using var second = await sandbox.UssdAsync(AtSandbox.Step(id, "2"));
        hold.SetResult();
        using var first = await held;

        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Contains("still waiting", await second.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Contains("\"screen\":\"held\"", await first.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(2, sandbox.Stub.On(app).Length);
    }

    [Fact]
    public async Task CallbackUrlsDefaultToTheWebAppWithTheToken()
    {
        await using var sandbox = await AtSandbox.StartAsync(settings: new Dictionary<string, string> { ["PAMOJA_URL"] = "http://127.0.0.1:5077/" });

        var options = sandbox.App.Services.GetRequiredService<IOptions<AfricasTalkingOptions>>().Value;

        Assert.Equal(new Uri("http://127.0.0.1:5077/webhooks/africastalking/ussd?k=sandbox-at-callback-token"), options.UssdCallbackUrl);
        Assert.Equal(new Uri("http://127.0.0.1:5077/webhooks/africastalking/sms?k=sandbox-at-callback-token"), options.SmsCallbackUrl);
        Assert.Equal("*384*1234#", options.ServiceCode);
        Assert.Equal("12345", options.SmsShortCode);
        Assert.Null(options.DeliveryReportUrl);
    }

    [Fact]
    public async Task AConfiguredTokenAndUrlWin()
    {
        await using var sandbox = await AtSandbox.StartAsync(settings: new Dictionary<string, string>
        {
            ["PAMOJA_URL"] = "http://localhost:5000",
            ["AfricasTalking:CallbackToken"] = "a b&c",
            ["AfricasTalking:SmsCallbackUrl"] = "http://app.test/at/sms",
        });

        var options = sandbox.App.Services.GetRequiredService<IOptions<AfricasTalkingOptions>>().Value;

        Assert.Equal("http://localhost:5000/webhooks/africastalking/ussd?k=a%20b%26c", options.UssdCallbackUrl!.AbsoluteUri);
        Assert.Equal(new Uri("http://app.test/at/sms"), options.SmsCallbackUrl);
    }

    [Fact]
    public async Task TheDialUsesTheConfiguredCallbackUrl()
    {
        await using var stub = await AtAppStub.StartAsync();
        var app = stub.NewUrl();
        stub.Answers(app, "END configured");
        await using var sandbox = await AtSandbox.StartAsync(settings: new Dictionary<string, string> { ["AfricasTalking:UssdCallbackUrl"] = app.ToString() });

        var dial = await sandbox.UssdOkAsync(new JsonObject { ["phoneNumber"] = TestPhones.Kenyan() });

        Assert.Equal("configured", dial.GetProperty("screen").GetString());
        Assert.Single(stub.On(app));
    }
}
