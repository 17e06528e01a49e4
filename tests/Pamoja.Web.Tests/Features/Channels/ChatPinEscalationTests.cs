using Microsoft.Extensions.Options;
using Npgsql;
using Pamoja.Web.Features.Channels;
using Pamoja.Web.Tests.Features.Notifications;
using Pamoja.Web.Tests.Infrastructure;

namespace Pamoja.Web.Tests.Features.Channels;

/// ChatPins on PostgreSQL with a clock the test moves: three lockouts disable the PIN until it is
/// set again on the web, and a right PIN starts the count of wrong ones afresh.
public sealed class ChatPinEscalationTests(OutboxDatabase database) : IClassFixture<OutboxDatabase>
{
    private const string Pin = "582914";
    private readonly TestClock _clock = new(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero));

    private ChatPins Pins() => new(database.DataSource, _clock, Options.Create(new ChannelOptions()));

    private async Task<Guid> UserAsync()
    {
        var id = Guid.NewGuid();
        var phone = TestData.Phone();
        await using var cmd = database.DataSource.CreateCommand("""
            INSERT INTO users (id, user_name, normalized_user_name, full_name, created_at) VALUES ($1, $2, $2, 'Pin Tester', $3)
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = id });
        cmd.Parameters.Add(new NpgsqlParameter { Value = phone });
        cmd.Parameters.Add(new NpgsqlParameter { Value = _clock.GetUtcNow() });
        await cmd.ExecuteNonQueryAsync();
        return id;
    }

    private async Task<(int Failures, int Lockouts, bool Locked)> StateAsync(Guid userId)
    {
        await using var cmd = database.DataSource.CreateCommand(
            "SELECT chat_pin_failures, chat_pin_lockouts, chat_pin_locked_until IS NOT NULL FROM users WHERE id = $1");
        cmd.Parameters.Add(new NpgsqlParameter { Value = userId });
        await using var reader = await cmd.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        return (reader.GetInt32(0), reader.GetInt32(1), reader.GetBoolean(2));
    }

    /// Three wrong PINs in a row; returns the last answer (the lockout).
    private async Task<PinResult> LockOutAsync(ChatPins pins, Guid userId)
    {
        Assert.Equal(PinCheck.Wrong, (await pins.CheckAsync(userId, "135790", CancellationToken.None)).Outcome);
        Assert.Equal(PinCheck.Wrong, (await pins.CheckAsync(userId, "246802", CancellationToken.None)).Outcome);
        return await pins.CheckAsync(userId, "864213", CancellationToken.None);
    }

    [Fact]
    public async Task Three_lockouts_disable_the_pin_even_for_the_right_pin_until_it_is_set_again()
    {
        var pins = Pins();
        var user = await UserAsync();
        await pins.SetAsync(user, Pin, CancellationToken.None);

        // Lockouts 1 and 2: for 30 minutes each, and then the right PIN would work again.
        for (var lockout = 1; lockout <= 2; lockout++)
        {
            var locked = await LockOutAsync(pins, user);
            Assert.Equal(new PinResult(PinCheck.Locked, 0, _clock.GetUtcNow() + TimeSpan.FromMinutes(30)), locked);
            Assert.Equal((0, lockout, true), await StateAsync(user));
            // Inside the lockout even the right PIN is refused (with the lockout's end).
            Assert.Equal(new PinResult(PinCheck.Locked, 0, _clock.GetUtcNow() + TimeSpan.FromMinutes(30)),
                await pins.CheckAsync(user, Pin, CancellationToken.None));
            _clock.Advance(TimeSpan.FromMinutes(31));
        }

        // The third lockout disables the PIN: no end time, and time passing does not lift it.
        var third = await LockOutAsync(pins, user);
        Assert.Equal(new PinResult(PinCheck.Locked, 0, DateTimeOffset.MaxValue), third);
        Assert.Equal(3, (await StateAsync(user)).Lockouts);
        _clock.Advance(TimeSpan.FromDays(2));
        Assert.Equal(new PinResult(PinCheck.Locked, 0, DateTimeOffset.MaxValue), await pins.CheckAsync(user, Pin, CancellationToken.None));
        Assert.Equal(new PinResult(PinCheck.Locked, 0, DateTimeOffset.MaxValue), await pins.CheckAsync(user, "135790", CancellationToken.None));
        Assert.Equal(3, (await StateAsync(user)).Lockouts);

        // Setting the PIN again (on the web) lifts it: the right PIN works, and the counts are clear.
        await pins.SetAsync(user, Pin, CancellationToken.None);
        Assert.Equal((0, 0, false), await StateAsync(user));
        Assert.Equal(new PinResult(PinCheck.Ok, 3, null), await pins.CheckAsync(user, Pin, CancellationToken.None));
    }

    [Fact]
    public async Task Lockouts_that_passed_by_the_lock_time_in_the_database_still_count_towards_disabling()
    {
        var pins = Pins();
        var user = await UserAsync();
        await pins.SetAsync(user, Pin, CancellationToken.None);
        for (var lockout = 1; lockout <= 3; lockout++)
        {
            var locked = await LockOutAsync(pins, user);
            Assert.Equal(PinCheck.Locked, locked.Outcome);
            // The lockout ends (its end put in the past) without the clock moving.
            await using var cmd = database.DataSource.CreateCommand("UPDATE users SET chat_pin_locked_until = $2 WHERE id = $1");
            cmd.Parameters.Add(new NpgsqlParameter { Value = user });
            cmd.Parameters.Add(new NpgsqlParameter { Value = _clock.GetUtcNow().AddSeconds(-1) });
            await cmd.ExecuteNonQueryAsync();
        }
        Assert.Equal(new PinResult(PinCheck.Locked, 0, DateTimeOffset.MaxValue), await pins.CheckAsync(user, Pin, CancellationToken.None));

        await pins.SetAsync(user, Pin, CancellationToken.None);
        Assert.Equal(PinCheck.Ok, (await pins.CheckAsync(user, Pin, CancellationToken.None)).Outcome);
    }

    [Fact]
    public async Task A_right_pin_resets_the_count_of_wrong_ones()
    {
        var pins = Pins();
        var user = await UserAsync();
        await pins.SetAsync(user, Pin, CancellationToken.None);

        Assert.Equal(new PinResult(PinCheck.Wrong, 2, null), await pins.CheckAsync(user, "135790", CancellationToken.None));
        Assert.Equal(new PinResult(PinCheck.Wrong, 1, null), await pins.CheckAsync(user, "246802", CancellationToken.None));
        Assert.Equal(2, (await StateAsync(user)).Failures);
        Assert.Equal(new PinResult(PinCheck.Ok, 3, null), await pins.CheckAsync(user, Pin, CancellationToken.None));
        Assert.Equal((0, 0, false), await StateAsync(user));

        // Two more wrong ones: not locked (it would be, had the right PIN not reset the count).
        Assert.Equal(new PinResult(PinCheck.Wrong, 2, null), await pins.CheckAsync(user, "135790", CancellationToken.None));
        Assert.Equal(new PinResult(PinCheck.Wrong, 1, null), await pins.CheckAsync(user, "246802", CancellationToken.None));
        Assert.Equal(PinCheck.Ok, (await pins.CheckAsync(user, Pin, CancellationToken.None)).Outcome);
    }
}
