using System.Text.Json;
using Pamoja.Web.Features.Notifications;

namespace Pamoja.Web.Integrations.AfricasTalking;

/// Section "AfricasTalking". BaseUrl defaults to PAMOJA_SANDBOX_URL, so the demo and the tests
/// talk to Pamoja.Sandbox; production sets https://api.africastalking.com.
public sealed class AfricasTalkingOptions
{
    public string BaseUrl { get; set; } = "";
    public string Username { get; set; } = "sandbox";
    public string ApiKey { get; set; } = "";
    public string? SenderId { get; set; }
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(15);

    /// The secret `k` query parameter AT's callbacks must carry (AT does not sign them; see
    /// AtCallbackToken). Empty refuses every callback; against the sandbox it defaults to
    /// "sandbox-at-callback-token" (AtCallbackToken.AddAfricasTalkingCallbacks).
    public string CallbackToken { get; set; } = "";

    public static bool IsConfigured(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration["AfricasTalking:BaseUrl"]) || !string.IsNullOrWhiteSpace(configuration["PAMOJA_SANDBOX_URL"]);
}

/// SMS through Africa's Talking (protocols.md §5.2): form POST to /version1/messaging with the
/// apiKey header; per-recipient statusCode 100/101/102 means accepted.
public sealed class AfricasTalkingSmsSender(HttpClient http, Microsoft.Extensions.Options.IOptions<AfricasTalkingOptions> options) : IMessageSender
{
    // Codes after which a retry cannot help (§5.2): invalid sender, invalid or unsupported number, blacklisted.
    private static readonly HashSet<int> Permanent = [402, 403, 404, 406];

    public async Task<SendResult> SendAsync(OutgoingMessage message, CancellationToken ct)
    {
        var o = options.Value;
        var form = new List<KeyValuePair<string, string>>
        {
            new("username", o.Username),
            new("to", message.Recipient),
            new("message", message.Body),
        };
        if (!string.IsNullOrWhiteSpace(o.SenderId))
            form.Add(new("from", o.SenderId));

        using var request = new HttpRequestMessage(HttpMethod.Post, "version1/messaging") { Content = new FormUrlEncodedContent(form) };
        request.Headers.Add("apiKey", o.ApiKey);
        request.Headers.Accept.ParseAdd("application/json");

        using var response = await http.SendAsync(request, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode)
            return (int)response.StatusCode is 401 or 400
                ? SendResult.GiveUp($"Africa's Talking answered {(int)response.StatusCode}: {Truncate(text)}")
                : SendResult.Retry($"Africa's Talking answered {(int)response.StatusCode}");

        try
        {
            using var doc = JsonDocument.Parse(text);
            var recipient = doc.RootElement.GetProperty("SMSMessageData").GetProperty("Recipients")[0];
            var status = recipient.GetProperty("statusCode").GetInt32();
            var messageId = recipient.TryGetProperty("messageId", out var id) ? id.GetString() : null;
            if (status is 100 or 101 or 102)
                return SendResult.Ok(messageId);
            var reason = recipient.TryGetProperty("status", out var s) ? s.GetString() : "unknown";
            return Permanent.Contains(status) ? SendResult.GiveUp($"{status} {reason}") : SendResult.Retry($"{status} {reason}");
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or IndexOutOfRangeException)
        {
            return SendResult.Retry("Unreadable answer from Africa's Talking: " + Truncate(text));
        }
    }

    private static string Truncate(string s) => s.Length <= 200 ? s : s[..200];
}

public static class AfricasTalkingModule
{
    public static WebApplicationBuilder AddAfricasTalkingSms(this WebApplicationBuilder builder)
    {
        builder.Services.Configure<AfricasTalkingOptions>(o =>
        {
            builder.Configuration.GetSection("AfricasTalking").Bind(o);
            if (string.IsNullOrWhiteSpace(o.BaseUrl))
                o.BaseUrl = builder.Configuration["PAMOJA_SANDBOX_URL"] ?? "";
            if (string.IsNullOrWhiteSpace(o.ApiKey) && !string.IsNullOrWhiteSpace(builder.Configuration["PAMOJA_SANDBOX_URL"]))
                o.ApiKey = "sandbox-api-key"; // the sandbox only checks that a key is present
        });
        builder.Services.AddHttpClient<AfricasTalkingSmsSender>((sp, http) =>
        {
            var o = sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<AfricasTalkingOptions>>().Value;
            http.BaseAddress = new Uri(o.BaseUrl.TrimEnd('/') + "/");
            http.Timeout = o.Timeout;
        });
        return builder;
    }
}
