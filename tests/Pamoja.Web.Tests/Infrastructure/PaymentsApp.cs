using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Pamoja.Sandbox;
using Pamoja.Web.Features.Payments;

namespace Pamoja.Web.Tests.Infrastructure;

/// The app on a real loopback port with a sandbox of its own, so the sandbox's callbacks reach
/// the app over HTTP exactly as Daraja's and MoMo's would: payments are sent by the app's worker,
/// answered by the sandbox, called back, checked and reconciled. Delays are short (tens of
/// milliseconds), the "late" and "ambiguous" ones a couple of seconds.
public sealed class PaymentsApp : IAsyncDisposable
{
    private PaymentsApp(WebApplication sandbox, Uri sandboxUrl, PamojaFactory app, Uri appUrl)
    {
        Sandbox = sandbox;
        SandboxUrl = sandboxUrl;
        App = app;
        AppUrl = appUrl;
        SandboxClient = new HttpClient { BaseAddress = sandboxUrl };
    }

    public WebApplication Sandbox { get; }
    public Uri SandboxUrl { get; }
    public HttpClient SandboxClient { get; }
    public PamojaFactory App { get; }
    public Uri AppUrl { get; }

    /// Settings for the sandbox (its delays) and the app; each test may add its own.
    /// clock: the app's (a TestClock for engine runs); the sandbox keeps real time.
    public static async Task<PaymentsApp> StartAsync(IDictionary<string, string?>? sandboxSettings = null, IDictionary<string, string?>? appSettings = null,
        bool worker = true, TimeProvider? clock = null)
    {
        var sandbox = SandboxApp.Build(["--urls", "http://127.0.0.1:0"], b =>
        {
            foreach (var (key, value) in SandboxDefaults) b.Configuration[key] = value;
            foreach (var (key, value) in sandboxSettings ?? new Dictionary<string, string?>()) b.Configuration[key] = value;
        });
        await sandbox.StartAsync();
        var sandboxUrl = SandboxApp.BoundAddress(sandbox);

        await PamojaFactory.SharedAsync(); // the shared database is migrated first
        var port = LocalPorts.Free();
        var appUrl = new Uri($"http://127.0.0.1:{port}/");
        var settings = new Dictionary<string, string?>
        {
            ["Payments:CallbackBaseUrl"] = appUrl.ToString(),
            // Tests with a fake clock move it by weeks: their sign-ins must outlive that.
            ["Accounts:BearerTokenLifetime"] = "400.00:00:00",
            ["Payments:WorkerEnabled"] = worker ? "true" : "false",
            ["Payments:PollInterval"] = "00:00:00.100",
            ["Payments:FirstCheckAfter"] = "00:00:01",
            ["Payments:MaxCheckInterval"] = "00:00:01",
            ["Payments:ReconcileEvery"] = "01:00:00",
            // SMS (invitations, receipts) go to the shared sandbox, where TestData reads them.
            ["AfricasTalking:BaseUrl"] = (await SandboxHost.UrlAsync()).ToString(),
            ["Mpesa:Timeout"] = "00:00:01.500",
            ["Momo:Timeout"] = "00:00:01.500",
        };
        foreach (var (key, value) in appSettings ?? new Dictionary<string, string?>()) settings[key] = value;
        var app = new PamojaFactory(sandboxUrl, clock, settings);
        app.UseKestrel(port);
        app.BaseAddress = appUrl;
        app.StartServer();
        return new PaymentsApp(sandbox, sandboxUrl, app, appUrl);
    }

    public static readonly IReadOnlyDictionary<string, string?> SandboxDefaults = new Dictionary<string, string?>
    {
        ["Mpesa:CallbackDelay"] = "00:00:00.050",
        ["Mpesa:LateCallbackDelay"] = "00:00:02.500",
        ["Mpesa:AmbiguousDelay"] = "00:00:03",
        ["Mpesa:StkExpiry"] = "00:00:01.500",
        ["Momo:OutcomeDelay"] = "00:00:00.050",
        ["Momo:LateCallbackDelay"] = "00:00:02.500",
        ["Momo:AmbiguousDelay"] = "00:00:03",
        ["Momo:DelayedOutcomeDelay"] = "00:00:02",
    };

    public T Service<T>() where T : notnull => App.Services.GetRequiredService<T>();

    /// Waits until the payment reaches a final status (or the deadline), then returns it.
    public async Task<PaymentView> SettledAsync(Guid paymentId, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(20));
        var queries = new PaymentQueries(Service<NpgsqlDataSource>());
        while (true)
        {
            var payment = await queries.GetAsync(paymentId, CancellationToken.None) ?? throw new InvalidOperationException($"No payment {paymentId}.");
            if (payment.Status is "succeeded" or "failed" || DateTime.UtcNow > deadline) return payment;
            await Task.Delay(50);
        }
    }

    /// Waits until the condition holds (or the deadline), polling the database.
    public static async Task<bool> EventuallyAsync(Func<Task<bool>> condition, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(20));
        while (DateTime.UtcNow < deadline)
        {
            if (await condition()) return true;
            await Task.Delay(50);
        }
        return await condition();
    }

    public async ValueTask DisposeAsync()
    {
        SandboxClient.Dispose();
        await App.DisposeAsync();
        await Sandbox.StopAsync();
        await Sandbox.DisposeAsync();
    }
}

/// Test classes that start a PaymentsApp run one after another: every app's payments worker
/// claims any due payment in the shared database (as production instances rightly do), so two
/// live apps with different sandboxes, callback addresses and clocks would send each other's
/// payments, and a test that ends would strand the payments its app had claimed.
[CollectionDefinition(Name)]
public sealed class PaymentsCollection
{
    public const string Name = "payments";
}
