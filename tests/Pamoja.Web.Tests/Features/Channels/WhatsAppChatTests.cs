using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Pamoja.Web.Features.Channels;
using Pamoja.Web.Tests.Infrastructure;

namespace Pamoja.Web.Tests.Features.Channels;

/// Members using Pamoja from WhatsApp, end to end: the Twilio simulator posts the signed webhook
/// to the app over HTTP and delivers the TwiML reply to the phone; the app answers from the
/// database and, for "pay now", starts an STK push whose callback books the contribution and
/// sends the receipt back to WhatsApp.
[Collection(PaymentsCollection.Name)]
public sealed partial class WhatsAppChatTests(WhatsAppChatTests.App fixture) : IClassFixture<WhatsAppChatTests.App>
{
    public sealed class App : IAsyncLifetime
    {
        public ChannelsApp Channels { get; private set; } = null!;
        public async Task InitializeAsync() => Channels = await ChannelsApp.StartAsync();
        public async Task DisposeAsync() => await Channels.DisposeAsync();
    }

    private ChannelsApp Channels => fixture.Channels;

    private const string Help = "Pamoja: reply MENU, BALANCE, DUE, PAY, PAYOUT, STATEMENT, GROUP, LANGUAGE, or JOIN and a group's invite code.";
    private const string HelpSw = "Pamoja: jibu MENU, SALIO, DENI, LIPA, MGAO, TAARIFA, KIKUNDI, LUGHA, au JIUNGE na nambari ya mwaliko ya kikundi.";

    [Fact]
    public async Task A_member_gets_the_facts_in_english_and_swahili_and_garbage_gets_the_help_and_changes_nothing()
    {
        var g = await Channels.GroupAsync("Umoja Chama");
        var m = await g.MemberAsync();
        await g.SetOrderAsync(m.MemberId, g.G.ChairMemberId); // m receives period 1
        await g.OpenFirstPeriodAsync();
        await g.G.ContributedEntryAsync(m.MemberId, 40_000, memo: "Cash at the meeting");

        Assert.Equal("Umoja Chama: you have paid in KES 400.00 and received KES 0.00. You owe KES 1,100.00.", await Channels.ChatAsync(m.Phone, "balance"));
        Assert.Equal("Umoja Chama: KES 1,100.00 is due on 1 Jan 2027 (period 1).", await Channels.ChatAsync(m.Phone, "Due"));
        Assert.Equal("Umoja Chama: the next payout is period 1, to you, on 1 Jan 2027.", await Channels.ChatAsync(m.Phone, "PAYOUT"));
        Assert.Equal("Umoja Chama, your last entries:\n29 Dec 2026 Cash at the meeting +KES 400.00", await Channels.ChatAsync(m.Phone, "statement"));
        Assert.Equal("Umoja Chama\n1 Balance\n2 Next due\n3 Pay now\n4 Next payout\n5 Statement\n6 Language", await Channels.ChatAsync(m.Phone, "  Menu! "));
        Assert.Equal("Umoja Chama: KES 1,100.00 is due on 1 Jan 2027 (period 1).", await Channels.ChatAsync(m.Phone, "2"));
        Assert.Equal(Help, await Channels.ChatAsync(m.Phone, "help"));
        // Swahili words work before the language is changed (the reply stays in English).
        Assert.StartsWith("Umoja Chama: you have paid in KES 400.00", await Channels.ChatAsync(m.Phone, "SALIO"), StringComparison.Ordinal);

        Assert.Equal("Choose your language:\n1 English\n2 Kiswahili", await Channels.ChatAsync(m.Phone, "LANGUAGE"));
        Assert.Equal("Pamoja itakuandikia kwa Kiswahili.", await Channels.ChatAsync(m.Phone, "2"));
        Assert.Equal("sw", await Channels.ScalarAsync("SELECT language FROM contact_preferences WHERE phone = $1", m.Phone));
        Assert.Equal("Umoja Chama: umechanga KES 400.00 na kupokea KES 0.00. Unadaiwa KES 1,100.00.", await Channels.ChatAsync(m.Phone, "salio"));
        Assert.Equal("Umoja Chama: KES 1,100.00 inatakiwa tarehe 1 Januari 2027 (kipindi 1).", await Channels.ChatAsync(m.Phone, "deni"));
        Assert.Equal("Umoja Chama: mgao ujao ni kipindi 1, kwa wewe, tarehe 1 Januari 2027.", await Channels.ChatAsync(m.Phone, "Mgao"));
        Assert.Equal("Umoja Chama, maingizo yako ya mwisho:\n29 Desemba 2026 Cash at the meeting +KES 400.00", await Channels.ChatAsync(m.Phone, "taarifa"));
        Assert.StartsWith("Umoja Chama\n1 Salio\n2 Deni lijalo\n3 Lipa sasa", await Channels.ChatAsync(m.Phone, "menyu"), StringComparison.Ordinal);

        Assert.Equal(HelpSw, await Channels.ChatAsync(m.Phone, "msaada"));

        // Free text and garbage: the short help (in Swahili now), nothing else.
        var before = await StateAsync(g, m);
        string[] garbage =
        [
            "Habari za asubuhi, naomba msaada na mchango wangu",
            "🙂🙏🏾💸",
            new string('x', 1600),
            "'; DROP TABLE users; --",
            "1 OR 1=1",
            "<script>alert(1)</script><Response><Message>owned</Message></Response>",
            "]]></Message><Message>injected",
            "\u0001\u0007\u001b[31m\u007f\u200b\u202e",
            "{{group}} {amount} %s %n",
        ];
        foreach (var text in garbage)
            Assert.Equal(HelpSw, await Channels.ChatAsync(m.Phone, text));
        Assert.Equal(before, await StateAsync(g, m));
        // Every one of them was kept raw, and answered.
        Assert.Equal(garbage.Length + 1, await Channels.CountAsync(
            "SELECT count(*) FROM inbound_messages WHERE phone = $1 AND status = 'answered' AND reply = $2", m.Phone, HelpSw));
        Assert.Equal(1, await Channels.CountAsync("SELECT count(*) FROM inbound_messages WHERE phone = $1 AND body = $2", m.Phone, garbage[5]));
        // The phone received each reply on WhatsApp.
        Assert.Equal(garbage.Length + 1, (await Channels.ReceivedAsync(m.Phone, "whatsapp")).Count(r => r.GetProperty("body").GetString() == HelpSw));
    }

