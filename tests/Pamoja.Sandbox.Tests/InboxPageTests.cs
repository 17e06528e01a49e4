using System.Net;

namespace Pamoja.Sandbox.Tests;

[Collection(SharedSandbox.Name)]
public sealed class InboxPageTests(SandboxFixture sandbox)
{
    [Fact]
    public async Task InboxShowsMessagesHtmlEscapedAndGroupedByPhone()
    {
        var phone = TestPhones.Kenyan();
        const string hostile = "<script>alert('x')</script> & \"quotes\"";
        using (var r = await sandbox.SendSmsAsync(phone, hostile, from: "<b>PAMOJA</b>")) Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        using (var r = await sandbox.SendSmsAsync(phone, "Karibu kikundi")) Assert.Equal(HttpStatusCode.Created, r.StatusCode);

        using var response = await sandbox.Client.GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("<script>", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<b>PAMOJA", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &quot;quotes&quot;", html, StringComparison.Ordinal);
        Assert.Contains("&lt;b&gt;PAMOJA&lt;/b&gt;", html, StringComparison.Ordinal);
        Assert.Contains("name=\"viewport\"", html, StringComparison.Ordinal);

        // Both messages sit in the one section for this phone, newest first.
        var encodedPhone = phone.Replace("+", "&#x2B;", StringComparison.Ordinal);
        var section = html[html.IndexOf("<h3>" + encodedPhone + "</h3>", StringComparison.Ordinal)..];
        section = section[..section.IndexOf("</section>", StringComparison.Ordinal)];
        var newer = section.IndexOf("Karibu kikundi", StringComparison.Ordinal);
        var older = section.IndexOf("&lt;script&gt;", StringComparison.Ordinal);
        Assert.True(newer >= 0 && older > newer, "both messages in the phone's section, newest first");
    }

    [Fact]
    public async Task InboxExplainsItselfAndListsScriptedNumbers()
    {
        var html = await sandbox.Client.GetStringAsync("/");

        Assert.Contains("Pamoja's local provider sandbox", html, StringComparison.Ordinal);
        foreach (var suffix in new[] { "0405", "0406", "0500", "0503" })
        {
            Assert.Contains($"<td>{suffix}</td>", html, StringComparison.Ordinal);
        }
        Assert.Contains("InsufficientBalance", html, StringComparison.Ordinal);
        Assert.Contains("UserInBlacklist", html, StringComparison.Ordinal);
    }
}
