using System.Security.Cryptography;
using System.Text;

namespace Pamoja.Web.Features.Accounts;

/// Password-reset codes: 10 characters from an alphabet without look-alikes (no 0/O, 1/I/L, U),
/// about 49 bits — short enough to type from an SMS on a feature phone, and with a 3-minute
/// lifetime, single use and per-login rate limits, far beyond guessing. Only the SHA-256 of
/// the normalised code is stored.
public static class ResetCode
{
    private const string Alphabet = "ABCDEFGHJKMNPQRSTVWXYZ23456789";
    public const int Length = 10;

    public static string New() => RandomNumberGenerator.GetString(Alphabet, Length);

    /// "abcde-fghjk" and "ABCDE FGHJK" are the same code.
    public static string Normalize(string input)
    {
        var sb = new StringBuilder(Length);
        foreach (var c in input)
            if (c is not (' ' or '-'))
                sb.Append(char.ToUpperInvariant(c));
        return sb.ToString();
    }

    public static byte[] Hash(string code) => SHA256.HashData(Encoding.UTF8.GetBytes(Normalize(code)));

    public static string Display(string code) => code.Length == Length ? $"{code[..5]}-{code[5..]}" : code;
}

public sealed class PasswordResetToken
{
    public Guid Id { get; set; }
    public Guid UserId { get; set; }
    public byte[] TokenHash { get; set; } = [];
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? UsedAt { get; set; }
}
