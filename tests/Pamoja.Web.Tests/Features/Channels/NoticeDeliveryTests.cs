using System.Net;
using Pamoja.Sandbox.Providers.Twilio;
using Pamoja.Web.Tests.Infrastructure;

namespace Pamoja.Web.Tests.Features.Channels;

/// Notices end to end: the engines queue reminders, the outbox picks each member's channel, the
/// sandbox delivers (or fails) them and reports back over signed status callbacks.
[Collection(PaymentsCollection.Name)]
public sealed class NoticeDeliveryTests(NoticeDeliveryTests.App fixture) : IClassFixture<NoticeDeliveryTests.App>
{
    public sealed class App : IAsyncLifetime
    {
        public ChannelsApp Channels { get; private set; } = null!;
        public async Task InitializeAsync() => Channels = await ChannelsApp.StartAsync();
        public async Task DisposeAsync() => await Channels.DisposeAsync();
    }

    private ChannelsApp Channels => fixture.Channels;

    [Fact]
    public async Task Whatsapp_notices_go_by_sms_outside_the_window_and_a_failed_whatsapp_message_is_resent_by_sms_once()
    {
        var g = await Channels.GroupAsync("Pendo Chama");
        // Prefers WhatsApp but never wrote: the 24-hour window is closed and no template is approved.
        var silent = await g.MemberAsync();
        await Channels.ExecuteAsync("INSERT INTO contact_preferences (phone, channel, updated_at) VALUES ($1, 'whatsapp', now())", silent.Phone);
        // Wrote on WhatsApp (window open), but the sandbox fails every message to this number (…7030).
        var failing = await g.MemberAsync(phone: ChannelsData.Phone(TwilioScripts.Undelivered));
        Assert.StartsWith("Pendo Chama\n1 Balance", await Channels.ChatAsync(failing.Phone, "hi"), StringComparison.Ordinal);

        await g.OpenFirstPeriodAsync(); // the due-soon reminders
        const string reminder = "Pendo Chama: your contribution of KES 1,500.00 is due on 1 Jan 2027.";

        var bySms = await Channels.ReceivedAsync(silent.Phone, m => m.GetProperty("body").GetString() == reminder, "the reminder");
        Assert.Equal(("sms", "africastalking"), (bySms.GetProperty("channel").GetString(), bySms.GetProperty("provider").GetString()));
        Assert.Empty(await Channels.ReceivedAsync(silent.Phone, "whatsapp"));
        var silentRow = await Channels.RowsAsync(
            "SELECT sent_channel, last_error FROM notification_outbox WHERE recipient = $1 AND template = 'reminder.due_soon'", silent.Phone);
        Assert.Equal("sms", Assert.Single(silentRow)[0]);
        Assert.Contains("24-hour window", (string)silentRow[0][1]!, StringComparison.Ordinal);

        // Sent on WhatsApp, reported undelivered by the status callback, then sent by SMS.
        var fallback = await Channels.ReceivedAsync(failing.Phone, m => m.GetProperty("body").GetString() == reminder && m.GetProperty("channel").GetString() == "sms", "the SMS fallback");
        Assert.Equal("africastalking", fallback.GetProperty("provider").GetString());
        var onWhatsApp = Assert.Single(await Channels.ReceivedAsync(failing.Phone, "whatsapp"), m => m.GetProperty("body").GetString() == reminder);
        Assert.Equal("undelivered", onWhatsApp.GetProperty("status").GetString());
        var original = Assert.Single(await Channels.RowsAsync("""
            SELECT id, provider_message_id, delivery_status, delivery_final, last_error FROM notification_outbox
             WHERE recipient = $1 AND template = 'reminder.due_soon' AND fallback_of IS NULL
            """, failing.Phone));
        Assert.Equal(("undelivered", true, "Twilio 30003"), ((string)original[2]!, (bool)original[3]!, (string)original[4]!));
        Assert.Equal(1, await Channels.CountSoonAsync(1, "SELECT count(*) FROM notification_outbox WHERE fallback_of = $1 AND sent_channel = 'sms'", original[0]!));

        // Twilio posting the failure again (signed): still one SMS fallback. A forged one: 403.
        var sid = (string)original[1]!;
        var job = new TwilioStatusJob(DateTimeOffset.UtcNow, sid, "AC00000000000000000000000000000001", "whatsapp:+14155238886", "whatsapp:" + failing.Phone, true,
            null, []);
        var form = TwilioStatusSender.Form(job, new TwilioStatusEvent("undelivered", 30003));
        var url = new Uri(Channels.AppUrl, "webhooks/twilio/status").ToString();
        using var http = new HttpClient();
        foreach (var (token, expected) in new[] { ("sandbox-twilio-auth-token", HttpStatusCode.OK), ("not-the-token", HttpStatusCode.Forbidden) })
        {
            using var post = new HttpRequestMessage(HttpMethod.Post, url) { Content = new FormUrlEncodedContent(form) };
            post.Headers.TryAddWithoutValidation(TwilioSigner.Header, TwilioSigner.Sign(token, url, form));
            Assert.Equal(expected, (await http.SendAsync(post)).StatusCode);
        }
        Assert.Equal(1, await Channels.CountAsync("SELECT count(*) FROM notification_outbox WHERE fallback_of = $1", original[0]!));
        Assert.True(await PaymentsApp.EventuallyAsync(async () => await Channels.CountAsync(
            "SELECT count(*) FROM notification_outbox WHERE fallback_of = $1 AND status = 'sent'", original[0]!) == 1));
        Assert.Single(await Channels.ReceivedAsync(failing.Phone, "sms"), m => m.GetProperty("body").GetString() == reminder);
    }
}
