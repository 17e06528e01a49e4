using System.Net;
using Pamoja.Web.Features.Channels;
using Pamoja.Web.Tests.Infrastructure;

namespace Pamoja.Web.Tests.Features.Channels;

/// USSD and SMS through Africa's Talking, end to end: the sandbox's USSD simulator walks a
/// session step by step against the app's callback (reading every answer as AT does: CON/END,
/// at most 182 GSM characters), and its inbound SMS endpoint posts to the app, whose reply goes
/// out through the outbox as an SMS.
[Collection(PaymentsCollection.Name)]
public sealed class UssdAndSmsTests(UssdAndSmsTests.App fixture) : IClassFixture<UssdAndSmsTests.App>
{
    public sealed class App : IAsyncLifetime
    {
        public ChannelsApp Channels { get; private set; } = null!;
        public async Task InitializeAsync() => Channels = await ChannelsApp.StartAsync();
        public async Task DisposeAsync() => await Channels.DisposeAsync();
    }

    private ChannelsApp Channels => fixture.Channels;

    [Fact]
    public async Task Ussd_menus_pay_once_with_the_pin_choose_a_group_and_fit_every_screen()
    {
        // A name with typographic characters outside GSM: the screens still pass.
        var g = await Channels.GroupAsync("Akiba ya Wanawake – Nyeri ‘Café’");
        var u = await g.MemberAsync(pin: ChannelsData.Pin);
        await g.OpenFirstPeriodAsync();
        const string name = "Akiba ya Wanawake - Nyeri 'Cafe'";

        // Dial → menu (CON), 1 → balance (END).
        var menu = await Channels.UssdAsync(u.Phone);
        Assert.False(menu.Ended);
        Assert.Equal(name + "\n1 Balance\n2 Next due\n3 Pay now\n4 Next payout\n5 Statement\n6 Language", menu.Screen);
        var balance = await Channels.UssdAsync(u.Phone, menu.SessionId, "1");
        Assert.True(balance.Ended);
        Assert.Equal(name + ": you have paid in KES 0.00 and received KES 0.00. You owe KES 1,500.00.", balance.Screen);

        // Dial → 3 → amount → PIN: an STK push, once however often a step is replayed.
        var pay = await Channels.UssdAsync(u.Phone);
        var amount = await Channels.UssdAsync(u.Phone, pay.SessionId, "3");
        Assert.False(amount.Ended);
        Assert.Equal(name + ": how much do you want to pay? You owe KES 1,500.00. Reply with an amount, e.g. 1500.", amount.Screen);
        var confirm = await Channels.UssdAsync(u.Phone, pay.SessionId, "500");
        Assert.False(confirm.Ended);
        Assert.StartsWith(name + ": pay KES 500.00 by M-Pesa from +2547", confirm.Screen, StringComparison.Ordinal);
        var replayed = await Channels.UssdAsync(u.Phone, pay.SessionId, replay: true);
        Assert.Equal((false, confirm.Screen), (replayed.Ended, replayed.Screen));
        var sent = await Channels.UssdAsync(u.Phone, pay.SessionId, ChannelsData.Pin);
        Assert.True(sent.Ended);
        Assert.Equal("Sent. Approve KES 500.00 on your phone with your M-Pesa PIN. We will send your receipt.", sent.Screen);
        Assert.Equal(1, await Channels.PaymentsOfAsync(u.MemberId));
        // Africa's Talking retrying the PIN step (the same session and text): the same answer, no second push.
        var retry = await PostUssdAsync(ChannelsApp.AtToken, pay.SessionId, u.Phone, "3*500*" + ChannelsData.Pin);
        Assert.Equal(HttpStatusCode.OK, retry.Status);
        Assert.Equal("END " + sent.Screen, retry.Body);
        Assert.Equal(1, await Channels.PaymentsOfAsync(u.MemberId));

        var payment = await Channels.SettledPaymentAsync(u.MemberId);
        Assert.Equal(("succeeded", 50_000L), (payment.Status, payment.Amount));
        Assert.Equal(1, await Channels.CountAsync("SELECT count(*) FROM journal_entries WHERE group_id = $1 AND kind = 'contribution'", g.GroupId));
        // A USSD member has no WhatsApp window: the receipt comes by SMS.
        var receipt = await Channels.ReceivedAsync(u.Phone, m => m.GetProperty("body").GetString()!.Contains(payment.Receipt!, StringComparison.Ordinal), "the receipt");
        Assert.Equal(("sms", "africastalking"), (receipt.GetProperty("channel").GetString(), receipt.GetProperty("provider").GetString()));
        // A wrong PIN, then cancel: nothing starts, and the cancel step (whose text repeats the PIN) is not kept raw.
        var wrong = await Channels.UssdAsync(u.Phone);
        await Channels.UssdAsync(u.Phone, wrong.SessionId, "3");
        await Channels.UssdAsync(u.Phone, wrong.SessionId, "200");
        Assert.Equal("Wrong PIN. 2 tries left. Reply with your PIN, or 0 to cancel.", (await Channels.UssdAsync(u.Phone, wrong.SessionId, "864297")).Screen);
        var cancelled = await Channels.UssdAsync(u.Phone, wrong.SessionId, "0");
        Assert.Equal((true, "Cancelled. Reply MENU for the menu."), (cancelled.Ended, cancelled.Screen));
        Assert.Equal(1, await Channels.PaymentsOfAsync(u.MemberId));
        // No PIN is kept: not in a step's body or raw form, not in its id, nor in a payment's key.
        foreach (var pin in new[] { ChannelsData.Pin, "864297" })
        {
            Assert.Equal(0, await Channels.CountAsync("""
                SELECT count(*) FROM inbound_messages
                 WHERE strpos(external_id, $1) > 0 OR strpos(coalesce(body, ''), $1) > 0 OR strpos(raw, $1) > 0 OR strpos(coalesce(reply, ''), $1) > 0
                """, pin));
            Assert.Equal(0, await Channels.CountAsync("SELECT count(*) FROM idempotency_keys WHERE strpos(key, $1) > 0", pin));
        }

        // A member of two groups chooses one first; the menu then offers the other.
        var g2 = await Channels.GroupAsync("Baraka Chama");
        await g2.MemberAsync(phone: u.Phone);
        await g2.OpenFirstPeriodAsync();
        var choose = await Channels.UssdAsync(u.Phone);
        // (Names are cut to fit a list of nine.)
        Assert.Equal("Choose a group:\n1 Akiba ya Wanawake - Nye...\n2 Baraka Chama", choose.Screen);
        Assert.Equal("Please reply with one of the numbers shown.\n1 Akiba ya Wanawake - Nye...\n2 Baraka Chama",
            (await Channels.UssdAsync(u.Phone, choose.SessionId, "9")).Screen);
        var second = await Channels.UssdAsync(u.Phone, choose.SessionId, "2");
        Assert.Equal("Baraka Chama\n1 Balance\n2 Next due\n3 Pay now\n4 Next payout\n5 Statement\n6 Language\n7 Other group", second.Screen);
        Assert.Equal("Baraka Chama: you have paid in KES 0.00 and received KES 0.00. You owe KES 1,500.00.",
            (await Channels.UssdAsync(u.Phone, choose.SessionId, "1")).Screen);

        // A long statement is cut to the screen, never past it.
        for (var i = 0; i < 6; i++)
            await g.G.ContributedEntryAsync(u.MemberId, 1_000 + i, memo: "Weekly top-up at the Saturday meeting " + i);
        var statement = await Channels.UssdAsync(u.Phone);
        await Channels.UssdAsync(u.Phone, statement.SessionId, "1"); // the first group
        var lines = await Channels.UssdAsync(u.Phone, statement.SessionId, "5");
        Assert.True(lines.Ended);
        var shown = lines.Screen!.Split('\n');
        Assert.Equal("Akiba ya Wanawake -..., your last entries:", shown[0]);
        // All five newest lines, none cut off, the newest first, the cents kept.
        Assert.Equal(["29 Dec Weekly to... +10.05", "29 Dec Weekly to... +10.04", "29 Dec Weekly to... +10.03", "29 Dec Weekly to... +10.02", "29 Dec Weekly to... +10.01"],
            shown[1..]);
    }

