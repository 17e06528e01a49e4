using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using Pamoja.Web.Features.Notifications;
using Pamoja.Web.Tests.Infrastructure;

namespace Pamoja.Web.Tests.Features.Notifications;

/// How a notice reaches its member, on PostgreSQL with senders the test controls: in the
/// member's language, on their channel (WhatsApp within the 24-hour window or with an approved
/// template, otherwise SMS), after their quiet hours unless it is urgent, by SMS when WhatsApp
/// refuses it, and once however often the provider reports on it.
public sealed class NoticeRoutingTests(OutboxDatabase database) : IClassFixture<OutboxDatabase>, IAsyncLifetime
{
    // 12:00 in Nairobi (UTC+3): outside the default quiet hours.
    private readonly TestClock _clock = new(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero));
    private readonly RecordingSender _sms = new("sms");
    private readonly RecordingSender _whatsApp = new("whatsapp");

    public async Task InitializeAsync()
    {
        await ExecAsync("DELETE FROM notification_outbox WHERE fallback_of IS NOT NULL");
        await ExecAsync("DELETE FROM notification_outbox");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private OutboxDispatcher Dispatcher(bool whatsApp = true, Func<string, string, string?>? templates = null) =>
        new(database.DataSource,
            new MessageSenders(new ChannelSender(_sms, "test-sms"), whatsApp ? new ChannelSender(_whatsApp, "test-wa") : null, templates),
            new DeliveryReports(database.DataSource, _clock, new OutboxSignal()), _clock, new OutboxSignal(), Options.Create(new OutboxOptions()),
            NullLogger<OutboxDispatcher>.Instance);

    private static Dictionary<string, string> Reminder => new() { ["group"] = "Umoja Chama", ["amount"] = "KES 500.00", ["due"] = "2026-03-05" };

    private async Task<Guid> NoticeAsync(string phone, string template, Dictionary<string, string> values, bool urgent = false, bool sensitive = false)
    {
        var id = Guid.NewGuid();
        await ExecAsync("""
            INSERT INTO notification_outbox (id, channel, recipient, template, params, urgent, sensitive, status, attempts, next_attempt_at, created_at)
            VALUES ($1, 'auto', $2, $3, $4, $5, $6, 'pending', 0, $7, $7)
            """, id, phone, template, new NpgsqlParameter { Value = JsonSerializer.Serialize(values), NpgsqlDbType = NpgsqlDbType.Jsonb },
            urgent, sensitive, _clock.GetUtcNow().AddSeconds(-1));
        return id;
    }

    private Task PreferAsync(string phone, string language = "en", string channel = "sms", int quietFrom = 21 * 60, int quietTo = 7 * 60,
        DateTimeOffset? whatsAppInbound = null) =>
        ExecAsync("""
            INSERT INTO contact_preferences (phone, language, channel, quiet_from, quiet_to, whatsapp_last_inbound_at, updated_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7)
            """, phone, language, channel, (short)quietFrom, (short)quietTo,
            new NpgsqlParameter { Value = (object?)whatsAppInbound ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz }, _clock.GetUtcNow());

    private Task<int> ExecAsync(string sql, params object[] args) => database.ExecAsync(sql, args);

    private Task<object?[]> RowAsync(Guid id, string columns) => database.OutboxRowAsync(id, columns);

    [Fact]
    public async Task A_reminder_is_written_in_the_members_language_and_what_was_sent_is_kept()
    {
        var swahili = TestData.Phone();
        var english = TestData.Phone();
        await PreferAsync(swahili, language: "sw");
        var sw = await NoticeAsync(swahili, "reminder.due_soon", Reminder);
        var en = await NoticeAsync(english, "reminder.due_soon", Reminder);

        await Dispatcher().DispatchDueAsync(CancellationToken.None);

        Assert.Equal("Umoja Chama: mchango wako wa KES 500.00 unatakiwa tarehe 5 Machi 2026.", Assert.Single(_sms.Sent, m => m.Recipient == swahili).Body);
        Assert.Equal("Umoja Chama: your contribution of KES 500.00 is due on 5 Mar 2026.", Assert.Single(_sms.Sent, m => m.Recipient == english).Body);
        Assert.Equal(["sent", "sms", "sw", "test-sms", "Umoja Chama: mchango wako wa KES 500.00 unatakiwa tarehe 5 Machi 2026."],
            await RowAsync(sw, "status, sent_channel, sent_language, provider, body"));
        Assert.Equal("en", (await RowAsync(en, "sent_language"))[0]);
        Assert.Empty(_whatsApp.Sent);
    }

    [Fact]
    public async Task In_quiet_hours_a_reminder_waits_for_the_morning_without_spending_an_attempt_but_a_code_goes_at_once()
    {
        var phone = TestData.Phone();
        await PreferAsync(phone, quietFrom: 11 * 60, quietTo: 13 * 60 + 30); // 11:00-13:30 Nairobi; it is 12:00 there
        var reminder = await NoticeAsync(phone, "reminder.due_today", Reminder);
        var code = await NoticeAsync(phone, "password-reset", new() { ["code"] = "ABCDE-12345", ["minutes"] = "15", ["link"] = "https://x/r" },
            urgent: true, sensitive: true);

        await Dispatcher().DispatchDueAsync(CancellationToken.None);

        var sent = Assert.Single(_sms.Sent);
        Assert.Equal(code, sent.Id);
        var row = await RowAsync(reminder, "status, attempts, next_attempt_at");
        Assert.Equal("pending", row[0]);
        Assert.Equal(0, row[1]);
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 10, 30, 0, TimeSpan.Zero), new DateTimeOffset((DateTime)row[2]!, TimeSpan.Zero));

        // Nothing is due until the quiet hours end; then it goes.
        Assert.Equal(0, await Dispatcher().DispatchDueAsync(CancellationToken.None));
        _clock.Advance(TimeSpan.FromMinutes(90));
        await Dispatcher().DispatchDueAsync(CancellationToken.None);
        Assert.Equal(2, _sms.Sent.Count);
        Assert.Equal("sent", (await RowAsync(reminder, "status"))[0]);
    }

    [Fact]
    public async Task WhatsApp_inside_the_24_hour_window_is_free_text()
    {
        var phone = TestData.Phone();
        await PreferAsync(phone, channel: "whatsapp", whatsAppInbound: _clock.GetUtcNow().AddHours(-22));
        var id = await NoticeAsync(phone, "reminder.due_soon", Reminder);

        await Dispatcher().DispatchDueAsync(CancellationToken.None);

        var sent = Assert.Single(_whatsApp.Sent);
        Assert.Null(sent.ContentSid);
        Assert.Contains("is due on 5 Mar 2026", sent.Body, StringComparison.Ordinal);
        Assert.Empty(_sms.Sent);
        Assert.Equal(["whatsapp", "test-wa"], await RowAsync(id, "sent_channel, provider"));
    }

    [Fact]
    public async Task Outside_the_window_WhatsApp_gets_the_approved_template_with_numbered_variables()
    {
        var phone = TestData.Phone();
        await PreferAsync(phone, language: "sw", channel: "whatsapp", whatsAppInbound: _clock.GetUtcNow().AddDays(-3));
        await NoticeAsync(phone, "reminder.due_soon", Reminder);
        const string sid = "HX0123456789abcdef0123456789abcdef";

        await Dispatcher(templates: (key, language) => key == "reminder.due_soon" && language == "sw" ? sid : null).DispatchDueAsync(CancellationToken.None);

        var sent = Assert.Single(_whatsApp.Sent);
        Assert.Equal(sid, sent.ContentSid);
        var variables = JsonSerializer.Deserialize<Dictionary<string, string>>(sent.ContentVariables!)!;
        Assert.Equal(new Dictionary<string, string> { ["1"] = "Umoja Chama", ["2"] = "KES 500.00", ["3"] = "5 Machi 2026" }, variables);
        Assert.Empty(_sms.Sent);
    }

    [Fact]
    public async Task Outside_the_window_with_no_approved_template_the_notice_goes_by_SMS_and_says_why()
    {
        var phone = TestData.Phone();
        await PreferAsync(phone, channel: "whatsapp"); // never wrote on WhatsApp
        var id = await NoticeAsync(phone, "reminder.due_soon", Reminder);

        await Dispatcher().DispatchDueAsync(CancellationToken.None);

        Assert.Empty(_whatsApp.Sent);
        Assert.Single(_sms.Sent);
        var row = await RowAsync(id, "sent_channel, last_error");
        Assert.Equal("sms", row[0]);
        Assert.Contains("24-hour window", (string)row[1]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task When_WhatsApp_refuses_a_message_for_good_it_goes_by_SMS_instead_once()
    {
        var phone = TestData.Phone();
        await PreferAsync(phone, channel: "whatsapp", whatsAppInbound: _clock.GetUtcNow().AddMinutes(-5));
        var id = await NoticeAsync(phone, "reminder.due_soon", Reminder);
        _whatsApp.Answer = _ => SendResult.GiveUp("Twilio 63003: channel could not find To");

        await Dispatcher().DispatchDueAsync(CancellationToken.None);
        await Dispatcher().DispatchDueAsync(CancellationToken.None);
        await Dispatcher().DispatchDueAsync(CancellationToken.None);

        Assert.Single(_whatsApp.Sent);
        Assert.Single(_sms.Sent);
        Assert.Equal(["sent", "sms"], await RowAsync(id, "status, sent_channel"));
    }

    [Fact]
    public async Task Codes_and_links_go_by_SMS_even_to_a_WhatsApp_member_and_their_text_is_wiped()
    {
        var phone = TestData.Phone();
        await PreferAsync(phone, channel: "whatsapp", whatsAppInbound: _clock.GetUtcNow().AddMinutes(-5));
        var id = await NoticeAsync(phone, "password-reset", new() { ["code"] = "ABCDE-12345", ["minutes"] = "15", ["link"] = "https://x/r" },
            urgent: true, sensitive: true);

        await Dispatcher().DispatchDueAsync(CancellationToken.None);

        Assert.Contains("ABCDE-12345", Assert.Single(_sms.Sent).Body, StringComparison.Ordinal);
        Assert.Empty(_whatsApp.Sent);
        Assert.Equal(["sent", null, null], await RowAsync(id, "status, body, params::text"));
    }

    [Fact]
    public async Task Without_WhatsApp_configured_a_WhatsApp_member_gets_SMS()
    {
        var phone = TestData.Phone();
        await PreferAsync(phone, channel: "whatsapp", whatsAppInbound: _clock.GetUtcNow().AddMinutes(-5));
        await NoticeAsync(phone, "reminder.due_today", Reminder);

        await Dispatcher(whatsApp: false).DispatchDueAsync(CancellationToken.None);

        Assert.Single(_sms.Sent);
    }

    [Fact]
    public async Task Delivery_reports_never_go_backwards_and_a_failed_WhatsApp_message_is_resent_by_SMS_once()
    {
        var phone = TestData.Phone();
        await PreferAsync(phone, channel: "whatsapp", whatsAppInbound: _clock.GetUtcNow().AddMinutes(-5));
        var delivered = await NoticeAsync(phone, "reminder.due_soon", Reminder);
        var failed = await NoticeAsync(phone, "reminder.due_today", Reminder);
        await Dispatcher().DispatchDueAsync(CancellationToken.None);
        var sids = _whatsApp.Sent.ToDictionary(m => m.Id, m => RecordingSender.ProviderId("whatsapp", m));
        var reports = new DeliveryReports(database.DataSource, _clock, new OutboxSignal());

        // Out of order and twice: delivered, then a late "sent", then delivered again.
        Assert.True(await reports.ApplyAsync("test-wa", sids[delivered], "delivered", 4, false, true, null, CancellationToken.None));
        Assert.True(await reports.ApplyAsync("test-wa", sids[delivered], "sent", 3, false, false, null, CancellationToken.None));
        Assert.True(await reports.ApplyAsync("test-wa", sids[delivered], "delivered", 4, false, true, null, CancellationToken.None));
        var row = await RowAsync(delivered, "delivery_status, delivered_at");
        Assert.Equal("delivered", row[0]);
        Assert.NotNull(row[1]);

        // A final failure: one SMS copy, however often it is reported.
        for (var i = 0; i < 3; i++)
            Assert.True(await reports.ApplyAsync("test-wa", sids[failed], "undelivered", 6, true, false, "Twilio 30003", CancellationToken.None));
        Assert.Equal("undelivered", (await RowAsync(failed, "delivery_status"))[0]);
        await Dispatcher().DispatchDueAsync(CancellationToken.None);
        var copy = Assert.Single(_sms.Sent);
        Assert.Equal("Umoja Chama: your contribution of KES 500.00 is due today.", copy.Body);
        Assert.Equal(failed, (await RowAsync(copy.Id, "fallback_of"))[0]);

        Assert.False(await reports.ApplyAsync("test-wa", "SMnot-ours", "delivered", 4, false, true, null, CancellationToken.None));
    }
}
