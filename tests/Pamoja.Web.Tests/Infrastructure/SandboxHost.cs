using Pamoja.Sandbox;

namespace Pamoja.Web.Tests.Infrastructure;

/// The provider sandbox, started once per test run on a real loopback port: the app reaches it
/// over real HTTP in the providers' wire formats, exactly as in the demo.
public static class SandboxHost
{
    private static readonly Lazy<Task<(WebApplication App, Uri Url)>> Started = new(async () =>
    {
        var app = SandboxApp.Build(["--urls", "http://127.0.0.1:0"]);
        await app.StartAsync();
        return (app, SandboxApp.BoundAddress(app));
    });

    public static async Task<Uri> UrlAsync() => (await Started.Value).Url;
}
