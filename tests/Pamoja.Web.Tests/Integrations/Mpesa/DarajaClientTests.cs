using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Pamoja.Web.Integrations.Mpesa;
using Pamoja.Web.Integrations.Payments;
using MpesaScripts = Pamoja.Sandbox.Providers.Mpesa.MpesaScripts;

namespace Pamoja.Web.Tests.Integrations.Mpesa;

public sealed class DarajaPasswordTests
{
    // protocols.md §1.8: the official sample Password decodes to 174379 + passkey + 20210628092408.
    private const string OfficialSample =
        "MTc0Mzc5YmZiMjc5ZjlhYTliZGJjZjE1OGU5N2RkNzFhNDY3Y2QyZTBjODkzMDU5YjEwZjc4ZTZiNzJhZGExZWQyYzkxOTIwMjEwNjI4MDkyNDA4";

    [Fact]
    public void PasswordMatchesTheOfficialSample()
    {
        Assert.Equal(OfficialSample, DarajaClient.Password("174379", MpesaOptions.SandboxPasskey, "20210628092408"));
    }

    [Fact]
    public void TheOfficialSampleDecodesToShortCodePasskeyAndTimestamp()
    {
        var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(OfficialSample));

        Assert.Equal("174379" + MpesaOptions.SandboxPasskey + "20210628092408", decoded);
    }

    [Fact]
    public void TimestampIsNairobiTime()
    {
        // 06:24:08 UTC is 09:24:08 in Nairobi (UTC+3 all year).
        var instant = new DateTimeOffset(2021, 6, 28, 6, 24, 8, TimeSpan.Zero);

        Assert.Equal("20210628092408", DarajaClient.Timestamp(instant));
        Assert.Equal("20211231235959", DarajaClient.Timestamp(new DateTimeOffset(2021, 12, 31, 20, 59, 59, TimeSpan.Zero)));
        Assert.Equal("20220101000000", DarajaClient.Timestamp(new DateTimeOffset(2021, 12, 31, 21, 0, 0, TimeSpan.Zero)));
    }

    [Fact]
    public void OriginatorConversationIdIsDerivedFromPaymentAndAttemptOnly()
    {
        var payment = Guid.Parse("0b9f1c4e-8d2a-4f7e-9c3b-5a6d7e8f9a0b");

        Assert.Equal("pamoja-0b9f1c4e8d2a4f7e9c3b5a6d7e8f9a0b-1", DarajaClient.OriginatorConversationId(payment, 1));
        Assert.Equal(DarajaClient.OriginatorConversationId(payment, 2), DarajaClient.OriginatorConversationId(payment, 2));
        Assert.NotEqual(DarajaClient.OriginatorConversationId(payment, 1), DarajaClient.OriginatorConversationId(payment, 2));
    }

    [Fact]
    public void SecurityCredentialIsPkcs1V15DecryptableWithThePrivateKey()
    {
        using var key = RSA.Create(2048);
        using var certificate = new CertificateRequest("CN=test", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        using var publicOnly = DarajaClient.LoadCertificate(Encoding.ASCII.GetBytes(certificate.ExportCertificatePem()));
        using var fromDer = DarajaClient.LoadCertificate(certificate.Export(X509ContentType.Cert));

        var credential = DarajaClient.SecurityCredential(publicOnly, "Safaricom999!*!");

        Assert.Equal("Safaricom999!*!", Encoding.UTF8.GetString(key.Decrypt(Convert.FromBase64String(credential), RSAEncryptionPadding.Pkcs1)));
        Assert.ThrowsAny<CryptographicException>(() => key.Decrypt(Convert.FromBase64String(credential), RSAEncryptionPadding.OaepSHA1));
        Assert.Equal(publicOnly.Thumbprint, fromDer.Thumbprint);
    }
}

public sealed class DarajaTokenTests(MpesaHostFixture fixture) : IClassFixture<MpesaHostFixture>
{
    private MpesaTestHost Host => fixture.Host;

    [Fact]
    public async Task OneTokenServesManyRequests()
    {
        var (gateway, _, _, requests) = Host.NewGateway();

        for (var i = 0; i < 4; i++)
            Assert.Equal(GatewayStatus.Pending, (await gateway.StartAsync(Host.Collection(MpesaScripts.Phone()), default)).Status);
        for (var i = 0; i < 2; i++)
            Assert.Equal(GatewayStatus.Pending, (await gateway.StartAsync(Host.Payout(MpesaScripts.Phone()), default)).Status);

        Assert.Equal(1, requests.TokenCalls);
        Assert.Equal(4, requests["/mpesa/stkpush/v1/processrequest"]);
    }

