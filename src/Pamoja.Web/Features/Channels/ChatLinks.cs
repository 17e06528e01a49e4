using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Pamoja.Web.Features.Channels;

public static class LinkPurposes
{
    public const string Register = "register";
    public const string SetPin = "set-pin";
    public const string Join = "join";
    public const string Statement = "statement";
    public const string Preferences = "preferences";
}

public sealed record OpenedLink(string Purpose, string Target, string Phone);

/// Links from a chat to the web page that does a complex step (creating an account, setting the
/// PIN, joining a group): signed (Data Protection, so nobody can make one or change where it
/// goes), short-lived and single-use (the row). Opening one shows a page with a button; only the
/// button uses it, so WhatsApp's link preview cannot spend it.
public sealed class ChatLinks(NpgsqlDataSource db, IDataProtectionProvider protection, Http.PublicUrls urls, TimeProvider clock, IOptions<ChannelOptions> options)
{
    private readonly IDataProtector _protector = protection.CreateProtector("Pamoja.Channels.ChatLinks.v1");

    public TimeSpan Lifetime => options.Value.LinkLifetime;

    public async Task<string> CreateAsync(string phone, string purpose, string target, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var id = Guid.CreateVersion7(now);
        await using var cmd = db.CreateCommand("""
            INSERT INTO chat_links (id, phone, purpose, target, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)
            """);
        cmd.Parameters.AddWithValue(id);
        cmd.Parameters.AddWithValue(phone);
        cmd.Parameters.AddWithValue(purpose);
        cmd.Parameters.AddWithValue(target);
        cmd.Parameters.AddWithValue(now);
        cmd.Parameters.AddWithValue(now + Lifetime);
        await cmd.ExecuteNonQueryAsync(ct);
        return urls.Absolute("/l/" + WebEncoders.Base64UrlEncode(_protector.Protect(id.ToByteArray())));
    }

    /// The link's id if the token is one Pamoja made; null for anything else.
    public Guid? Read(string? token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 400) return null;
        try
        {
            var bytes = _protector.Unprotect(WebEncoders.Base64UrlDecode(token));
            return bytes.Length == 16 ? new Guid(bytes) : null;
        }
        catch (Exception ex) when (ex is FormatException or System.Security.Cryptography.CryptographicException)
        {
            return null;
        }
    }

    /// Whether the link can still be used (without using it).
    public async Task<OpenedLink?> PeekAsync(Guid id, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("SELECT purpose, target, phone FROM chat_links WHERE id = $1 AND used_at IS NULL AND expires_at > $2");
        cmd.Parameters.AddWithValue(id);
        cmd.Parameters.AddWithValue(clock.GetUtcNow());
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? new OpenedLink(reader.GetString(0), reader.GetString(1), reader.GetString(2)) : null;
    }

    /// Uses the link: once, before it expires. Null when it is unknown, used or expired.
    public async Task<OpenedLink?> UseAsync(Guid id, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var cmd = db.CreateCommand("""
            UPDATE chat_links SET used_at = $2 WHERE id = $1 AND used_at IS NULL AND expires_at > $2 RETURNING purpose, target, phone
            """);
        cmd.Parameters.AddWithValue(id);
        cmd.Parameters.AddWithValue(now);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? new OpenedLink(reader.GetString(0), reader.GetString(1), reader.GetString(2)) : null;
    }
}
