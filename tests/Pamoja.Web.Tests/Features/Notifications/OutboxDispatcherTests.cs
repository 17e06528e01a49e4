using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Pamoja.Web.Data;
using Pamoja.Web.Features.Notifications;
using Pamoja.Web.Tests.Infrastructure;

namespace Pamoja.Web.Tests.Features.Notifications;

/// The outbox dispatcher's own rules, on PostgreSQL, with a message sender the test controls:
/// a claim's lease outlasts the batch, a late writer cannot overwrite a row someone else has
/// claimed since, one message's failure does not strand the rest, and a message that keeps
/// dying mid-send stops being retried.
public sealed class OutboxDispatcherTests(OutboxDatabase database) : IClassFixture<OutboxDatabase>, IAsyncLifetime
{
    private readonly TestClock _clock = new(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero));

    public async Task InitializeAsync() => await ExecAsync("DELETE FROM notification_outbox");
    public Task DisposeAsync() => Task.CompletedTask;

    private sealed class FakeSender(Func<OutgoingMessage, CancellationToken, Task<SendResult>> send) : IMessageSender
    {
        public List<Guid> Sent { get; } = [];

        public async Task<SendResult> SendAsync(OutgoingMessage message, CancellationToken ct)
        {
            lock (Sent) Sent.Add(message.Id);
            return await send(message, ct);
        }
    }

    private OutboxDispatcher Dispatcher(IMessageSender sender, OutboxOptions? options = null) =>
        new(database.DataSource, new MessageSenders(new ChannelSender(sender, "test")), new DeliveryReports(database.DataSource, _clock, new OutboxSignal()),
            _clock, new OutboxSignal(), Options.Create(options ?? new OutboxOptions()), NullLogger<OutboxDispatcher>.Instance);

    private async Task<Guid> AddAsync(string status = "pending", int attempts = 0, DateTimeOffset? lockedUntil = null, bool sensitive = true, int order = 0)
    {
        var id = Guid.NewGuid();
        await ExecAsync("""
            INSERT INTO notification_outbox (id, channel, recipient, template, body, sensitive, status, attempts, next_attempt_at, locked_until, created_at)
            VALUES ($1, 'sms', $2, 'test', 'Your code is SECRET', $3, $4, $5, $6, $7, $6)
            """, id, TestData.Phone(), sensitive, status, attempts, _clock.GetUtcNow().AddSeconds(-60 + order), (object?)lockedUntil ?? DBNull.Value);
        return id;
    }

    private Task<int> ExecAsync(string sql, params object[] args) => database.ExecAsync(sql, args);

    private sealed record Row(string Status, int Attempts, DateTimeOffset? LockedUntil, string? Body, string? LastError, string? ProviderMessageId);

    private async Task<Row> RowAsync(Guid id)
    {
        await using var cmd = database.DataSource.CreateCommand(
            "SELECT status, attempts, locked_until, body, last_error, provider_message_id FROM notification_outbox WHERE id = $1");
        cmd.Parameters.Add(new NpgsqlParameter { Value = id });
        await using var reader = await cmd.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        return new Row(reader.GetString(0), reader.GetInt32(1), reader.IsDBNull(2) ? null : reader.GetFieldValue<DateTimeOffset>(2),
            reader.IsDBNull(3) ? null : reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5));
    }

    [Fact]
    public async Task A_claim_is_leased_for_longer_than_its_whole_batch_can_take()
    {
        // Another instance may claim a row again once its lease has run out. The lease must
        // therefore outlast every send of the batch at the provider's timeout (15 s for
        // Africa's Talking), or a slow batch gets its tail sent twice.
        var options = new OutboxOptions();
        var ids = new List<Guid>();
        for (var i = 0; i < options.BatchSize; i++)
            ids.Add(await AddAsync(order: i));
        var leases = new List<DateTimeOffset>();
        var sender = new FakeSender(async (m, _) =>
        {
            leases.Add((await RowAsync(m.Id)).LockedUntil!.Value);
            return SendResult.Ok("at-" + m.Id);
        });

        Assert.Equal(options.BatchSize, await Dispatcher(sender, options).DispatchDueAsync(CancellationToken.None));
        Assert.Equal(options.BatchSize, leases.Count);
        Assert.All(leases, lease => Assert.True(lease - _clock.GetUtcNow() > options.BatchSize * TimeSpan.FromSeconds(15),
            $"lease {lease - _clock.GetUtcNow()} for a batch of {options.BatchSize}"));
        foreach (var id in ids)
            Assert.Equal("sent", (await RowAsync(id)).Status);
    }

    [Fact]
    public async Task A_send_that_hangs_is_cut_off_and_retried_later_and_the_batch_goes_on()
    {
        var options = new OutboxOptions { SendTimeout = TimeSpan.FromMilliseconds(300) };
        var hanging = await AddAsync(order: 0);
        var fine = await AddAsync(order: 1);
        var sender = new FakeSender(async (m, ct) =>
        {
            if (m.Id == hanging)
                await Task.Delay(Timeout.Infinite, ct);
            return SendResult.Ok("ok");
        });

        var run = Dispatcher(sender, options).DispatchDueAsync(CancellationToken.None);
        Assert.Same(run, await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(20))));
        Assert.Equal(2, await run);
        var row = await RowAsync(hanging);
        Assert.Equal("pending", row.Status);
        Assert.Equal(1, row.Attempts);
        Assert.NotNull(row.LastError);
        Assert.Equal("sent", (await RowAsync(fine)).Status);
    }

    [Fact]
    public async Task A_late_result_does_not_overwrite_a_row_that_was_claimed_again_meanwhile()
    {
        var sentLate = await AddAsync(order: 0);
        var failedLate = await AddAsync(order: 1);
        var sender = new FakeSender(async (m, _) =>
        {
            // While this send is slow, the lease runs out and another instance claims the row
            // (a new lease) and sends it itself.
            await ExecAsync("UPDATE notification_outbox SET locked_until = locked_until + interval '1 hour', provider_message_id = 'other-instance' WHERE id = $1", m.Id);
            return m.Id == sentLate ? SendResult.Ok("this-instance") : SendResult.Retry("timeout");
        });

        await Dispatcher(sender).DispatchDueAsync(CancellationToken.None);
        foreach (var id in new[] { sentLate, failedLate })
        {
            var row = await RowAsync(id);
            Assert.Equal("sending", row.Status); // the other instance's claim stands
            Assert.Equal("other-instance", row.ProviderMessageId);
            Assert.NotNull(row.LockedUntil);
            Assert.Null(row.LastError);
        }
    }

    [Fact]
    public async Task An_unexpected_exception_fails_that_message_only_and_it_is_retried()
    {
        var broken = await AddAsync(order: 0);
        var fine = await AddAsync(order: 1);
        var sender = new FakeSender((m, _) => m.Id == broken
            ? throw new InvalidOperationException("provider client bug")
            : Task.FromResult(SendResult.Ok("ok")));

        Assert.Equal(2, await Dispatcher(sender).DispatchDueAsync(CancellationToken.None));
        var row = await RowAsync(broken);
        Assert.Equal("pending", row.Status);
        Assert.Equal(1, row.Attempts);
        Assert.Contains("provider client bug", row.LastError, StringComparison.Ordinal);
        Assert.Null(row.LockedUntil);
        Assert.Equal("sent", (await RowAsync(fine)).Status);
    }

    [Fact]
    public async Task Stopping_mid_batch_finishes_the_send_in_flight_and_hands_the_rest_back_at_once()
    {
        // The app stops while the first of three claimed messages is at the provider: that send
        // completes and is recorded (cutting it off would leave it to its lease, nearly two
        // minutes), and the two never started go back to pending without an attempt spent.
        var ids = new[] { await AddAsync(order: 0), await AddAsync(order: 1), await AddAsync(order: 2) };
        using var shutdown = new CancellationTokenSource();
        var sender = new FakeSender(async (m, ct) =>
        {
            await shutdown.CancelAsync();
            await Task.Delay(50, ct); // the provider answers after the stop began
            return SendResult.Ok("at-" + m.Id);
        });

        Assert.Equal(3, await Dispatcher(sender).DispatchDueAsync(shutdown.Token));
        var inFlight = Assert.Single(sender.Sent);
        var sent = await RowAsync(inFlight);
        Assert.Equal(("sent", "at-" + inFlight), (sent.Status, sent.ProviderMessageId));
        foreach (var id in ids.Where(id => id != inFlight))
        {
            var row = await RowAsync(id);
            Assert.Equal(("pending", 0), (row.Status, row.Attempts));
            Assert.Null(row.LockedUntil);
        }
        // Handed back means claimable now, by this or any other dispatcher.
        var next = new FakeSender((m, _) => Task.FromResult(SendResult.Ok("at-" + m.Id)));
        Assert.Equal(2, await Dispatcher(next).DispatchDueAsync(CancellationToken.None));
        foreach (var id in ids)
            Assert.Equal("sent", (await RowAsync(id)).Status);
    }

    [Fact]
    public async Task A_message_whose_lease_ran_out_too_often_fails_instead_of_being_claimed_again()
    {
        var options = new OutboxOptions();
        var expired = _clock.GetUtcNow().AddSeconds(-1);
        var worn = await AddAsync("sending", attempts: options.MaxAttempts, lockedUntil: expired, order: 0);
        var wornPlain = await AddAsync("sending", attempts: options.MaxAttempts + 3, lockedUntil: expired, sensitive: false, order: 1);
        var oneLeft = await AddAsync("sending", attempts: options.MaxAttempts - 1, lockedUntil: expired, order: 2);
        var sender = new FakeSender((_, _) => Task.FromResult(SendResult.Ok("ok")));

        await Dispatcher(sender, options).DispatchDueAsync(CancellationToken.None);
        Assert.Equal([oneLeft], sender.Sent);

        var row = await RowAsync(worn);
        Assert.Equal("failed", row.Status);
        Assert.Null(row.Body); // a reset code or invitation link does not stay in the database
        Assert.Null(row.LockedUntil);
        Assert.NotNull(row.LastError);
        Assert.Equal("Your code is SECRET", (await RowAsync(wornPlain)).Body);
        Assert.Equal("failed", (await RowAsync(wornPlain)).Status);
        Assert.Equal("sent", (await RowAsync(oneLeft)).Status);

        // And nothing is claimed again later.
        _clock.Advance(TimeSpan.FromHours(1));
        await Dispatcher(sender, options).DispatchDueAsync(CancellationToken.None);
        Assert.Equal([oneLeft], sender.Sent);
    }
}
