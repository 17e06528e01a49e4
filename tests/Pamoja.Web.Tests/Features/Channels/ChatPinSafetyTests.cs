using System.Net;
using Pamoja.Web.Features.Channels;
using Pamoja.Web.Tests.Features.Accounts;
using Pamoja.Web.Tests.Infrastructure;

namespace Pamoja.Web.Tests.Features.Channels;

/// The chat PIN end to end on a ChannelsApp: what the PIN step accepts as a try, that one
/// confirmation starts one payment however many messages carry the PIN, that no PIN is ever
/// written to the database (not even for a moment: a trigger of the test's own records every
/// inbound row as it was inserted), and the web pages that set the PIN and the messaging choices.
[Collection(PaymentsCollection.Name)]
public sealed class ChatPinSafetyTests(ChatPinSafetyTests.App fixture) : IClassFixture<ChatPinSafetyTests.App>
{
    public sealed class App : IAsyncLifetime
    {
        public ChannelsApp Channels { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Channels = await ChannelsApp.StartAsync();
            // Every inbound row as first inserted (AnswerAsync may rewrite it later).
            await Channels.ExecuteAsync("CREATE TABLE test_inbound_inserted (external_id text, body text, raw text)");
            await Channels.ExecuteAsync("""
                CREATE FUNCTION test_inbound_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    INSERT INTO test_inbound_inserted VALUES (NEW.external_id, NEW.body, NEW.raw);
                    RETURN NEW;
                END $$
                """);
            await Channels.ExecuteAsync(
                "CREATE TRIGGER test_inbound_inserted AFTER INSERT ON inbound_messages FOR EACH ROW EXECUTE FUNCTION test_inbound_inserted()");
        }

        public async Task DisposeAsync() => await Channels.DisposeAsync();
    }

    private ChannelsApp Channels => fixture.Channels;

    private const string Ask = "Reply with your Pamoja PIN (4 to 6 digits) to confirm, or 0 to cancel.";
    private const string Already = "That payment was already sent to your phone. Reply MENU for the menu.";

    private static string Started(string amount) => $"Sent. Approve KES {amount} on your phone with your M-Pesa PIN. We will send your receipt.";

    /// Rows, stored or as first inserted, in which the PIN shows anywhere.
    private Task<long> PinAnywhereAsync(string pin) => Channels.CountAsync("""
        SELECT (SELECT count(*) FROM inbound_messages
                 WHERE strpos(external_id, $1) > 0 OR strpos(coalesce(body, ''), $1) > 0 OR strpos(raw, $1) > 0 OR strpos(coalesce(reply, ''), $1) > 0)
             + (SELECT count(*) FROM test_inbound_inserted
                 WHERE strpos(external_id, $1) > 0 OR strpos(coalesce(body, ''), $1) > 0 OR strpos(coalesce(raw, ''), $1) > 0)
             + (SELECT count(*) FROM idempotency_keys WHERE strpos(key, $1) > 0 OR strpos(response_body, $1) > 0)
        """, pin);

    private Task<long> FailuresAsync(Guid userId) => Channels.CountAsync("SELECT chat_pin_failures FROM users WHERE id = $1", userId);

    // ---- The PIN step ----

    [Fact]
    public async Task At_the_pin_step_a_reply_that_is_not_4_to_6_digits_is_asked_again_and_is_not_a_wrong_pin()
    {
        const string pin = "736149";
        var g = await Channels.GroupAsync("Subira Chama");
        var m = await g.MemberAsync(pin: pin);
        await g.OpenFirstPeriodAsync();
        Assert.StartsWith("Subira Chama: how much", await Channels.ChatAsync(m.Phone, "PAY"), StringComparison.Ordinal);
        Assert.StartsWith("Subira Chama: pay KES 300.00 by M-Pesa", await Channels.ChatAsync(m.Phone, "300"), StringComparison.Ordinal);

        string[] notPins = ["ok", "", "👍🏾", "Asante sana", "12", "1234567", "12ab"];
        foreach (var text in notPins)
        {
            var sid = ChannelsData.NewMessageSid();
            Assert.Equal(Ask, await Channels.ChatAsync(m.Phone, text, sid));
            // Answers at the PIN step are never kept, whatever they turn out to be.
            Assert.Equal(ChatInbox.Redacted, await Channels.ScalarAsync("SELECT body FROM inbound_messages WHERE external_id = $1", sid));
        }
        Assert.Equal(0, await FailuresAsync(m.UserId));
        Assert.Equal(0, await Channels.PaymentsOfAsync(m.MemberId));

        // Still at the PIN step with every try left: a wrong PIN is the first one counted, the right one pays.
        Assert.Equal("Wrong PIN. 2 tries left. Reply with your PIN, or 0 to cancel.", await Channels.ChatAsync(m.Phone, "8642"));
        Assert.Equal(1, await FailuresAsync(m.UserId));
        Assert.Equal(Started("300.00"), await Channels.ChatAsync(m.Phone, pin));
        Assert.Equal(1, await Channels.PaymentsOfAsync(m.MemberId));
        Assert.Equal(0, await FailuresAsync(m.UserId));
    }

