using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Pamoja.Sandbox.Inbox;
using Pamoja.Sandbox.Messages;
using Pamoja.Sandbox.Providers.AfricasTalking;
using Pamoja.Sandbox.Providers.Mpesa;
using Pamoja.Sandbox.Providers.Momo;
using Pamoja.Sandbox.Providers.Twilio;

namespace Pamoja.Sandbox;

// Composition only: each area registers and maps itself, so adding Daraja, MoMo or Twilio is
// one Add.../Map... pair here plus a folder under Providers/.
public static class SandboxApp
{
    public const string DefaultUrl = "http://localhost:5001";

    // Tests pass `configure` to override configuration or services before the app is built,
    // then start it on Kestrel (`--urls http://127.0.0.1:0`) and read the port back.
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(args);

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            // Pinned so the app behaves the same when hosted by a test runner's process.
            ApplicationName = typeof(SandboxApp).Assembly.GetName().Name,
        });

        // `--urls` wins; otherwise PAMOJA_SANDBOX_URL, so the demo scripts and the web app agree
        // on one variable. ASPNETCORE_URLS is deliberately not consulted: container images set
        // it globally and it would silently move the sandbox.
        if (!HasUrlsArgument(args))
        {
            builder.WebHost.UseUrls(builder.Configuration["PAMOJA_SANDBOX_URL"] ?? DefaultUrl);
        }

        // One JSON object per line, so `jq` and log shippers can read it. There is no
        // appsettings.json (it would collide with Pamoja.Web's when tests reference both
        // projects), so the template's usual quieting of per-request framework logs lives here.
        builder.Logging.AddJsonConsole();
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Information);

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSandboxMessages();
        builder.Services.AddPhonePage();
        builder.Services.AddAfricasTalking(builder.Configuration);
        builder.Services.AddMpesa(builder.Configuration);
        builder.Services.AddMomo(builder.Configuration);
        builder.Services.AddTwilio(builder.Configuration);

        configure?.Invoke(builder);

        var app = builder.Build();
        app.MapGet("/health", () => Results.Json(new { status = "healthy" }));
        app.MapInbox();
        app.MapPhonePage();
        app.MapSandboxMessagesApi();
        app.MapAfricasTalking();
        app.MapMpesa();
        app.MapMomo();
        app.MapTwilio();
        return app;
    }

    // The first address Kestrel actually bound (the real port when started on port 0).
    public static Uri BoundAddress(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses;
        var first = addresses?.FirstOrDefault()
            ?? throw new InvalidOperationException("The sandbox has no bound address; call StartAsync first.");
        return new Uri(first);
    }

    private static bool HasUrlsArgument(string[] args) =>
        args.Any(a => a.Equals("--urls", StringComparison.OrdinalIgnoreCase)
                   || a.StartsWith("--urls=", StringComparison.OrdinalIgnoreCase));
}
