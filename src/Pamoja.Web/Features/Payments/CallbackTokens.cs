using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace Pamoja.Web.Features.Payments;

/// The tokens Pamoja puts in the callback URLs it gives providers ("k"): an HMAC of the payment
/// and attempt (or of the paybill) with a platform secret. Daraja and MoMo sign nothing, and a
/// member can learn or derive their payment's handles; the token cannot be guessed, so a callback
/// without the right one is quarantined before it can change anything. The secret is
/// Payments:CallbackSecret if set (every instance the same), else the one migration 0006 made.
public sealed class CallbackTokens(NpgsqlDataSource db, IConfiguration configuration)
{
    private byte[]? _secret;

    public async Task<string> ForPaymentAsync(Guid paymentId, int attempt, CancellationToken ct) =>
        Token(await SecretAsync(ct), $"payment:{paymentId:N}:{attempt}");

    public async Task<string> ForPaybillAsync(CancellationToken ct) => Token(await SecretAsync(ct), "paybill");

    public async Task<bool> IsPaymentTokenAsync(string? token, Guid paymentId, int attempt, CancellationToken ct) =>
        token is not null && FixedEquals(token, await ForPaymentAsync(paymentId, attempt, ct));

    public async Task<bool> IsPaybillTokenAsync(string? token, CancellationToken ct) =>
        token is not null && FixedEquals(token, await ForPaybillAsync(ct));

    private static string Token(byte[] secret, string what) =>
        Convert.ToBase64String(HMACSHA256.HashData(secret, Encoding.UTF8.GetBytes(what))[..18]).Replace('+', '-').Replace('/', '_');

    private static bool FixedEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));

    private async Task<byte[]> SecretAsync(CancellationToken ct)
    {
        if (_secret is { } known) return known;
        if (configuration["Payments:CallbackSecret"] is { Length: >= 16 } configured)
            return _secret = Encoding.UTF8.GetBytes(configured);
        await using var cmd = db.CreateCommand("SELECT value FROM platform_secrets WHERE name = 'payments.callbacks'");
        return _secret = (byte[])(await cmd.ExecuteScalarAsync(ct) ?? throw new InvalidOperationException("No payments.callbacks secret: migration 0006 not applied?"));
    }
}