    [Fact]
    public async Task Two_messages_with_the_right_pin_for_one_confirmation_start_one_payment_and_the_second_is_told_so()
    {
        const string pin = "419735";
        var g = await Channels.GroupAsync("Faraja Chama");
        var m = await g.MemberAsync(pin: pin);
        await g.OpenFirstPeriodAsync();
        await Channels.ChatAsync(m.Phone, "pay");
        Assert.StartsWith("Faraja Chama: pay KES 400.00", await Channels.ChatAsync(m.Phone, "400"), StringComparison.Ordinal);

        // Two messages (two MessageSids, not a redelivery), one after the other.
        Assert.Equal(Started("400.00"), await Channels.ChatAsync(m.Phone, pin, ChannelsData.NewMessageSid()));
        var second = await Channels.ChatAsync(m.Phone, pin, ChannelsData.NewMessageSid());
        Assert.Equal(1, await Channels.PaymentsOfAsync(m.MemberId));
        Assert.Equal(Already, second);
    }

    [Fact]
    public async Task Two_messages_with_the_right_pin_sent_at_once_start_one_payment()
    {
        const string pin = "364819";
        var g = await Channels.GroupAsync("Amani Chama");
        var m = await g.MemberAsync(pin: pin);
        await g.OpenFirstPeriodAsync();
        await Channels.ChatAsync(m.Phone, "pay");
        Assert.StartsWith("Amani Chama: pay KES 250.00", await Channels.ChatAsync(m.Phone, "250"), StringComparison.Ordinal);

        var replies = await Task.WhenAll(
            Channels.ChatAsync(m.Phone, pin, ChannelsData.NewMessageSid()),
            Channels.ChatAsync(m.Phone, pin, ChannelsData.NewMessageSid()));

        Assert.Equal(1, await Channels.PaymentsOfAsync(m.MemberId));
        Assert.Single(replies, r => r == Started("250.00"));
        Assert.Equal(1, await Channels.CountAsync("SELECT count(*) FROM idempotency_keys WHERE key LIKE 'chat:pay:%' AND scope = $1", m.UserId));
    }

    [Fact]
    public async Task A_pin_sent_again_after_the_payment_started_is_not_stored_either()
    {
        const string pin = "517394";
        var g = await Channels.GroupAsync("Tulia Chama");
        var m = await g.MemberAsync(pin: pin);
        await g.OpenFirstPeriodAsync();
        await Channels.ChatAsync(m.Phone, "pay");
        await Channels.ChatAsync(m.Phone, "350");
        Assert.Equal(Started("350.00"), await Channels.ChatAsync(m.Phone, pin));

        // The member, seeing no prompt yet, sends the PIN once more (a new message).
        await Channels.ChatAsync(m.Phone, pin);
        Assert.Equal(1, await Channels.PaymentsOfAsync(m.MemberId));
        Assert.Equal(0, await PinAnywhereAsync(pin));
    }

    // ---- No PIN is written down ----