    [Fact]
    public async Task ConcurrentFirstRequestsFetchOneToken()
    {
        var (gateway, _, _, requests) = Host.NewGateway();

        var answers = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => gateway.StartAsync(Host.Collection(MpesaScripts.Phone()), default)));

        Assert.All(answers, a => Assert.Equal(GatewayStatus.Pending, a.Status));
        Assert.Equal(1, requests.TokenCalls);
    }

    [Fact]
    public async Task TheTokenIsRefreshedBeforeItExpires()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        var (gateway, _, _, requests) = Host.NewGateway(clock: clock);
        await gateway.StartAsync(Host.Collection(MpesaScripts.Phone()), default);

        // expires_in is 3599: a minute before that the client fetches a new one.
        clock.Advance(TimeSpan.FromSeconds(3599 - 61));
        await gateway.StartAsync(Host.Collection(MpesaScripts.Phone()), default);
        Assert.Equal(1, requests.TokenCalls);

        clock.Advance(TimeSpan.FromSeconds(2));
        var answer = await gateway.StartAsync(Host.Collection(MpesaScripts.Phone()), default);
        Assert.Equal(GatewayStatus.Pending, answer.Status);
        Assert.Equal(2, requests.TokenCalls);
    }

    [Fact]
    public async Task ATokenMpesaNoLongerAcceptsFailsThatRequestAndIsReplacedForTheNext()
    {
        // The sandbox's clock runs an hour ahead of the client's cache: the cached token is dead.
        var sandboxClock = new ManualClock(DateTimeOffset.UtcNow);
        await using var host = await MpesaTestHost.StartAsync(sandboxClock: sandboxClock);
        var (gateway, _, _, requests) = host.NewGateway();
        await gateway.StartAsync(host.Collection(MpesaScripts.Phone()), default);
        sandboxClock.Advance(TimeSpan.FromHours(2));

        var refused = await gateway.StartAsync(host.Collection(MpesaScripts.Phone()), default);
        var next = await gateway.StartAsync(host.Collection(MpesaScripts.Phone()), default);

        // Refused at the gate, so nothing started: Failed, and not retried behind the caller's back.
        Assert.Equal(GatewayStatus.Failed, refused.Status);
        Assert.Equal("404.001.03", refused.Code);
        Assert.Equal(GatewayStatus.Pending, next.Status);
        Assert.Equal(2, requests.TokenCalls);
        Assert.Equal(3, requests["/mpesa/stkpush/v1/processrequest"]);
    }

    [Fact]
    public async Task NoTokenMeansNothingIsSent()
    {
        var (gateway, _, _, requests) = Host.NewGateway(o => o.BaseUrl = UnusedLoopbackUrl());

        var start = await gateway.StartAsync(Host.Payout(MpesaScripts.Phone()), default);
        var query = await gateway.QueryAsync(Host.Payout(MpesaScripts.Phone()), null, default);

        Assert.Equal(GatewayStatus.Failed, start.Status);
        Assert.Equal("NOT_SENT", start.Code);
        Assert.Equal(GatewayStatus.Unknown, query.Status);
        Assert.Equal(0, requests["/mpesa/b2c/v3/paymentrequest"]);
    }

    [Fact]
    public async Task ExpiresInIsReadAsANumberToo()
    {
        // A receiver that answers the token call Daraja's newer way: "expires_in": 3599.
        await using var fake = await TokenOnlyServer.StartAsync("""{"access_token":"abc","expires_in":3599}""");
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        var options = Microsoft.Extensions.Options.Options.Create(new MpesaOptions { BaseUrl = fake.Url.ToString(), ConsumerKey = "k", ConsumerSecret = "s" });
        using var auth = new DarajaAuth(options, clock);
        using var http = new HttpClient { BaseAddress = fake.Url };

        Assert.Equal("abc", await auth.TokenAsync(http, default));
        clock.Advance(TimeSpan.FromSeconds(3500));
        Assert.Equal("abc", await auth.TokenAsync(http, default));
        Assert.Equal(1, auth.TokensFetched);
        clock.Advance(TimeSpan.FromSeconds(60));
        await auth.TokenAsync(http, default);
        Assert.Equal(2, auth.TokensFetched);
    }

    internal static string UnusedLoopbackUrl()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}/");
    }
}

/// A clock the test moves by hand; delays still run on real time.
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private readonly Lock _lock = new();
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow()
    {
        lock (_lock) return _now;
    }

    public void Advance(TimeSpan by)
    {
        lock (_lock) _now += by;
    }
}

/// Answers GET /oauth/v1/generate with a fixed body, for token shapes the sandbox does not send.
internal sealed class TokenOnlyServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TokenOnlyServer(WebApplication app) => _app = app;

    public Uri Url { get; private set; } = null!;

    public static async Task<TokenOnlyServer> StartAsync(string body)
    {
        var builder = WebApplication.CreateSlimBuilder();
        Microsoft.AspNetCore.Hosting.HostingAbstractionsWebHostBuilderExtensions.UseUrls(builder.WebHost, "http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapGet("/oauth/v1/generate", () => Microsoft.AspNetCore.Http.Results.Text(body, "application/json"));
        await app.StartAsync();
        return new TokenOnlyServer(app) { Url = new Uri(app.Urls.First() + "/") };
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