    [Fact]
    public async Task Pay_now_asks_amount_and_pin_starts_one_stk_push_and_the_receipt_comes_back_on_whatsapp()
    {
        var g = await Channels.GroupAsync("Baraka Chama");
        var m = await g.MemberAsync(pin: ChannelsData.Pin);
        await g.OpenFirstPeriodAsync();

        Assert.Equal("Baraka Chama: how much do you want to pay? You owe KES 1,500.00. Reply with an amount, e.g. 1500.", await Channels.ChatAsync(m.Phone, "Pay now"));
        Assert.Equal("That is not an amount. Reply with a number, e.g. 100, or 0 to cancel.", await Channels.ChatAsync(m.Phone, "lots of money"));
        var confirm = await Channels.ChatAsync(m.Phone, "500");
        Assert.StartsWith("Baraka Chama: pay KES 500.00 by M-Pesa from +2547", confirm, StringComparison.Ordinal);
        Assert.EndsWith("? Reply with your Pamoja PIN to confirm, or 0 to cancel.", confirm, StringComparison.Ordinal);
        Assert.DoesNotContain(m.Phone, confirm, StringComparison.Ordinal);
        Assert.Equal(0, await Channels.PaymentsOfAsync(m.MemberId));

        // The PIN message, delivered twice by Twilio (same MessageSid): one push, the same answer.
        const string started = "Sent. Approve KES 500.00 on your phone with your M-Pesa PIN. We will send your receipt.";
        var sid = ChannelsData.NewMessageSid();
        Assert.Equal(started, await Channels.ChatAsync(m.Phone, ChannelsData.Pin, sid));
        Assert.Equal(started, await Channels.ChatAsync(m.Phone, ChannelsData.Pin, sid));
        Assert.Equal(1, await Channels.CountAsync("SELECT count(*) FROM inbound_messages WHERE external_id = $1", sid));
        Assert.Equal(1, await Channels.PaymentsOfAsync(m.MemberId));

        // The sandbox calls back; the contribution is booked once and the receipt reaches WhatsApp.
        var payment = await Channels.SettledPaymentAsync(m.MemberId);
        Assert.Equal(("succeeded", "collection", "mpesa", 50_000L), (payment.Status, payment.Direction, payment.Provider, payment.Amount));
        Assert.Matches("^[A-Z0-9]{10}$", payment.Receipt!);
        var receipt = await Channels.ReceivedAsync(m.Phone, r => r.GetProperty("body").GetString()!.Contains(payment.Receipt!, StringComparison.Ordinal), "the receipt");
        Assert.Equal($"Baraka Chama: received KES 500.00 from you by M-Pesa. Receipt {payment.Receipt}.", receipt.GetProperty("body").GetString());
        Assert.Equal(("whatsapp", "twilio"), (receipt.GetProperty("channel").GetString(), receipt.GetProperty("provider").GetString()));
        Assert.Equal(1, await Channels.CountSoonAsync(1, "SELECT count(*) FROM notification_outbox WHERE template = 'payment.receipt' AND recipient = $1 AND sent_channel = 'whatsapp'", m.Phone));
        Assert.Equal(1, await Channels.CountAsync("SELECT count(*) FROM journal_entries WHERE group_id = $1 AND kind = 'contribution'", g.GroupId));
        Assert.Equal(1, await Channels.CountAsync("SELECT count(*) FROM contributions WHERE member_id = $1 AND method = 'mpesa' AND reference = $2", m.MemberId, payment.Receipt!));
        Assert.Equal("Baraka Chama: you have paid in KES 500.00 and received KES 0.00. You owe KES 1,000.00.", await Channels.ChatAsync(m.Phone, "balance"));

        // The PIN was never kept: the step that read it is redacted, and it is nowhere in the table.
        Assert.Equal(ChatInbox.Redacted, await Channels.ScalarAsync("SELECT body FROM inbound_messages WHERE external_id = $1", sid));
        Assert.Equal(ChatInbox.Redacted, await Channels.ScalarAsync("SELECT raw FROM inbound_messages WHERE external_id = $1", sid));
        Assert.Equal(0, await PinAnywhereAsync(ChannelsData.Pin));
    }

