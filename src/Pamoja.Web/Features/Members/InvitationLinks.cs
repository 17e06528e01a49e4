using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.WebUtilities;

namespace Pamoja.Web.Features.Members;

public sealed class MemberOptions
{
    /// How long an invitation link works. Members often see an SMS days later, so longer than
    /// a reset code, but an unanswered invitation still dies.
    public TimeSpan InvitationLifetime { get; set; } = TimeSpan.FromDays(3);
}

/// The token in an invitation link: the invitation's id, signed and encrypted with the app's
/// data-protection keys, so it cannot be forged or altered. The database row makes it
/// single-use and short-lived; the signature makes guessing pointless.
public sealed class InvitationLinks(IDataProtectionProvider protection, Http.PublicUrls urls)
{
    private readonly IDataProtector _protector = protection.CreateProtector("Pamoja.Members.Invitation.v1");

    public string Token(Guid invitationId) => WebEncoders.Base64UrlEncode(_protector.Protect(invitationId.ToByteArray()));

    public string Link(Guid invitationId) => urls.Absolute("/invitations/" + Token(invitationId));

    public Guid? Read(string? token)
    {
        if (string.IsNullOrWhiteSpace(token) || token.Length > 512)
            return null;
        try
        {
            var bytes = _protector.Unprotect(WebEncoders.Base64UrlDecode(token));
            return bytes.Length == 16 ? new Guid(bytes) : null;
        }
        catch (Exception ex) when (ex is CryptographicException or FormatException)
        {
            return null;
        }
    }
}
