using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Pamoja.Web.Tests.Infrastructure;

/// The real app (every service, the real PostgreSQL, the sandbox over HTTP) in a test host.
/// Most tests share one instance (PamojaFactory.Shared); tests that move the clock or change
/// settings make their own against the same database.
public sealed class PamojaFactory : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings;

    public PamojaFactory(Uri sandboxUrl, TimeProvider? clock = null, IDictionary<string, string?>? settings = null,
        string? connectionString = null)
    {
        Clock = clock;
        _settings = new Dictionary<string, string?>
        {
            ["PAMOJA_DATABASE_URL"] = connectionString ?? TestDatabase.ConnectionString,
            ["PAMOJA_SANDBOX_URL"] = sandboxUrl.ToString(),
            ["PAMOJA_URL"] = "http://pamoja.test",
            // Tests give every client its own X-Forwarded-For, so per-IP limits of parallel tests
            // do not collide and the rate-limit tests can pose as one attacker. The in-memory test
            // server has no sender address to check against a proxy list, so "*" trusts any
            // sender: for tests only (README, Configuration).
            ["Network:TrustForwardedHeaders"] = "true",
            ["Network:KnownProxies"] = "*",
            ["Outbox:PollInterval"] = "00:00:00.200",
            // The daily engines run only when a test runs them (their own database: EngineTestApp).
            ["Engines:Enabled"] = "false",
            // Payments are sent and reconciled only in the tests that start a payments app
            // (PaymentsApp: a real port the sandbox can call back).
            ["Payments:WorkerEnabled"] = "false",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            _settings[key] = value;
    }

    public TimeProvider? Clock { get; }

    /// Where clients send requests: the in-memory server by default; a real Kestrel address for
    /// apps that listen on a port (PaymentsApp).
    public Uri BaseAddress { get; set; } = new("http://localhost");
    public TestLogs Logs { get; } = new();

    private static readonly SemaphoreSlim SharedLock = new(1, 1);
    private static PamojaFactory? _shared;

    public static async Task<PamojaFactory> SharedAsync()
    {
        await SharedLock.WaitAsync();
        try
        {
            if (_shared is null)
            {
                var factory = new PamojaFactory(await SandboxHost.UrlAsync());
                _ = factory.Server; // start now: migrations run once, before any test uses it
                _shared = factory;
            }
            return _shared;
        }
        finally
        {
            SharedLock.Release();
        }
    }

    public static async Task<PamojaFactory> CreateAsync(TimeProvider? clock = null, IDictionary<string, string?>? settings = null,
        string? connectionString = null)
    {
        await SharedAsync(); // the shared database is migrated before anyone else starts on it
        var factory = new PamojaFactory(await SandboxHost.UrlAsync(), clock, settings, connectionString);
        _ = factory.Server;
        return factory;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        foreach (var (key, value) in _settings)
            builder.UseSetting(key, value);
        // Keep the app's log lines in memory for assertions instead of flooding the test output.
        builder.ConfigureLogging(logging => logging.ClearProviders().AddProvider(Logs));
        builder.ConfigureServices(services =>
        {
            if (Clock is not null)
                services.Replace(ServiceDescriptor.Singleton(Clock));
        });
    }

    /// An API client that appears to come from its own IP address.
    public HttpClient ApiClient(string? ip = null)
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = BaseAddress });
        client.DefaultRequestHeaders.Add("X-Forwarded-For", ip ?? TestData.Ip());
        return client;
    }

    /// A browser-like client for the pages: keeps cookies, does not follow redirects, own IP.
    public HttpClient Browser(string? ip = null)
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true, BaseAddress = BaseAddress });
        client.DefaultRequestHeaders.Add("X-Forwarded-For", ip ?? TestData.Ip());
        return client;
    }

    /// A browser signed in (cookie session) as the account with this phone and TestData.Password;
    /// code: the authenticator code, for an account with two-factor sign-in on.
    public async Task<HttpClient> SignedInBrowserAsync(string phone, string? code = null)
    {
        var browser = Browser();
        var signedIn = await Forms.SubmitAsync(browser, "/account/sign-in", new Dictionary<string, string>
        {
            ["Input.Login"] = phone,
            ["Input.Password"] = TestData.Password,
        });
        Assert.Equal(System.Net.HttpStatusCode.Redirect, signedIn.StatusCode);
        if (code is not null)
        {
            var second = await Forms.SubmitAsync(browser, signedIn.Headers.Location!.OriginalString, new Dictionary<string, string> { ["Input.Code"] = code });
            Assert.Equal(System.Net.HttpStatusCode.Redirect, second.StatusCode);
        }
        return browser;
    }
}
