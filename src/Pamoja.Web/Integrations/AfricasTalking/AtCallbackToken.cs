using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Pamoja.Web.Integrations.AfricasTalking;

/// Africa's Talking does not sign its callbacks (protocols.md §5.3), so the callback URLs
/// registered with AT carry a secret query parameter, `?k=<AfricasTalking:CallbackToken>`, and
/// every callback is checked against it before its form is read.
public static class AtCallbackToken
{
    public const string QueryParameter = "k";

    /// What the sandbox puts in its callback URLs unless told otherwise; used only when
    /// PAMOJA_SANDBOX_URL is set and no token is configured.
    public const string SandboxDefault = "sandbox-at-callback-token";

    /// Constant-time in the token's content (both sides are hashed first, so neither the
    /// length nor the first differing character shows in the timing). An unset expected token
    /// matches nothing: a forgotten setting closes the door rather than opening it.
    public static bool Matches(string? expected, string? given)
    {
        if (string.IsNullOrEmpty(expected) || given is null)
            return false;
        Span<byte> a = stackalloc byte[SHA256.HashSizeInBytes];
        Span<byte> b = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(expected), a);
        SHA256.HashData(Encoding.UTF8.GetBytes(given), b);
        return CryptographicOperations.FixedTimeEquals(a, b);
    }

    /// Fills AfricasTalkingOptions.CallbackToken from "AfricasTalking:CallbackToken", falling
    /// back to SandboxDefault when PAMOJA_SANDBOX_URL is set. Independent of AddAfricasTalkingSms,
    /// so the callbacks can be wired whether or not SMS goes through AT.
    public static WebApplicationBuilder AddAfricasTalkingCallbacks(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var configuration = builder.Configuration;
        builder.Services.AddOptions<AfricasTalkingOptions>().PostConfigure(o => o.CallbackToken = Resolve(configuration, o.CallbackToken));
        return builder;
    }

    /// The token in force: the configured one, else the sandbox default when running against
    /// the sandbox, else "" (which Matches refuses).
    public static string Resolve(IConfiguration configuration, string? current = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (!string.IsNullOrEmpty(current))
            return current;
        if (configuration["AfricasTalking:CallbackToken"] is { Length: > 0 } configured)
            return configured;
        return string.IsNullOrWhiteSpace(configuration["PAMOJA_SANDBOX_URL"]) ? "" : SandboxDefault;
    }
}