    [Fact]
    public async Task A_whatsapp_pin_is_stored_as_the_marker_from_the_start_and_nowhere_else()
    {
        const string pin = "947163";
        var g = await Channels.GroupAsync("Jamii Chama");
        var m = await g.MemberAsync(pin: pin);
        await g.OpenFirstPeriodAsync();
        var sid = ChannelsData.NewMessageSid();
        await Channels.ChatAsync(m.Phone, "PAY");
        await Channels.ChatAsync(m.Phone, "450");
        Assert.Equal(Started("450.00"), await Channels.ChatAsync(m.Phone, pin, sid));
        Assert.Equal(1, await Channels.PaymentsOfAsync(m.MemberId));

        var inserted = Assert.Single(await Channels.RowsAsync("SELECT body, raw FROM test_inbound_inserted WHERE external_id = $1", sid));
        Assert.Equal([ChatInbox.Redacted, ChatInbox.Redacted], inserted);
        Assert.Equal([ChatInbox.Redacted, ChatInbox.Redacted, "answered"],
            Assert.Single(await Channels.RowsAsync("SELECT body, raw, status FROM inbound_messages WHERE external_id = $1", sid)));
        Assert.Equal(0, await PinAnywhereAsync(pin));
        // The steps before the PIN were kept as they came (only the PIN step is a secret).
        Assert.Equal(1, await Channels.CountAsync("SELECT count(*) FROM inbound_messages WHERE phone = $1 AND body = '450'", m.Phone));
    }

    [Fact]
    public async Task A_ussd_pin_is_in_no_inbound_row_and_no_idempotency_key_and_its_step_is_the_marker_from_the_start()
    {
        const string pin = "862491";
        var g = await Channels.GroupAsync("Upendo Chama");
        var m = await g.MemberAsync(pin: pin);
        await g.OpenFirstPeriodAsync();

        var dial = await Channels.UssdAsync(m.Phone);
        await Channels.UssdAsync(m.Phone, dial.SessionId, "3");
        await Channels.UssdAsync(m.Phone, dial.SessionId, "700");
        var sent = await Channels.UssdAsync(m.Phone, dial.SessionId, pin);
        Assert.Equal((true, Started("700.00")), (sent.Ended, sent.Screen));
        Assert.Equal(1, await Channels.PaymentsOfAsync(m.MemberId));

        var stepId = dial.SessionId + "#3";
        Assert.Equal(ChatInbox.Redacted, Assert.Single(await Channels.RowsAsync("SELECT body FROM test_inbound_inserted WHERE external_id = $1", stepId))[0]);
        Assert.Equal(ChatInbox.Redacted, await Channels.ScalarAsync("SELECT body FROM inbound_messages WHERE external_id = $1", stepId));
        Assert.Equal(0, await PinAnywhereAsync(pin));
        Assert.Equal(1, await Channels.CountAsync("SELECT count(*) FROM idempotency_keys WHERE key LIKE 'chat:pay:%' AND scope = $1", m.UserId));
    }

    // ---- The web pages ----

    private async Task<HttpClient> RegisteredBrowserAsync(string phone)
    {
        var browser = Channels.Browser();
        var registered = await Forms.SubmitAsync(browser, "/account/register", AccountPagesTests.Registration(phone));
        Assert.True(registered.StatusCode == HttpStatusCode.Redirect, await registered.Content.ReadAsStringAsync());
        return browser;
    }

    private async Task<HttpClient> SignedInBrowserAsync(string phone)
    {
        var browser = Channels.Browser();
        var signedIn = await Forms.SubmitAsync(browser, "/account/sign-in", new Dictionary<string, string>
        {
            ["Input.Login"] = phone,
            ["Input.Password"] = TestData.Password,
        });
        Assert.True(signedIn.StatusCode == HttpStatusCode.Redirect, await signedIn.Content.ReadAsStringAsync());
        return browser;
    }

    private static Dictionary<string, string> Choices(string language) => new()
    {
        ["Language"] = language, ["Channel"] = "sms", ["QuietFrom"] = "22:00", ["QuietTo"] = "06:30",
    };