    [Fact]
    public async Task Ussd_callbacks_with_a_wrong_token_are_refused_and_a_stranger_gets_the_link_by_sms()
    {
        var before = await Channels.CountAsync("SELECT count(*) FROM inbound_messages");
        foreach (var token in new[] { "wrong", "", null })
        {
            var refused = await PostUssdAsync(token, "ATUid_forged", ChannelsData.Phone(), "");
            Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
        }
        Assert.Equal(before, await Channels.CountAsync("SELECT count(*) FROM inbound_messages"));

        var stranger = ChannelsData.Phone();
        var dial = await Channels.UssdAsync(stranger);
        Assert.True(dial.Ended);
        Assert.Equal("Pamoja: this number is in no savings group yet. We sent you an SMS with a link to start.", dial.Screen);
        var sms = await Channels.ReceivedAsync(stranger, m => m.GetProperty("body").GetString()!.Contains("/l/", StringComparison.Ordinal), "the link");
        Assert.Equal("sms", sms.GetProperty("channel").GetString());
        var body = sms.GetProperty("body").GetString()!;
        Assert.StartsWith("Pamoja: create your account here (link valid 15 min, once): http://pamoja.test/l/", body, StringComparison.Ordinal);
        var id = Channels.Service<ChatLinks>().Read(ChannelsData.LinkPath(body)["/l/".Length..])!.Value;
        var link = await Channels.Service<ChatLinks>().PeekAsync(id, CancellationToken.None);
        Assert.Equal(new OpenedLink("register", "/account/register?phone=" + Uri.EscapeDataString(stranger), stranger), link);
    }

