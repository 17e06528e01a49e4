using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Pamoja.Sandbox;

namespace Pamoja.Web.Tests.Infrastructure;

/// The app on a real loopback port with a sandbox of its own that knows the app's address, so
/// every channel runs over HTTP as in production: the Twilio simulator posts signed webhooks and
/// reads the TwiML, the Africa's Talking simulator walks USSD sessions and posts inbound SMS, the
/// outbox sends SMS and WhatsApp to this sandbox, whose status callbacks and delivery reports come
/// back to the app, and M-Pesa STK pushes call back as in the payments tests.
///
/// Its own database (the payments worker claims any due payment in its database) and a fake
/// clock that stands at 10:00 UTC on the day the test groups' first period opens (13:00 in
/// Nairobi: outside the default quiet hours, whatever the real time of day).
public sealed class ChannelsApp : IAsyncDisposable
{
    public const string AtToken = "sandbox-at-callback-token";

    private ChannelsApp(WebApplication sandbox, Uri sandboxUrl, PamojaFactory app, Uri appUrl, TestClock clock, string connectionString)
    {
        Sandbox = sandbox;
        SandboxUrl = sandboxUrl;
        App = app;
        AppUrl = appUrl;
        Clock = clock;
        ConnectionString = connectionString;
        SandboxClient = new HttpClient { BaseAddress = sandboxUrl };
    }

    public WebApplication Sandbox { get; }
    public Uri SandboxUrl { get; }
    public HttpClient SandboxClient { get; }
    public PamojaFactory App { get; }
    public Uri AppUrl { get; }
    public TestClock Clock { get; }
    public string ConnectionString { get; }

    /// The day every test group's first period opens (groups start on ScheduleData.Start).
    public static DateOnly Today => ScheduleData.Opens(1);

    public static async Task<ChannelsApp> StartAsync()
    {
        var cs = TestDatabase.CreateDatabase("pamoja_chan");
        try
        {
            var port = LocalPorts.Free();
            var appUrl = new Uri($"http://127.0.0.1:{port}/");
            string At(string path) => new Uri(appUrl, path + "?k=" + AtToken).ToString();
            var sandbox = SandboxApp.Build(["--urls", "http://127.0.0.1:0"], b =>
            {
                foreach (var (key, value) in PaymentsApp.SandboxDefaults) b.Configuration[key] = value;
                b.Configuration["Twilio:WebhookUrl"] = new Uri(appUrl, "webhooks/twilio/messages").ToString();
                b.Configuration["Twilio:StatusCallbackDelay"] = "00:00:00.050";
                b.Configuration["AfricasTalking:UssdCallbackUrl"] = At("webhooks/africastalking/ussd");
                b.Configuration["AfricasTalking:SmsCallbackUrl"] = At("webhooks/africastalking/sms");
                b.Configuration["AfricasTalking:DeliveryReportUrl"] = At("webhooks/africastalking/sms/delivery");
                b.Configuration["AfricasTalking:DeliveryReportDelay"] = "00:00:00.050";
            });
            await sandbox.StartAsync();
            var sandboxUrl = SandboxApp.BoundAddress(sandbox);

            var clock = ScheduleData.NewClock();
            clock.MoveTo(Today);
            var settings = new Dictionary<string, string?>
            {
                ["PAMOJA_DATABASE_URL"] = cs,
                ["Payments:CallbackBaseUrl"] = appUrl.ToString(),
                ["Accounts:BearerTokenLifetime"] = "400.00:00:00",
                ["Payments:WorkerEnabled"] = "true",
                ["Payments:PollInterval"] = "00:00:00.100",
                ["Payments:FirstCheckAfter"] = "00:00:01",
                ["Payments:MaxCheckInterval"] = "00:00:01",
                ["Payments:ReconcileEvery"] = "01:00:00",
                ["Mpesa:Timeout"] = "00:00:01.500",
                ["Momo:Timeout"] = "00:00:01.500",
                // Every message goes to this app's own sandbox, which calls this app back.
                ["AfricasTalking:BaseUrl"] = sandboxUrl.ToString(),
                ["Twilio:PublicBaseUrl"] = appUrl.ToString(),
                ["RateLimits:InvitationsPerPhonePerDay"] = "1000",
            };
            var app = new PamojaFactory(sandboxUrl, clock, settings);
            app.UseKestrel(port);
            app.BaseAddress = appUrl;
            app.StartServer();
            return new ChannelsApp(sandbox, sandboxUrl, app, appUrl, clock, cs);
        }
        catch
        {
            TestDatabase.Drop(cs);
            throw;
        }
    }

