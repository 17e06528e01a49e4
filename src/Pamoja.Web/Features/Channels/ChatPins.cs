using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Pamoja.Web.Features.Channels;

public sealed class ChannelOptions
{
    /// Wrong PINs in a row before chat payments lock, and for how long.
    public int PinAttempts { get; set; } = 3;
    public TimeSpan PinLockout { get; set; } = TimeSpan.FromMinutes(30);

    /// Lockouts in a row (the right PIN clears them) after which the PIN stops working until it
    /// is set again on the web: without it, 3 guesses every 30 minutes would find a 4-digit PIN in days.
    public int PinLockoutsBeforeDisabled { get; set; } = 3;

    /// How long a chat conversation remembers where it was (a pending PIN, a chosen group).
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// How long a link sent from a chat stays usable (once).
    public TimeSpan LinkLifetime { get; set; } = TimeSpan.FromMinutes(15);
}

public enum PinCheck { Ok, Wrong, Locked, NotSet }

/// LockedUntil is DateTimeOffset.MaxValue when the PIN is disabled until it is set again.
public sealed record PinResult(PinCheck Outcome, int AttemptsLeft, DateTimeOffset? LockedUntil);

/// The chat PIN: 4 to 6 digits, set on the web, stored as a salted PBKDF2 hash, and locked
/// after a few wrong tries. A PIN is short, so the lockout is what protects it; the hash keeps a
/// leaked table from giving the PINs away directly.
public sealed class ChatPins(NpgsqlDataSource db, TimeProvider clock, IOptions<ChannelOptions> options)
{
    private const int Iterations = 100_000;

    /// Null when the PIN is acceptable, else why not.
    public static string? Problem(string? pin)
    {
        if (string.IsNullOrEmpty(pin) || pin.Length is < 4 or > 6 || !pin.All(char.IsAsciiDigit))
            return "A PIN is 4 to 6 digits.";
        if (pin.Distinct().Count() == 1)
            return "A PIN of one repeated digit is too easy to guess.";
        var up = true;
        var down = true;
        for (var i = 1; i < pin.Length; i++)
        {
            up &= pin[i] - pin[i - 1] == 1;
            down &= pin[i - 1] - pin[i] == 1;
        }
        return up || down ? "A PIN of consecutive digits is too easy to guess." : null;
    }

    public static string Hash(string pin)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        var hash = Rfc2898DeriveBytes.Pbkdf2(pin, salt, Iterations, HashAlgorithmName.SHA256, 32);
        return $"v1${Iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}";
    }

    public static bool Matches(string stored, string pin)
    {
        var parts = stored.Split('$');
        if (parts.Length != 4 || parts[0] != "v1" || !int.TryParse(parts[1], out var iterations)) return false;
        var salt = Convert.FromBase64String(parts[2]);
        var expected = Convert.FromBase64String(parts[3]);
        var actual = Rfc2898DeriveBytes.Pbkdf2(pin, salt, iterations, HashAlgorithmName.SHA256, expected.Length);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    /// Sets (or replaces) a user's PIN and lifts any lockout.
    public async Task SetAsync(Guid userId, string pin, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(
            "UPDATE users SET chat_pin_hash = $2, chat_pin_failures = 0, chat_pin_locked_until = NULL, chat_pin_lockouts = 0 WHERE id = $1");
        cmd.Parameters.AddWithValue(userId);
        cmd.Parameters.AddWithValue(Hash(pin));
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task<bool> IsSetAsync(Guid userId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("SELECT chat_pin_hash IS NOT NULL FROM users WHERE id = $1");
        cmd.Parameters.AddWithValue(userId);
        return await cmd.ExecuteScalarAsync(ct) is true;
    }

    /// Checks a PIN under the user's row lock, so concurrent guesses are all counted.
    public async Task<PinResult> CheckAsync(Guid userId, string pin, CancellationToken ct)
    {
        var o = options.Value;
        var now = clock.GetUtcNow();
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        string? hash;
        int failures, lockouts;
        DateTimeOffset? lockedUntil;
        await using (var read = new NpgsqlCommand(
            "SELECT chat_pin_hash, chat_pin_failures, chat_pin_locked_until, chat_pin_lockouts FROM users WHERE id = $1 FOR UPDATE", connection, tx))
        {
            read.Parameters.AddWithValue(userId);
            await using var reader = await read.ExecuteReaderAsync(ct);
            if (!await reader.ReadAsync(ct)) return new PinResult(PinCheck.NotSet, 0, null);
            hash = reader.IsDBNull(0) ? null : reader.GetString(0);
            failures = reader.GetInt32(1);
            lockedUntil = reader.IsDBNull(2) ? null : reader.GetFieldValue<DateTimeOffset>(2);
            lockouts = reader.GetInt32(3);
        }
        if (hash is null) return new PinResult(PinCheck.NotSet, 0, null);
        if (lockouts >= o.PinLockoutsBeforeDisabled) return new PinResult(PinCheck.Locked, 0, DateTimeOffset.MaxValue);
        if (lockedUntil > now) return new PinResult(PinCheck.Locked, 0, lockedUntil);
        if (lockedUntil is not null) failures = 0; // the lockout has passed: a fresh set of tries

        var ok = pin.Length is >= 4 and <= 6 && pin.All(char.IsAsciiDigit) && Matches(hash, pin);
        failures = ok ? 0 : failures + 1;
        DateTimeOffset? lockUntil = failures >= o.PinAttempts ? now + o.PinLockout : null;
        if (lockUntil is not null) lockouts++;
        await using (var write = new NpgsqlCommand(
            "UPDATE users SET chat_pin_failures = $2, chat_pin_locked_until = $3, chat_pin_lockouts = $4 WHERE id = $1", connection, tx))
        {
            write.Parameters.AddWithValue(userId);
            write.Parameters.AddWithValue(lockUntil is null ? failures : 0);
            write.Parameters.AddWithValue((object?)lockUntil ?? DBNull.Value);
            write.Parameters.AddWithValue(ok ? 0 : lockouts);
            await write.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
        return ok ? new PinResult(PinCheck.Ok, o.PinAttempts, null)
            : lockUntil is not null ? new PinResult(PinCheck.Locked, 0, lockouts >= o.PinLockoutsBeforeDisabled ? DateTimeOffset.MaxValue : lockUntil)
            : new PinResult(PinCheck.Wrong, o.PinAttempts - failures, null);
    }
}
