using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Pamoja.Web.Features.Channels;
using Pamoja.Web.Tests.Infrastructure;

namespace Pamoja.Web.Tests.Features.Channels;

public sealed record ChatMember(Guid MemberId, Guid UserId, HttpClient Client, string Phone);

/// A KES group on a ChannelsApp: its chair, its members, its first period's obligations open.
public sealed record ChatGroup(ChannelsApp Channels, LedgerGroup G, string Name)
{
    public Guid GroupId => G.GroupId;
    public HttpClient Chair => G.Chair;
    public string Path(string rest) => G.Path(rest);
}

public static partial class ChannelsData
{
    public const long Contribution = 150_000; // KES 1,500.00 a month
    public const string Pin = "971346"; // digits unlikely to turn up by chance in a phone number or a MessageSid

    /// A fresh Kenyan number that none of the sandbox's scripts (M-Pesa, Twilio, Africa's
    /// Talking SMS) picks out, unless a script's last four digits are asked for.
    public static string Phone(string? script = null)
    {
        if (script is not null) return TestData.MpesaPhone(script);
        var scripts = Pamoja.Sandbox.Providers.Mpesa.MpesaScripts.Table.Select(s => s.EndsWith)
            .Concat(Pamoja.Sandbox.Providers.Twilio.TwilioScripts.Table.Select(s => s.EndsWith))
            .Concat(Pamoja.Sandbox.Providers.AfricasTalking.SmsScript.Table.Select(s => s.EndsWith)).ToList();
        while (true)
        {
            var phone = TestData.Phone();
            if (!scripts.Any(s => phone.EndsWith(s, StringComparison.Ordinal))) return phone;
        }
    }

    /// A new chair and their KES group starting on ScheduleData.Start; a gross pot, so the
    /// period's recipient owes their contribution too.
    public static async Task<ChatGroup> GroupAsync(this ChannelsApp app, string name = "Umoja Chama", HttpClient? chair = null)
    {
        var g = await LedgerData.GroupAsync(app.App, chair, ScheduleData.Rosca("KES", Contribution, pot: "gross", name: name), app.ConnectionString);
        return new ChatGroup(app, g, name);
    }

    /// Opens the first period: obligations for every active member, and the due-soon reminders.
    public static async Task OpenFirstPeriodAsync(this ChatGroup g)
    {
        var summary = await g.Channels.App.RunEnginesAsync(g.GroupId, ChannelsApp.Today);
        Assert.True(summary.Failed == 0, g.Channels.App.Logs.Errors());
    }

    /// Adds a person with an account (made now unless the phone has one already) as an active
    /// member: invited by the chair, accepted with the link from the invitation SMS, which this
    /// app's own sandbox received.
    public static async Task<ChatMember> MemberAsync(this ChatGroup g, string? phone = null, string? pin = null)
    {
        var app = g.Channels;
        phone ??= Phone();
        var client = app.App.ApiClient();
        var registered = await client.PostAsJsonAsync("/api/v1/auth/register", new { phone, fullName = "Test Member", password = TestData.Password });
        Assert.True(registered.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict, await registered.Content.ReadAsStringAsync());
        var token = await TestData.TokenAsync(client, phone, TestData.Password);
        Assert.Equal(HttpStatusCode.OK, token.StatusCode);
        client.DefaultRequestHeaders.Authorization = new("Bearer", (await token.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString());
        var userId = await GroupData.MyIdAsync(client);

        var added = await g.Chair.PostAsJsonAsync(g.Path("members"), new { phone });
        Assert.True(added.StatusCode == HttpStatusCode.Created, await added.Content.ReadAsStringAsync());
        var memberId = (await added.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("memberId").GetGuid();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var accepted = false;
            foreach (var sms in (await app.ReceivedAsync(phone, "sms")).Select(m => m.GetProperty("body").GetString()!)
                .Where(b => b.Contains("/invitations/", StringComparison.Ordinal) && b.Contains(g.Name, StringComparison.Ordinal)).Reverse())
            {
                var response = await client.PostAsJsonAsync("/api/v1/invitations/accept", new { token = GroupData.InvitationToken(sms) });
                if (response.StatusCode == HttpStatusCode.Created)
                {
                    Assert.Equal(memberId, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("memberId").GetGuid());
                    accepted = true;
                    break;
                }
            }
            if (accepted) break;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"No invitation to {g.Name} reached {phone}. {app.App.Logs.Errors()}");
            await Task.Delay(100);
        }
        if (pin is not null)
            await app.Service<ChatPins>().SetAsync(userId, pin, CancellationToken.None);
        return new ChatMember(memberId, userId, client, phone);
    }

    /// The rotation: who receives period 1, 2, ….
    public static async Task SetOrderAsync(this ChatGroup g, params Guid[] order)
    {
        var response = await g.Chair.PutAsJsonAsync(g.Path("rotation"), new { order });
        Assert.True(response.StatusCode == HttpStatusCode.NoContent, await response.Content.ReadAsStringAsync());
    }

    /// The member's one payment once it reached a final status (or after 20 s).
    public static async Task<Pamoja.Web.Features.Payments.PaymentView> SettledPaymentAsync(this ChannelsApp app, Guid memberId)
    {
        var id = (Guid)(await app.ScalarAsync("SELECT id FROM payments WHERE member_id = $1", memberId)
            ?? throw new InvalidOperationException("No payment for the member. " + app.App.Logs.Errors()));
        var queries = app.Service<Pamoja.Web.Features.Payments.PaymentQueries>();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var payment = (await queries.GetAsync(id, CancellationToken.None))!;
            if (payment.Status is "succeeded" or "failed" || DateTime.UtcNow > deadline) return payment;
            await Task.Delay(50);
        }
    }

    public static Task<long> PaymentsOfAsync(this ChannelsApp app, Guid memberId) =>
        app.CountAsync("SELECT count(*) FROM payments WHERE member_id = $1", memberId);

    /// The path of the /l/{token} link in a text ("http://pamoja.test/l/…" → "/l/…").
    public static string LinkPath(string text) => LinkPattern().Match(text) is { Success: true } m
        ? m.Groups[1].Value
        : throw new InvalidOperationException("No chat link in: " + text);

    [GeneratedRegex(@"http://pamoja\.test(/l/[A-Za-z0-9_-]+)")]
    private static partial Regex LinkPattern();

    public static string NewMessageSid() => "SM" + Guid.NewGuid().ToString("N");
}