    /// A browser for the app's pages on its real port: keeps cookies, does not follow redirects
    /// (a client from the factory follows them once the app listens on Kestrel).
    public HttpClient Browser() => new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new CookieContainer() })
    {
        BaseAddress = AppUrl,
    };

    public T Service<T>() where T : notnull => App.Services.GetRequiredService<T>();

    // ---- SQL against the app's own database ----

    public Task<long> CountAsync(string sql, params object?[] args) => LedgerData.CountAsync(ConnectionString, sql, args);

    public Task<object?> ScalarAsync(string sql, params object?[] args) => LedgerData.ScalarAsync(ConnectionString, sql, args);

    public Task<List<object?[]>> RowsAsync(string sql, params object?[] args) => LedgerData.RowsAsync(ConnectionString, sql, args);

    public async Task ExecuteAsync(string sql, params object?[] args)
    {
        await using var db = new Npgsql.NpgsqlConnection(ConnectionString);
        await db.OpenAsync();
        await using var cmd = new Npgsql.NpgsqlCommand(sql, db);
        foreach (var arg in args) cmd.Parameters.Add(new Npgsql.NpgsqlParameter { Value = arg ?? DBNull.Value });
        await cmd.ExecuteNonQueryAsync();
    }

    /// A count that becomes right a moment after something the test saw (the sandbox records a
    /// message when the app sends it; the app records "sent" after the answer): waits (bounded)
    /// for the expected count and returns the count it ended with.
    public async Task<long> CountSoonAsync(long expected, string sql, params object?[] args)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var count = await CountAsync(sql, args);
            if (count == expected || DateTime.UtcNow > deadline) return count;
            await Task.Delay(50);
        }
    }

    // ---- The sandbox ----

    /// What the sandbox saw go to and come from a phone (GET /sandbox/messages?to=).
    public async Task<List<JsonElement>> MessagesAsync(string phone) =>
        (await SandboxClient.GetFromJsonAsync<JsonElement>($"/sandbox/messages?to={Uri.EscapeDataString(phone)}")).EnumerateArray().ToList();

    /// The messages that reached the phone (outbound), optionally on one channel.
    public async Task<List<JsonElement>> ReceivedAsync(string phone, string? channel = null) =>
        [.. (await MessagesAsync(phone)).Where(m => m.GetProperty("direction").GetString() == "outbound"
            && (channel is null || m.GetProperty("channel").GetString() == channel))];

    /// Waits (bounded) until a message matching the test reaches the phone, and returns it.
    public async Task<JsonElement> ReceivedAsync(string phone, Func<JsonElement, bool> match, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            foreach (var m in await ReceivedAsync(phone))
                if (match(m)) return m;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"{what} did not reach {phone}: {string.Join(" | ", (await MessagesAsync(phone)).Select(m => m.ToString()))} {App.Logs.Errors()}");
            await Task.Delay(50);
        }
    }

    /// A member's phone sends a WhatsApp (or Twilio SMS) message through the Twilio simulator.
    public async Task<TwilioTurn> TwilioAsync(string phone, string body, string channel = "whatsapp", string? messageSid = null, string? signature = null)
    {
        using var response = await SandboxClient.PostAsJsonAsync("/sandbox/twilio/inbound", new { channel, from = phone, body, messageSid, signature });
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"twilio inbound: {(int)response.StatusCode} {text}");
        var json = JsonDocument.Parse(text).RootElement;
        return new TwilioTurn(json.GetProperty("messageSid").GetString()!,
            json.GetProperty("webhookStatus").ValueKind == JsonValueKind.Number ? json.GetProperty("webhookStatus").GetInt32() : null,
            [.. json.GetProperty("replies").EnumerateArray().Select(r => r.GetString()!)],
            json.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null);
    }

    /// Sends a chat message and returns its one reply, asserting the webhook answered 200.
    public async Task<string> ChatAsync(string phone, string body, string? messageSid = null)
    {
        var turn = await TwilioAsync(phone, body, messageSid: messageSid);
        Assert.True(turn.WebhookStatus == 200, $"'{Shorten(body)}': webhook {turn.WebhookStatus} {turn.Error} {App.Logs.Errors()}");
        Assert.True(turn.Replies.Count == 1, $"'{Shorten(body)}': {turn.Replies.Count} replies: {string.Join(" | ", turn.Replies)}");
        return turn.Replies[0];
    }

    /// One step on the Africa's Talking USSD simulator: a dial without sessionId, else input or replay.
    public async Task<UssdStep> UssdAsync(string phone, string? sessionId = null, string? input = null, bool replay = false)
    {
        object body = sessionId is null ? new { phoneNumber = phone } : replay ? new { sessionId, replay = true } : new { sessionId, input };
        using var response = await SandboxClient.PostAsJsonAsync("/sandbox/africastalking/ussd", body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"ussd: {(int)response.StatusCode} {text}");
        var json = JsonDocument.Parse(text).RootElement;
        var step = new UssdStep(json.GetProperty("sessionId").GetString()!, json.GetProperty("ended").GetBoolean(),
            json.GetProperty("screen").ValueKind == JsonValueKind.String ? json.GetProperty("screen").GetString() : null,
            json.GetProperty("violation").ValueKind == JsonValueKind.String ? json.GetProperty("violation").GetString() : null);
        // Every screen as Africa's Talking reads it: no violation (≤ 182 GSM characters, CON/END).
        Assert.True(step.Violation is null, $"USSD violation: {step.Violation} {App.Logs.Errors()}");
        Assert.True(step.Screen!.Length <= 182, step.Screen);
        return step;
    }

    /// A phone texts the short code (Africa's Talking inbound SMS).
    public async Task<int?> AtSmsAsync(string phone, string text, string? id = null)
    {
        using var response = await SandboxClient.PostAsJsonAsync("/sandbox/africastalking/sms/inbound", new { from = phone, text, id });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"sms inbound: {(int)response.StatusCode} {body}");
        var json = JsonDocument.Parse(body).RootElement;
        return json.GetProperty("callbackStatus").ValueKind == JsonValueKind.Number ? json.GetProperty("callbackStatus").GetInt32() : null;
    }

    private static string Shorten(string s) => s.Length <= 40 ? s : s[..40] + "…";

    public async ValueTask DisposeAsync()
    {
        SandboxClient.Dispose();
        await App.DisposeAsync();
        await Sandbox.StopAsync();
        await Sandbox.DisposeAsync();
        TestDatabase.Drop(ConnectionString);
    }
}

public sealed record TwilioTurn(string MessageSid, int? WebhookStatus, IReadOnlyList<string> Replies, string? Error);

public sealed record UssdStep(string SessionId, bool Ended, string? Screen, string? Violation);
