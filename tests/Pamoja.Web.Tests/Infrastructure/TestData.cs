using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Pamoja.Web.Tests.Infrastructure;

public static partial class TestData
{
    public const string Password = "correct horse battery staple 42";

    /// A phone number no other test uses: Kenyan +2547xxxxxxxx with random digits, which no
    /// sandbox provider treats as scripted (their scripted outcomes are chosen by the last
    /// digits: none of those).
    public static string Phone() => Phone("+2547");

    /// The same with another country's prefix and eight random digits (MoMo tests: "+2567").
    public static string Phone(string prefix)
    {
        while (true)
        {
            var phone = prefix + Random.Shared.NextInt64(10_000_000, 99_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
            // Not one a sandbox provider fails on purpose (an SMS script's "0500" lost an
            // invitation in a full run once).
            if (!Pamoja.Sandbox.Scripts.ScriptedNumbers.IsScripted(phone))
                return phone;
        }
    }

    /// A fresh Kenyan number whose last four digits pick one of the M-Pesa sandbox's scripts.
    public static string MpesaPhone(string script) =>
        "+2547" + Random.Shared.Next(1000, 9999).ToString(System.Globalization.CultureInfo.InvariantCulture) + script;

    public static string Ip() => $"10.{Random.Shared.Next(0, 256)}.{Random.Shared.Next(0, 256)}.{Random.Shared.Next(1, 255)}";

    public static async Task<Guid> RegisterAsync(HttpClient client, string phone, string password = Password, string? email = null)
    {
        var response = await client.PostAsJsonAsync("/api/v1/auth/register", new { phone, fullName = "Test Member", password, email });
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return body.GetProperty("id").GetGuid();
    }

    public static Task<HttpResponseMessage> TokenAsync(HttpClient client, string login, string password, string? code = null) =>
        client.PostAsJsonAsync("/api/v1/auth/token", new { login, password, code });

    /// Registers, signs in, and sets the bearer token on the client.
    public static async Task<string> SignedInAsync(HttpClient client, string? phone = null)
    {
        phone ??= Phone();
        await RegisterAsync(client, phone);
        var response = await TokenAsync(client, phone, Password);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        var token = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString();
        client.DefaultRequestHeaders.Authorization = new("Bearer", token);
        return phone;
    }

    public static async Task<JsonElement> ProblemAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// Waits (bounded) for the SMS the outbox sends through the sandbox and returns its text.
    public static async Task<string> SmsAsync(string phone, Func<string, bool>? match = null, DateTimeOffset? since = null)
    {
        using var http = new HttpClient { BaseAddress = await SandboxHost.UrlAsync() };
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            var messages = await http.GetFromJsonAsync<JsonElement>($"/sandbox/messages?to={Uri.EscapeDataString(phone)}");
            foreach (var message in messages.EnumerateArray())
            {
                var body = message.GetProperty("body").GetString()!;
                if ((match is null || match(body)) && (since is null || message.GetProperty("receivedAt").GetDateTimeOffset() >= since))
                    return body;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"No SMS reached {phone} within 20 seconds.");
    }

    public static async Task<IReadOnlyList<string>> AllSmsAsync(string phone)
    {
        using var http = new HttpClient { BaseAddress = await SandboxHost.UrlAsync() };
        var messages = await http.GetFromJsonAsync<JsonElement>($"/sandbox/messages?to={Uri.EscapeDataString(phone)}");
        return messages.EnumerateArray().Select(m => m.GetProperty("body").GetString()!).ToList();
    }

    public static string ResetCodeFrom(string sms) => ResetCodePattern().Match(sms) is { Success: true } m
        ? m.Groups[1].Value
        : throw new InvalidOperationException("No reset code in: " + sms);

    [GeneratedRegex(@"reset code is ([A-Z0-9]{5}-[A-Z0-9]{5})")]
    private static partial Regex ResetCodePattern();
}
