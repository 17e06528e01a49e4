using System.Net.Http.Headers;
using System.Text.Json;

namespace Pamoja.Sandbox.Tests;

// Builds requests the way Africa's Talking's SDK does: form body, apiKey and Accept headers.
internal static class AtSms
{
    public static HttpRequestMessage SendRequest(
        string? to,
        string? message,
        string? from = null,
        string? username = "sandbox",
        string? apiKey = "test-api-key",
        bool acceptJson = true)
    {
        var fields = new List<KeyValuePair<string, string>>();
        if (username is not null) fields.Add(new("username", username));
        if (to is not null) fields.Add(new("to", to));
        if (message is not null) fields.Add(new("message", message));
        if (from is not null) fields.Add(new("from", from));

        var request = new HttpRequestMessage(HttpMethod.Post, "/version1/messaging")
        {
            Content = new FormUrlEncodedContent(fields),
        };
        if (apiKey is not null) request.Headers.TryAddWithoutValidation("apiKey", apiKey);
        if (acceptJson) request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return request;
    }

    public static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response)
    {
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return doc.RootElement.Clone();
    }

    public static JsonElement[] Recipients(JsonElement body) =>
        body.GetProperty("SMSMessageData").GetProperty("Recipients").EnumerateArray().ToArray();

    public static string[] PropertyNames(JsonElement element) =>
        element.EnumerateObject().Select(p => p.Name).ToArray();
}

// Fresh numbers per test so the shared store and the per-number 503 counters never leak
// between tests: "+2547", four unique digits, and a four-digit script suffix (nine digits after +254).
internal static class TestPhones
{
    private static int _next = Random.Shared.Next(0, 5_000);

    public static string Kenyan(string suffix = "1234") =>
        "+2547" + (Interlocked.Increment(ref _next) % 10_000).ToString("D4", System.Globalization.CultureInfo.InvariantCulture) + suffix;
}