    [Fact]
    public async Task Three_wrong_pins_lock_chat_payments_and_a_member_without_a_pin_gets_a_single_use_link()
    {
        var g = await Channels.GroupAsync("Tumaini Chama");
        var m = await g.MemberAsync(pin: ChannelsData.Pin);
        var noPin = await g.MemberAsync();
        await g.OpenFirstPeriodAsync();

        Assert.StartsWith("Tumaini Chama: how much", await Channels.ChatAsync(m.Phone, "PAY"), StringComparison.Ordinal);
        Assert.StartsWith("Tumaini Chama: pay KES 300.00 by M-Pesa", await Channels.ChatAsync(m.Phone, "300"), StringComparison.Ordinal);
        Assert.Equal("Wrong PIN. 2 tries left. Reply with your PIN, or 0 to cancel.", await Channels.ChatAsync(m.Phone, "1357"));
        Assert.Equal("Wrong PIN. 1 tries left. Reply with your PIN, or 0 to cancel.", await Channels.ChatAsync(m.Phone, "2468"));
        var locked = await Channels.ChatAsync(m.Phone, "8642");
        Assert.StartsWith("Too many wrong PINs: payments from chat are locked for 30 min. You can set a new PIN on the web: http://pamoja.test/l/", locked, StringComparison.Ordinal);
        // Locked: even the right PIN starts nothing now.
        await Channels.ChatAsync(m.Phone, "pay");
        await Channels.ChatAsync(m.Phone, "300");
        Assert.StartsWith("Too many wrong PINs", await Channels.ChatAsync(m.Phone, ChannelsData.Pin), StringComparison.Ordinal);
        Assert.Equal(0, await Channels.PaymentsOfAsync(m.MemberId));
        Assert.Equal(0, await Channels.CountAsync("SELECT count(*) FROM inbound_messages WHERE phone = $1 AND (body IN ('1357', '2468', '8642') OR raw LIKE '%Body=1357%' OR raw LIKE '%Body=2468%' OR raw LIKE '%Body=8642%')", m.Phone));

        // The lock's link leads to the PIN page, once.
        var path = ChannelsData.LinkPath(locked);
        var browser = Channels.Browser();
        var page = await browser.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("set your chat PIN", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var token = await Forms.TokenAsync(browser, path);
        var used = await browser.PostAsync(path, new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));
        Assert.True(used.StatusCode == HttpStatusCode.Redirect, $"{used.StatusCode} {await used.Content.ReadAsStringAsync()}");
        Assert.Equal("/account/chat-pin", used.Headers.Location!.OriginalString);
        var again = await browser.PostAsync(path, new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));
        Assert.Equal(HttpStatusCode.Gone, again.StatusCode);
        Assert.Contains("This link has expired", await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Gone, (await browser.GetAsync(path)).StatusCode);
        // A link Pamoja did not sign opens nothing.
        Assert.Equal(HttpStatusCode.Gone, (await browser.GetAsync(path[..^4] + (path.EndsWith("AAAA", StringComparison.Ordinal) ? "BBBB" : "AAAA"))).StatusCode);

