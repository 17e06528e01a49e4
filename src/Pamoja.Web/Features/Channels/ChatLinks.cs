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

    /// A link for the phone. An unused one for the same step made in the last half of its
    /// lifetime is given again, so someone writing "pay" ten times makes one link, not ten.
    public async Task<string> CreateAsync(string phone, string purpose, string target, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var id = Guid.CreateVersion7(now);
        await using var cmd = db.CreateCommand("""
            WITH recent AS (
                SELECT id FROM chat_links
                 WHERE phone = $2 AND purpose = $3 AND target = $4 AND used_at IS NULL AND created_at > $7 AND expires_at > $5
                 ORDER BY created_at DESC LIMIT 1),
            made AS (
                INSERT INTO chat_links (id, phone, purpose, target, created_at, expires_at)
                SELECT $1, $2, $3, $4, $5, $6 WHERE NOT EXISTS (SELECT 1 FROM recent)
                RETURNING id)
            SELECT id FROM recent UNION ALL SELECT id FROM made
            """);
        cmd.Parameters.AddWithValue(id);
        cmd.Parameters.AddWithValue(phone);
        cmd.Parameters.AddWithValue(purpose);
        cmd.Parameters.AddWithValue(target);
        cmd.Parameters.AddWithValue(now);
        cmd.Parameters.AddWithValue(now + Lifetime);
        cmd.Parameters.AddWithValue(now - Lifetime / 2);
        var linkId = (Guid)(await cmd.ExecuteScalarAsync(ct))!;
        return urls.Absolute("/l/" + WebEncoders.Base64UrlEncode(_protector.Protect(linkId.ToByteArray())));
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