    [Fact]
    public async Task The_messages_page_changes_nothing_for_an_unconfirmed_phone_and_saves_the_choices_of_a_confirmed_one()
    {
        // A plain registration: the phone is not proven, so its messages cannot be changed.
        var phone = ChannelsData.Phone();
        var unconfirmed = await RegisteredBrowserAsync(phone);
        var page = await unconfirmed.GetAsync("/account/messages");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("Your phone number is not confirmed yet.", html, StringComparison.Ordinal);
        Assert.DoesNotContain("name=\"QuietFrom\"", html, StringComparison.Ordinal);
        var token = await Forms.TokenAsync(unconfirmed, "/account/chat-pin");
        var posted = await unconfirmed.PostAsync("/account/messages",
            new FormUrlEncodedContent(new Dictionary<string, string>(Choices("sw")) { ["__RequestVerificationToken"] = token }));
        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        Assert.Contains("Your phone number is not confirmed yet.", await posted.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await Channels.CountAsync("SELECT count(*) FROM contact_preferences WHERE phone = $1", phone));

        // A member who accepted an invitation (by the link sent to the phone) has a confirmed phone.
        var g = await Channels.GroupAsync("Msingi Chama");
        var m = await g.MemberAsync();
        var confirmed = await SignedInBrowserAsync(m.Phone);
        Assert.DoesNotContain("not confirmed", await confirmed.GetStringAsync("/account/messages"), StringComparison.Ordinal);
        var saved = await Forms.SubmitAsync(confirmed, "/account/messages", Choices("sw"));
        Assert.True(saved.StatusCode == HttpStatusCode.Redirect, await saved.Content.ReadAsStringAsync());
        Assert.Equal("/account/messages?saved=true", saved.Headers.Location!.OriginalString);
        var row = Assert.Single(await Channels.RowsAsync("SELECT language, channel, quiet_from, quiet_to FROM contact_preferences WHERE phone = $1", m.Phone));
        Assert.Equal(["sw", "sms", (short)(22 * 60), (short)(6 * 60 + 30)], row);
        var again = await confirmed.GetStringAsync("/account/messages?saved=true");
        Assert.Contains("Saved.", again, StringComparison.Ordinal);
        Assert.Contains("value=\"22:00\"", again, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_chat_pin_page_counts_a_wrong_password_sets_a_good_pin_with_the_right_one_and_refuses_weak_pins()
    {
        const string pin = "604827";
        var phone = ChannelsData.Phone();
        var browser = await RegisteredBrowserAsync(phone);
        var userId = (Guid)(await Channels.ScalarAsync("SELECT id FROM users WHERE user_name = $1", phone))!;
        Task<long> FailedAsync() => Channels.CountAsync("SELECT access_failed_count FROM users WHERE id = $1", userId);
        Task<long> HashesAsync() => Channels.CountAsync("SELECT count(*) FROM users WHERE id = $1 AND chat_pin_hash IS NOT NULL", userId);
        Task<HttpResponseMessage> PostAsync(string pin, string confirm, string password) => Forms.SubmitAsync(browser, "/account/chat-pin",
            new Dictionary<string, string> { ["Pin"] = pin, ["ConfirmPin"] = confirm, ["CurrentPassword"] = password });

        // Weak PINs: refused with the reason, before the password is even checked.
        foreach (var (weak, why) in new[]
        {
            ("1234", "A PIN of consecutive digits is too easy to guess."),
            ("0000", "A PIN of one repeated digit is too easy to guess."),
            ("123456789012", "A PIN is 4 to 6 digits."),
            ("12a4", "A PIN is 4 to 6 digits."),
        })
        {
            var refused = await PostAsync(weak, weak, TestData.Password);
            Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
            Assert.Contains(why, await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.Equal(0, await HashesAsync());
        }
        var mismatch = await PostAsync(pin, "604828", TestData.Password);
        Assert.Contains("The two PINs are not the same.", await mismatch.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await HashesAsync());
        Assert.Equal(0, await FailedAsync());

        // A wrong password: refused and counted like a failed sign-in.
        var wrong = await PostAsync(pin, pin, "not the password at all");
        Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
        Assert.Contains("That password is not right.", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(1, await FailedAsync());
        Assert.Equal(0, await HashesAsync());

        // The right password with a good PIN: set, and it is the PIN that works in a chat.
        var set = await PostAsync(pin, pin, TestData.Password);
        Assert.True(set.StatusCode == HttpStatusCode.Redirect, await set.Content.ReadAsStringAsync());
        Assert.Equal("/account/chat-pin?saved=true", set.Headers.Location!.OriginalString);
        Assert.Equal(1, await HashesAsync());
        Assert.Equal(PinCheck.Ok, (await Channels.Service<ChatPins>().CheckAsync(userId, pin, CancellationToken.None)).Outcome);
        Assert.DoesNotContain(pin, (string)(await Channels.ScalarAsync("SELECT chat_pin_hash FROM users WHERE id = $1", userId))!, StringComparison.Ordinal);
        Assert.Contains("a PIN is set", await browser.GetStringAsync("/account/chat-pin?saved=true"), StringComparison.Ordinal);
    }
}