    [Fact]
    public async Task An_sms_is_answered_by_sms_once_even_when_africas_talking_delivers_it_twice()
    {
        var g = await Channels.GroupAsync("Neema Chama");
        var s = await g.MemberAsync();
        await g.OpenFirstPeriodAsync();

        var id = Guid.NewGuid().ToString("D");
        Assert.Equal(200, await Channels.AtSmsAsync(s.Phone, "Balance", id));
        Assert.Equal(200, await Channels.AtSmsAsync(s.Phone, "Balance", id));
        const string expected = "Neema Chama: you have paid in KES 0.00 and received KES 0.00. You owe KES 1,500.00.";
        var reply = await Channels.ReceivedAsync(s.Phone, m => m.GetProperty("body").GetString() == expected, "the reply");
        Assert.Equal(("sms", "africastalking"), (reply.GetProperty("channel").GetString(), reply.GetProperty("provider").GetString()));
        Assert.Equal(1, await Channels.CountAsync("SELECT count(*) FROM inbound_messages WHERE provider = 'africastalking' AND external_id = $1", id));
        Assert.Equal(1, await Channels.CountAsync("SELECT count(*) FROM notification_outbox WHERE recipient = $1 AND template = 'chat.reply'", s.Phone));
        // Its one outbox row was sent (once), and AT's delivery report reached it.
        Assert.True(await PaymentsApp.EventuallyAsync(async () => await Channels.CountAsync(
            "SELECT count(*) FROM notification_outbox WHERE recipient = $1 AND template = 'chat.reply' AND status = 'sent' AND delivered_at IS NOT NULL", s.Phone) == 1),
            Channels.App.Logs.Errors());
        Assert.Single(await Channels.ReceivedAsync(s.Phone, "sms"), m => m.GetProperty("body").GetString() == expected);

        // Garbage by SMS gets the help by SMS; a Swahili word works.
        Assert.Equal(200, await Channels.AtSmsAsync(s.Phone, "'; DELETE FROM payments; -- <b>hi</b>"));
        await Channels.ReceivedAsync(s.Phone, m => m.GetProperty("body").GetString() == "Pamoja: reply MENU, BALANCE, DUE, PAY, PAYOUT, STATEMENT, GROUP, LANGUAGE, or JOIN and a group's invite code.", "the help");
        Assert.Equal(200, await Channels.AtSmsAsync(s.Phone, "deni"));
        await Channels.ReceivedAsync(s.Phone, m => m.GetProperty("body").GetString() == "Neema Chama: KES 1,500.00 is due on 1 Jan 2027 (period 1).", "the due date");
        // A wrong token: refused, nothing stored.
        using var forged = new HttpClient { BaseAddress = Channels.AppUrl };
        var refused = await forged.PostAsync("/webhooks/africastalking/sms?k=nope", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["from"] = s.Phone, ["to"] = "12345", ["text"] = "balance", ["date"] = "2026-12-29 10:00:00", ["id"] = "forged-" + id, ["linkId"] = id, ["networkCode"] = "63902",
        }));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(0, await Channels.CountAsync("SELECT count(*) FROM inbound_messages WHERE external_id = $1", "forged-" + id));
    }

    /// One USSD step posted straight to the app as Africa's Talking posts it.
    private async Task<(HttpStatusCode Status, string Body)> PostUssdAsync(string? token, string sessionId, string phone, string text)
    {
        using var http = new HttpClient { BaseAddress = Channels.AppUrl };
        var path = "/webhooks/africastalking/ussd" + (token is null ? "" : "?k=" + Uri.EscapeDataString(token));
        using var response = await http.PostAsync(path, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["sessionId"] = sessionId, ["serviceCode"] = "*384*1234#", ["phoneNumber"] = phone, ["networkCode"] = "63902", ["text"] = text,
        }));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}
