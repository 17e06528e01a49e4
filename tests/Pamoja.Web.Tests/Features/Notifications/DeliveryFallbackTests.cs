using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using Pamoja.Web.Features.Notifications;
using Pamoja.Web.Tests.Infrastructure;

namespace Pamoja.Web.Tests.Features.Notifications;

/// Delivery reports that outrun the send, the English template for a member whose language has
/// none, and the SMS that replaces a failed WhatsApp message keeping the notice's urgency: on
/// PostgreSQL, with senders the test controls.
public sealed class DeliveryFallbackTests(OutboxDatabase database) : IClassFixture<OutboxDatabase>, IAsyncLifetime
{
    // 12:00 in Nairobi (UTC+3): outside the default quiet hours.
    private readonly TestClock _clock = new(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero));
    private readonly RecordingSender _sms = new("sms");
    private readonly RecordingSender _whatsApp = new("whatsapp");

    public async Task InitializeAsync()
    {
        await ExecAsync("DELETE FROM notification_outbox WHERE fallback_of IS NOT NULL");
        await ExecAsync("DELETE FROM notification_outbox");
        await ExecAsync("DELETE FROM pending_delivery_reports");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private OutboxDispatcher Dispatcher(Func<string, string, string?>? templates = null) =>
        new(database.DataSource,
            new MessageSenders(new ChannelSender(_sms, "test-sms"), new ChannelSender(_whatsApp, "test-wa"), templates),
            new DeliveryReports(database.DataSource, _clock, new OutboxSignal()), _clock, new OutboxSignal(), Options.Create(new OutboxOptions()),
            NullLogger<OutboxDispatcher>.Instance);

    private DeliveryReports Reports() => new(database.DataSource, _clock, new OutboxSignal());

    private static Dictionary<string, string> Reminder => new() { ["group"] = "Umoja Chama", ["amount"] = "KES 500.00", ["due"] = "2026-03-05" };

    private async Task<Guid> NoticeAsync(string phone, string template, Dictionary<string, string> values, bool urgent = false)
    {
        var id = Guid.NewGuid();
        await ExecAsync("""
            INSERT INTO notification_outbox (id, channel, recipient, template, params, urgent, sensitive, status, attempts, next_attempt_at, created_at)
            VALUES ($1, 'auto', $2, $3, $4, $5, false, 'pending', 0, $6, $6)
            """, id, phone, template, new NpgsqlParameter { Value = JsonSerializer.Serialize(values), NpgsqlDbType = NpgsqlDbType.Jsonb },
            urgent, _clock.GetUtcNow().AddSeconds(-1));
        return id;
    }

    private Task PreferAsync(string phone, string language = "en", string channel = "sms", DateTimeOffset? whatsAppInbound = null) =>
        ExecAsync("""
            INSERT INTO contact_preferences (phone, language, channel, whatsapp_last_inbound_at, updated_at) VALUES ($1, $2, $3, $4, $5)
            """, phone, language, channel,
            new NpgsqlParameter { Value = (object?)whatsAppInbound ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz }, _clock.GetUtcNow());

    private Task<int> ExecAsync(string sql, params object[] args) => database.ExecAsync(sql, args);

    private async Task<long> CountAsync(string sql, params object[] args)
    {
        await using var cmd = database.DataSource.CreateCommand(sql);
        foreach (var arg in args) cmd.Parameters.Add(new NpgsqlParameter { Value = arg });
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    private Task<object?[]> RowAsync(Guid id, string columns) => database.OutboxRowAsync(id, columns);

    [Fact]
    public async Task A_report_that_arrives_before_its_message_is_sent_waits_and_is_applied_when_the_message_gets_that_id()
    {
        var phone = TestData.Phone();
        var providerId = "SMearly" + Guid.NewGuid().ToString("N");
        var reports = Reports();

        // No outbox row has the id yet: not applied, kept.
        Assert.False(await reports.ApplyAsync("test-sms", providerId, "delivered", 4, false, true, null, CancellationToken.None));
        Assert.Equal(1, await CountAsync("SELECT count(*) FROM pending_delivery_reports WHERE provider = 'test-sms' AND provider_message_id = $1", providerId));
        // The same id from another provider is another message: not taken by this one.
        Assert.False(await reports.ApplyAsync("test-wa", providerId, "read", 5, false, true, null, CancellationToken.None));

        var id = await NoticeAsync(phone, "reminder.due_soon", Reminder);
        _sms.Answer = _ => SendResult.Ok(providerId);
        await Dispatcher().DispatchDueAsync(CancellationToken.None);

        Assert.Single(_sms.Sent);
        var row = await RowAsync(id, "status, provider_message_id, delivery_status, delivery_rank, delivered_at IS NOT NULL");
        Assert.Equal(["sent", providerId, "delivered", 4, true], row);
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM pending_delivery_reports WHERE provider = 'test-sms' AND provider_message_id = $1", providerId));
        Assert.Equal(1, await CountAsync("SELECT count(*) FROM pending_delivery_reports WHERE provider = 'test-wa' AND provider_message_id = $1", providerId));
    }

    [Fact]
    public async Task An_early_final_failure_of_a_WhatsApp_message_sends_it_again_by_SMS_once_the_message_is_recorded()
    {
        var phone = TestData.Phone();
        await PreferAsync(phone, channel: "whatsapp", whatsAppInbound: _clock.GetUtcNow().AddMinutes(-5));
        var providerId = "SMfail" + Guid.NewGuid().ToString("N");
        Assert.False(await Reports().ApplyAsync("test-wa", providerId, "undelivered", 6, true, false, "Twilio 30003", CancellationToken.None));

        var id = await NoticeAsync(phone, "reminder.due_soon", Reminder);
        _whatsApp.Answer = _ => SendResult.Ok(providerId);
        await Dispatcher().DispatchDueAsync(CancellationToken.None);

        Assert.Equal(["undelivered", true, "Twilio 30003"], await RowAsync(id, "delivery_status, delivery_final, last_error"));
        Assert.Equal(1, await CountAsync("SELECT count(*) FROM notification_outbox WHERE fallback_of = $1 AND channel = 'sms'", id));
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM pending_delivery_reports WHERE provider_message_id = $1", providerId));
    }

    [Fact]
    public async Task Outside_the_window_a_Swahili_member_with_only_an_English_template_gets_it_written_in_English()
    {
        var phone = TestData.Phone();
        await PreferAsync(phone, language: "sw", channel: "whatsapp", whatsAppInbound: _clock.GetUtcNow().AddDays(-3));
        var id = await NoticeAsync(phone, "reminder.due_soon", Reminder);
        const string sid = "HXen000000000000000000000000000001";

        await Dispatcher(templates: (key, language) => key == "reminder.due_soon" && language == "en" ? sid : null).DispatchDueAsync(CancellationToken.None);

        var sent = Assert.Single(_whatsApp.Sent);
        Assert.Equal(sid, sent.ContentSid);
        Assert.Equal(new Dictionary<string, string> { ["1"] = "Umoja Chama", ["2"] = "KES 500.00", ["3"] = "5 Mar 2026" },
            JsonSerializer.Deserialize<Dictionary<string, string>>(sent.ContentVariables!));
        Assert.Equal("Umoja Chama: your contribution of KES 500.00 is due on 5 Mar 2026.", sent.Body);
        Assert.Empty(_sms.Sent);
        Assert.Equal(["sent", "whatsapp", "en", "Umoja Chama: your contribution of KES 500.00 is due on 5 Mar 2026."],
            await RowAsync(id, "status, sent_channel, sent_language, body"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_SMS_that_replaces_a_failed_WhatsApp_message_is_as_urgent_as_the_notice(bool urgent)
    {
        var phone = TestData.Phone();
        await PreferAsync(phone, channel: "whatsapp", whatsAppInbound: _clock.GetUtcNow().AddMinutes(-5));
        var id = await NoticeAsync(phone, "reminder.due_today", Reminder, urgent);
        await Dispatcher().DispatchDueAsync(CancellationToken.None);
        var sent = Assert.Single(_whatsApp.Sent);

        Assert.True(await Reports().ApplyAsync("test-wa", RecordingSender.ProviderId("whatsapp", sent), "undelivered", 6, true, false, "Twilio 30003",
            CancellationToken.None));

        Assert.Equal(1, await CountAsync("SELECT count(*) FROM notification_outbox WHERE fallback_of = $1", id));
        Assert.Equal(1, await CountAsync("SELECT count(*) FROM notification_outbox WHERE fallback_of = $1 AND channel = 'sms' AND urgent = $2", id, urgent));
        await Dispatcher().DispatchDueAsync(CancellationToken.None);
        Assert.Equal("Umoja Chama: your contribution of KES 500.00 is due today.", Assert.Single(_sms.Sent).Body);
    }
}
