using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Pamoja.Web.Integrations.Twilio;

namespace Pamoja.Web.Tests.Integrations.Twilio;

public sealed class TwilioWebhookTests
{
    private const string Token = "test-auth-token";

    private static readonly KeyValuePair<string, string>[] Fields =
    [
        new("MessageSid", "SM0123456789abcdef0123456789abcdef"),
        new("AccountSid", "AC0123456789abcdef0123456789abcdef"),
        new("From", "whatsapp:+254712345678"),
        new("To", "whatsapp:+14155238886"),
        new("Body", "Salio? & 100% 👋"),
    ];

    private static TwilioOptions Options(string publicBaseUrl = "") => new() { AuthToken = Token, PublicBaseUrl = publicBaseUrl };

    private static HttpRequest Request(string rawBody, string? signature, string contentType = "application/x-www-form-urlencoded",
        string host = "10.0.0.5:8080", string scheme = "http", string target = "/webhooks/twilio/messages?g=7")
    {
        var context = new DefaultHttpContext();
        var request = context.Request;
        request.Method = "POST";
        request.Scheme = scheme;
        request.Host = new HostString(host);
        var query = target.IndexOf('?', StringComparison.Ordinal);
        request.Path = query < 0 ? target : target[..query];
        request.QueryString = query < 0 ? QueryString.Empty : new QueryString(target[query..]);
        context.Features.Get<IHttpRequestFeature>()!.RawTarget = target;
        request.ContentType = contentType;
        var bytes = Encoding.UTF8.GetBytes(rawBody);
        request.Body = new MemoryStream(bytes);
        request.ContentLength = bytes.Length;
        if (signature is not null)
            request.Headers[TwilioSignature.Header] = signature;
        return request;
    }

    private static string Body(IEnumerable<KeyValuePair<string, string>> fields) =>
        new FormUrlEncodedContent(fields).ReadAsStringAsync().GetAwaiter().GetResult();

    [Fact]
    public async Task ASignedFormIsReadWithItsRawBodyBehindAProxy()
    {
        // Twilio called the public URL; the proxy handed us http://10.0.0.5:8080.
        const string publicUrl = "https://pamoja.example.org/webhooks/twilio/messages?g=7";
        var raw = Body(Fields);

        var verified = await TwilioWebhook.ReadVerifiedAsync(
            Request(raw, TwilioSignature.Compute(Token, publicUrl, Fields)), Options("https://pamoja.example.org/"), default);

        Assert.NotNull(verified);
        Assert.Equal(raw, verified.RawBody);
        Assert.Equal(publicUrl, verified.Url);
        Assert.Equal(Fields.ToDictionary(f => f.Key, f => f.Value), verified.Form);
        Assert.True(TwilioInbound.TryParse(verified.Form, out var msg));
        Assert.Equal("Salio? & 100% 👋", msg.Body);
    }

    [Fact]
    public async Task WithoutAPublicBaseUrlTheRequestsOwnOriginIsUsed()
    {
        var signature = TwilioSignature.Compute(Token, "http://10.0.0.5:8080/webhooks/twilio/messages?g=7", Fields);

        Assert.NotNull(await TwilioWebhook.ReadVerifiedAsync(Request(Body(Fields), signature), Options(), default));
        // Behind the proxy without the setting, the public URL's signature does not fit.
        var publicSignature = TwilioSignature.Compute(Token, "https://pamoja.example.org/webhooks/twilio/messages?g=7", Fields);
        Assert.Null(await TwilioWebhook.ReadVerifiedAsync(Request(Body(Fields), publicSignature), Options(), default));
    }

    [Fact]
    public async Task TheDefaultPortMayOrMayNotBeInTheSignedUrl()
    {
        var signature = TwilioSignature.Compute(Token, "https://pamoja.example.org:443/webhooks/twilio/messages?g=7", Fields);

        Assert.NotNull(await TwilioWebhook.ReadVerifiedAsync(Request(Body(Fields), signature), Options("https://pamoja.example.org"), default));
    }

    [Fact]
    public async Task TamperedOrUnsignedRequestsAreNull()
    {
        const string publicBase = "https://pamoja.example.org";
        var signature = TwilioSignature.Compute(Token, publicBase + "/webhooks/twilio/messages?g=7", Fields);
        var tampered = Fields.Select(f => f.Key == "Body" ? new KeyValuePair<string, string>("Body", "Lipa KES 1,000,000") : f);

        Assert.Null(await TwilioWebhook.ReadVerifiedAsync(Request(Body(tampered), signature), Options(publicBase), default));
        Assert.Null(await TwilioWebhook.ReadVerifiedAsync(Request(Body(Fields), signature, target: "/webhooks/twilio/messages?g=8"), Options(publicBase), default));
        Assert.Null(await TwilioWebhook.ReadVerifiedAsync(Request(Body(Fields), null), Options(publicBase), default));
        Assert.Null(await TwilioWebhook.ReadVerifiedAsync(Request(Body(Fields), ""), Options(publicBase), default));
        Assert.Null(await TwilioWebhook.ReadVerifiedAsync(Request(Body(Fields), signature), new TwilioOptions { AuthToken = "other", PublicBaseUrl = publicBase }, default));
        Assert.Null(await TwilioWebhook.ReadVerifiedAsync(Request(Body(Fields), signature), new TwilioOptions { AuthToken = "", PublicBaseUrl = publicBase }, default));
        // The control: the same request untouched is accepted.
        Assert.NotNull(await TwilioWebhook.ReadVerifiedAsync(Request(Body(Fields), signature), Options(publicBase), default));
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("multipart/form-data; boundary=x")]
    [InlineData("text/plain")]
    [InlineData("")]
    [InlineData("garbage;;;")]
    public async Task AnythingButAUrlEncodedFormIsNull(string contentType)
    {
        var signature = TwilioSignature.Compute(Token, "http://10.0.0.5:8080/webhooks/twilio/messages?g=7", Fields);

        Assert.Null(await TwilioWebhook.ReadVerifiedAsync(Request(Body(Fields), signature, contentType), Options(), default));
    }

    [Fact]
    public async Task ACharsetParameterIsFine()
    {
        var signature = TwilioSignature.Compute(Token, "http://10.0.0.5:8080/webhooks/twilio/messages?g=7", Fields);

        Assert.NotNull(await TwilioWebhook.ReadVerifiedAsync(Request(Body(Fields), signature, "application/x-www-form-urlencoded; charset=utf-8"), Options(), default));
    }

    [Fact]
    public async Task AnOversizedBodyIsNull()
    {
        KeyValuePair<string, string>[] big = [.. Fields, new("Padding", new string('x', TwilioWebhook.MaxBodyBytes))];
        var signature = TwilioSignature.Compute(Token, "http://10.0.0.5:8080/webhooks/twilio/messages?g=7", big);

        Assert.Null(await TwilioWebhook.ReadVerifiedAsync(Request(Body(big), signature), Options(), default));
    }

    [Theory]
    [InlineData("%")]
    [InlineData("a=%ZZ&&&=&b")]
    [InlineData("\u0000\u0001")]
    [InlineData("")]
    public async Task AMalformedBodyIsNullNotAnException(string raw)
    {
        Assert.Null(await TwilioWebhook.ReadVerifiedAsync(Request(raw, "0/KCTR6DLpKmkAf8muzZqo1nDgQ="), Options(), default));
    }
}