        // No PIN yet: PAY answers with a link to set one, and nothing else happens.
        var missing = await Channels.ChatAsync(noPin.Phone, "lipa");
        Assert.StartsWith("Payments from chat need a Pamoja PIN. Set one here (link valid 15 min): http://pamoja.test/l/", missing, StringComparison.Ordinal);
        Assert.Equal(("set-pin", "/account/chat-pin"), await LinkAsync(ChannelsData.LinkPath(missing), noPin.Phone));
        Assert.Equal(Help, await Channels.ChatAsync(noPin.Phone, "500"));
        Assert.Equal(0, await Channels.PaymentsOfAsync(noPin.MemberId));
    }

    [Fact]
    public async Task A_redelivered_message_is_answered_once_and_a_forged_or_unsigned_one_is_refused_and_does_nothing()
    {
        var g = await Channels.GroupAsync("Imani Chama");
        var m = await g.MemberAsync(pin: ChannelsData.Pin);
        await g.OpenFirstPeriodAsync();

        var sid = ChannelsData.NewMessageSid();
        var first = await Channels.ChatAsync(m.Phone, "balance", sid);
        Assert.StartsWith("Imani Chama: you have paid in KES 0.00", first, StringComparison.Ordinal);
        Assert.Equal(first, await Channels.ChatAsync(m.Phone, "balance", sid));
        Assert.Equal(1, await Channels.CountAsync("SELECT count(*) FROM inbound_messages WHERE external_id = $1 AND reply = $2", sid, first));

        // Half way through paying, a forged and an unsigned message: 403, nothing stored, nothing changed.
        Assert.StartsWith("Imani Chama: how much", await Channels.ChatAsync(m.Phone, "pay"), StringComparison.Ordinal);
        Assert.StartsWith("Imani Chama: pay KES 200.00", await Channels.ChatAsync(m.Phone, "200"), StringComparison.Ordinal);
        // (The due-soon reminder is the one other message on its way to the phone: let it arrive first.)
        await Channels.ReceivedAsync(m.Phone, r => r.GetProperty("body").GetString() == "Imani Chama: your contribution of KES 1,500.00 is due on 1 Jan 2027.", "the reminder");
        var session = await SessionAsync(m.Phone);
        var inbound = await Channels.CountAsync("SELECT count(*) FROM inbound_messages");
        var received = (await Channels.ReceivedAsync(m.Phone)).Count;
        foreach (var signature in new[] { "forged", "none" })
        {
            var refused = await Channels.TwilioAsync(m.Phone, ChannelsData.Pin, signature: signature);
            Assert.Equal(403, refused.WebhookStatus);
            Assert.Empty(refused.Replies);
            Assert.Equal(0, await Channels.CountAsync("SELECT count(*) FROM inbound_messages WHERE external_id = $1", refused.MessageSid));
        }
        Assert.Equal(inbound, await Channels.CountAsync("SELECT count(*) FROM inbound_messages"));
        Assert.Equal(session, await SessionAsync(m.Phone));
        Assert.Equal(0, await Channels.PaymentsOfAsync(m.MemberId));
        Assert.Equal(0, await Channels.CountAsync("SELECT chat_pin_failures FROM users WHERE id = $1", m.UserId));
        Assert.Equal(received, (await Channels.ReceivedAsync(m.Phone)).Count);
        // The conversation carries on where it was.
        Assert.Equal("Cancelled. Reply MENU for the menu.", await Channels.ChatAsync(m.Phone, "0"));
        Assert.Equal(0, await Channels.PaymentsOfAsync(m.MemberId));
    }

    [Fact]
    public async Task A_stranger_gets_a_registration_link_that_opens_the_register_page_with_the_phone_filled_in()
    {
        var phone = ChannelsData.Phone();
        var users = await Channels.CountAsync("SELECT count(*) FROM users");
        var reply = await Channels.ChatAsync(phone, "Hello, I want to join a chama");
        Assert.StartsWith("Pamoja: this number is in no savings group yet. To start one or join, open http://pamoja.test/l/", reply, StringComparison.Ordinal);
        // The same answer (with a link of its own) whatever is asked.
        var second = await Channels.ChatAsync(phone, "balance");
        Assert.Equal(reply[..reply.IndexOf("/l/", StringComparison.Ordinal)], second[..second.IndexOf("/l/", StringComparison.Ordinal)]);
        Assert.NotEqual(reply, second);
        Assert.Equal(("register", "/account/register?phone=" + Uri.EscapeDataString(phone)), await LinkAsync(ChannelsData.LinkPath(reply), phone));

        var browser = Channels.Browser();
        var path = ChannelsData.LinkPath(reply);
        Assert.Contains("create your Pamoja account", await browser.GetStringAsync(path), StringComparison.Ordinal);
        var token = await Forms.TokenAsync(browser, path);
        var used = await browser.PostAsync(path, new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));
        Assert.Equal(HttpStatusCode.Redirect, used.StatusCode);
        var register = used.Headers.Location!.OriginalString;
        Assert.Equal("/account/register?phone=" + Uri.EscapeDataString(phone), register);
        var html = await browser.GetStringAsync(register);
        var input = Regex.Match(html, "<input[^>]*name=\"Input.Phone\"[^>]*>").Value;
        Assert.Equal(phone, WebUtility.HtmlDecode(Regex.Match(input, "value=\"([^\"]*)\"").Groups[1].Value));
        Assert.Equal(HttpStatusCode.Gone, (await browser.PostAsync(path, new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }))).StatusCode);
        Assert.Equal(users, await Channels.CountAsync("SELECT count(*) FROM users"));
    }

    [Fact]
    public async Task Join_and_an_invite_code_answers_with_a_link_to_the_join_page_and_anything_else_after_join_gets_the_help()
    {
        var phone = ChannelsData.Phone();
        var reply = await Channels.ChatAsync(phone, "  JOIN k7p2qx9 ");
        Assert.StartsWith("To join the group, open this link (valid 15 min, once) and sign in or create your account: http://pamoja.test/l/", reply,
            StringComparison.Ordinal);
        Assert.Equal(("join", "/groups/join?code=K7P2QX9"), await LinkAsync(ChannelsData.LinkPath(reply), phone));
        var sw = await Channels.ChatAsync(phone, "jiunge ABCD1234");
        Assert.Equal(("join", "/groups/join?code=ABCD1234"), await LinkAsync(ChannelsData.LinkPath(sw), phone));

        // Not an invite code: no join link (a stranger gets the registration link instead).
        foreach (var text in new[] { "join", "join <script>", "join AB", "join ABC DEF", "join " + new string('X', 40) })
            Assert.DoesNotContain("To join the group", await Channels.ChatAsync(phone, text), StringComparison.Ordinal);

        var browser = Channels.Browser();
        var path = ChannelsData.LinkPath(reply);
        var token = await Forms.TokenAsync(browser, path);
        var used = await browser.PostAsync(path, new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));
        Assert.Equal(HttpStatusCode.Redirect, used.StatusCode);
        Assert.Equal("/groups/join?code=K7P2QX9", used.Headers.Location!.OriginalString);
    }

    /// Where a chat link leads and for which phone, from its row (the link is still unused).
    private async Task<(string Purpose, string Target)> LinkAsync(string path, string phone)
    {
        var id = Channels.Service<ChatLinks>().Read(path["/l/".Length..]) ?? throw new InvalidOperationException("Not a link Pamoja signed: " + path);
        var link = await Channels.Service<ChatLinks>().PeekAsync(id, CancellationToken.None) ?? throw new InvalidOperationException("The link is used or expired.");
        Assert.Equal(phone, link.Phone);
        return (link.Purpose, link.Target);
    }

    private async Task<string?> SessionAsync(string phone) =>
        await Channels.ScalarAsync("SELECT step || coalesce(group_id::text, '') || data::text || turn FROM chat_sessions WHERE channel = 'whatsapp' AND conversation = $1", phone) as string;

    /// Inbound rows in which the PIN shows anywhere.
    private Task<long> PinAnywhereAsync(string pin) => Channels.CountAsync("""
        SELECT count(*) FROM inbound_messages
         WHERE strpos(external_id, $1) > 0 OR strpos(coalesce(body, ''), $1) > 0 OR strpos(raw, $1) > 0 OR strpos(coalesce(reply, ''), $1) > 0
        """, pin);

    /// What a chat could change: money, the member's preferences and the conversation's step.
    private async Task<string> StateAsync(ChatGroup g, ChatMember m) => string.Join(";",
        await Channels.CountAsync("SELECT count(*) FROM payments WHERE group_id = $1", g.GroupId),
        await Channels.CountAsync("SELECT count(*) FROM journal_entries WHERE group_id = $1", g.GroupId),
        await Channels.CountAsync("SELECT count(*) FROM users"),
        await Channels.CountAsync("SELECT count(*) FROM chat_links WHERE phone = $1", m.Phone),
        await Channels.ScalarAsync("SELECT language || channel || quiet_from || quiet_to FROM contact_preferences WHERE phone = $1", m.Phone),
        await Channels.ScalarAsync("SELECT step || coalesce(group_id::text, '') || data::text FROM chat_sessions WHERE conversation = $1", m.Phone));
}
