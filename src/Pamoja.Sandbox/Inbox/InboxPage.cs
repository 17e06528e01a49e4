using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using Pamoja.Sandbox.Messages;
using Pamoja.Sandbox.Scripts;

namespace Pamoja.Sandbox.Inbox;

// GET / — a phone's-eye view of everything the sandbox "delivered", for demos. Plain
// server-rendered HTML that works without JavaScript on a small screen; every value from a
// request is HTML-encoded because message bodies are whatever the caller sent.
public static class InboxPage
{
    private const int MaxMessagesShown = 500;

    public static IEndpointRouteBuilder MapInbox(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/", (MessageStore store, IEnumerable<ScriptedNumber> scripted) =>
            Results.Content(Render(store.List().Take(MaxMessagesShown).ToList(), scripted.ToList()),
                "text/html; charset=utf-8"));
        return endpoints;
    }

    internal static string Render(IReadOnlyList<SandboxMessage> newestFirst, IReadOnlyList<ScriptedNumber> scripted)
    {
        var html = new StringBuilder();
        html.Append("""
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Pamoja sandbox inbox</title>
            <style>
            body{font-family:system-ui,sans-serif;margin:0 auto;max-width:40rem;padding:0.75rem;line-height:1.4;color:#222}
            h1{font-size:1.3rem;margin:0.25rem 0} h2{font-size:1.05rem;margin:1.25rem 0 0.25rem}
            .phone{border:1px solid #ccc;border-radius:0.5rem;padding:0.5rem 0.75rem;margin:0.75rem 0}
            .msg{border-top:1px solid #eee;padding:0.4rem 0} .msg:first-of-type{border-top:0}
            .meta{font-size:0.8rem;color:#666} .body{white-space:pre-wrap;overflow-wrap:anywhere;margin:0.15rem 0}
            .inbound{margin-left:2rem;background:#f3f7f3;padding-left:0.5rem} .failed .body{color:#b00020;text-decoration:line-through} .status{font-weight:600}
            table{border-collapse:collapse;width:100%;font-size:0.9rem} td,th{text-align:left;padding:0.2rem 0.4rem;border-bottom:1px solid #eee}
            </style>
            </head>
            <body>
            <h1>Pamoja sandbox inbox</h1>
            <p>This is Pamoja's local provider sandbox. It stands in for the SMS, WhatsApp and payment providers,
            speaking their wire formats, so nothing here reaches a real phone or moves real money.
            USSD sessions and incoming SMS (from the simulators under /sandbox/africastalking)
            show in the phone's section too, shaded. Messages are kept in memory only (the most
            recent ones) and vanish on restart.
            <a href="/">Refresh</a> · <a href="/phone">Be a phone: write to Pamoja on WhatsApp, SMS or USSD</a></p>

            """);

        AppendMessages(html, newestFirst);
        AppendScriptedNumbers(html, scripted);
        html.Append("</body>\n</html>\n");
        return html.ToString();
    }

    private static void AppendMessages(StringBuilder html, IReadOnlyList<SandboxMessage> newestFirst)
    {
        html.Append("<h2>Messages by phone</h2>\n");
        if (newestFirst.Count == 0)
        {
            html.Append("<p>No messages yet.</p>\n");
            return;
        }

        // GroupBy keeps first-seen order, so the phone with the latest message comes first. A
        // phone's section holds what it received and (indented) what it sent.
        foreach (var phone in newestFirst.GroupBy(m => m.Phone, StringComparer.Ordinal))
        {
            html.Append("<section class=\"phone\">\n<h3>").Append(Encode(phone.Key)).Append("</h3>\n");
            foreach (var message in phone)
            {
                var inbound = message.Direction == SandboxMessage.Inbound;
                html.Append("<div class=\"msg").Append(inbound ? " inbound" : "").Append(message.Failed ? " failed" : "")
                    .Append("\"><div class=\"meta\">")
                    .Append(Encode(message.ReceivedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)))
                    .Append(" UTC · ")
                    .Append(inbound ? "sent by this phone to " + Encode(message.To) : "from " + Encode(message.From))
                    .Append(" · ").Append(Encode(message.Provider)).Append(' ').Append(Encode(message.Channel));
                if (message.Channel == "ussd")
                {
                    // "ATUid_…/3/in": the session and the step.
                    html.Append(" · session ").Append(Encode(message.Id.Split('/')[0]));
                }
                if (message.Status is not null)
                {
                    html.Append(" · <span class=\"status\">").Append(Encode(message.Status));
                    if (message.ErrorCode is { } code)
                    {
                        html.Append(" (error ").Append(code.ToString(CultureInfo.InvariantCulture)).Append(')');
                    }
                    html.Append("</span>");
                }
                html.Append("</div><p class=\"body\">").Append(Encode(message.Body)).Append("</p></div>\n");
            }
            html.Append("</section>\n");
        }
    }

    private static void AppendScriptedNumbers(StringBuilder html, IReadOnlyList<ScriptedNumber> scripted)
    {
        html.Append("<h2>Scripted numbers</h2>\n<p>Send to a number ending in these digits to rehearse a failure.</p>\n");
        html.Append("<table><thead><tr><th>Provider</th><th>Ends with</th><th>What happens</th></tr></thead><tbody>\n");
        foreach (var script in scripted)
        {
            html.Append("<tr><td>").Append(Encode(script.Provider))
                .Append("</td><td>").Append(Encode(script.EndsWith))
                .Append("</td><td>").Append(Encode(script.Outcome)).Append("</td></tr>\n");
        }
        html.Append("</tbody></table>\n");
    }

    private static string Encode(string value) => HtmlEncoder.Default.Encode(value);
}
