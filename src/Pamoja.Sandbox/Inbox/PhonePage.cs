using System.Net.Http.Json;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Pamoja.Sandbox.Inbox;

// GET/POST /phone — a pretend phone for demos: send Pamoja a WhatsApp message or an SMS, or dial
// its USSD code, from a browser. Plain forms, no JavaScript; each send goes through the same
// simulators the tests use (/sandbox/twilio/inbound, /sandbox/africastalking/...), called on
// this sandbox's own address, so what the app receives is exactly the provider's wire format.
public static class PhonePage
{
    public const string HttpClientName = "phone-page";

    public static IServiceCollection AddPhonePage(this IServiceCollection services)
    {
        services.AddHttpClient(HttpClientName, client => client.Timeout = TimeSpan.FromSeconds(30));
        return services;
    }

    public static IEndpointRouteBuilder MapPhonePage(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/phone", (string? phone) => Page(phone ?? "+254712345678", "whatsapp", null, null, null));
        endpoints.MapPost("/phone", SendAsync).DisableAntiforgery();
        return endpoints;
    }

    private static async Task<IResult> SendAsync(HttpContext http, IHttpClientFactory clients, CancellationToken ct)
    {
        var form = await http.Request.ReadFormAsync(ct);
        var phone = form["phone"].ToString().Trim();
        var channel = form["channel"].ToString();
        var text = form["text"].ToString();
        var session = form["session"].ToString();
        if (phone.Length is < 8 or > 16 || phone[0] != '+' || !phone[1..].All(char.IsAsciiDigit))
            return Page(phone, channel, session, null, "Give the phone number with its country code, e.g. +254712345678.");

        using var client = clients.CreateClient(HttpClientName);
        client.BaseAddress = new Uri($"{http.Request.Scheme}://{http.Request.Host}/");
        HttpResponseMessage response;
        try
        {
            response = channel switch
            {
                "ussd" => await client.PostAsJsonAsync("sandbox/africastalking/ussd", string.IsNullOrEmpty(session) || form.ContainsKey("dial")
                    ? new Dictionary<string, string> { ["phoneNumber"] = phone }
                    : new Dictionary<string, string> { ["phoneNumber"] = phone, ["sessionId"] = session, ["input"] = text }, ct),
                "sms-at" => await client.PostAsJsonAsync("sandbox/africastalking/sms/inbound", new { from = phone, text }, ct),
                _ => await client.PostAsJsonAsync("sandbox/twilio/inbound", new { channel = channel == "sms" ? "sms" : "whatsapp", from = phone, body = text }, ct),
            };
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return Page(phone, channel, session, null, "The sandbox could not reach itself: " + ex.Message);
        }
        var body = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode)
            return Page(phone, channel, session, null, $"{(int)response.StatusCode}: {body}");

        using var json = JsonDocument.Parse(body);
        var root = json.RootElement;
        string? shown;
        if (channel == "ussd")
        {
            var ended = root.TryGetProperty("ended", out var e) && e.GetBoolean();
            session = ended ? "" : root.GetProperty("sessionId").GetString() ?? "";
            shown = (root.TryGetProperty("violation", out var v) && v.ValueKind == JsonValueKind.String ? "Session ended by Africa's Talking: " + v.GetString() + "\n" : "")
                + (root.TryGetProperty("screen", out var s) ? s.GetString() : "") + (ended ? "\n(session ended)" : "");
        }
        else if (root.TryGetProperty("replies", out var replies))
            shown = string.Join("\n\n", replies.EnumerateArray().Select(r => r.GetString()));
        else
            shown = "Sent. Pamoja answers by SMS: see the inbox.";
        return Page(phone, channel, session, string.IsNullOrWhiteSpace(shown) ? "(no reply)" : shown, null);
    }

    private static IResult Page(string phone, string channel, string? session, string? reply, string? error)
    {
        var e = HtmlEncoder.Default;
        var html = new StringBuilder();
        html.Append("""
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Pamoja sandbox phone</title>
            <style>
            body{font-family:system-ui,sans-serif;margin:0 auto;max-width:26rem;padding:0.75rem;line-height:1.4;color:#222}
            label{display:block;margin:0.5rem 0 0.2rem;font-weight:600} input,select,textarea{width:100%;box-sizing:border-box;font-size:1rem;padding:0.4rem}
            button{margin-top:0.75rem;font-size:1rem;padding:0.5rem 1rem} .screen{white-space:pre-wrap;background:#f3f7f3;border:1px solid #9c9;padding:0.6rem;border-radius:0.4rem}
            .error{color:#b00020}
            </style>
            </head>
            <body>
            <h1>Sandbox phone</h1>
            <p>Write to Pamoja as a member would. Replies show here; everything the app sends shows in the <a href="/">inbox</a>.
            Try MENU, BALANCE, DUE, PAY (then an amount and the chat PIN), SALIO, LUGHA. For USSD, dial first, then answer with the menu's numbers.</p>
            """);
        if (error is not null) html.Append("<p class=\"error\" role=\"alert\">").Append(e.Encode(error)).Append("</p>\n");
        if (reply is not null) html.Append("<h2>Reply</h2>\n<div class=\"screen\" role=\"status\">").Append(e.Encode(reply)).Append("</div>\n");
        html.Append("<form method=\"post\" action=\"/phone\">\n<label for=\"phone\">Phone number</label>\n<input id=\"phone\" name=\"phone\" value=\"")
            .Append(e.Encode(phone)).Append("\" inputmode=\"tel\" autocomplete=\"off\">\n<label for=\"channel\">Channel</label>\n<select id=\"channel\" name=\"channel\">\n");
        foreach (var (value, name) in new[] { ("whatsapp", "WhatsApp (Twilio)"), ("sms", "SMS (Twilio)"), ("sms-at", "SMS (Africa's Talking)"), ("ussd", "USSD (Africa's Talking)") })
            html.Append("<option value=\"").Append(value).Append('"').Append(value == channel ? " selected" : "").Append('>').Append(e.Encode(name)).Append("</option>\n");
        html.Append("</select>\n<input type=\"hidden\" name=\"session\" value=\"").Append(e.Encode(channel == "ussd" ? session ?? "" : "")).Append("\">\n")
            .Append("<label for=\"text\">Message (or USSD answer)</label>\n<textarea id=\"text\" name=\"text\" rows=\"3\" maxlength=\"1600\"></textarea>\n")
            .Append("<button type=\"submit\">Send</button>\n");
        if (channel == "ussd" && !string.IsNullOrEmpty(session))
            html.Append("<button type=\"submit\" name=\"dial\" value=\"1\">Hang up and dial again</button>\n");
        else
            html.Append("<p>For USSD: choose USSD and press Send with an empty message to dial *384*1234#.</p>\n");
        html.Append("</form>\n</body>\n</html>\n");
        return Results.Content(html.ToString(), "text/html; charset=utf-8");
    }
}
