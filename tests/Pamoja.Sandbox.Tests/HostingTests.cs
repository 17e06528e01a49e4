using System.Net;

namespace Pamoja.Sandbox.Tests;

public sealed class HostingTests
{
    [Fact]
    public async Task PamojaSandboxUrlIsUsedWhenNoUrlsArgumentIsGiven()
    {
        // Configuration also reads the PAMOJA_SANDBOX_URL environment variable; passing it as an
        // argument avoids changing this process's environment under parallel tests.
        var app = SandboxApp.Build(["--PAMOJA_SANDBOX_URL=http://127.0.0.1:0"]);
        await app.StartAsync();
        try
        {
            var address = SandboxApp.BoundAddress(app);
            Assert.Equal("127.0.0.1", address.Host);
            Assert.NotEqual(0, address.Port);
            Assert.NotEqual(5001, address.Port);
            using var client = new HttpClient { BaseAddress = address };
            using var health = await client.GetAsync("/health");
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    [Fact]
    public async Task UrlsArgumentWinsOverPamojaSandboxUrl()
    {
        var app = SandboxApp.Build(["--urls", "http://127.0.0.1:0", "--PAMOJA_SANDBOX_URL=http://localhost:5999"]);
        await app.StartAsync();
        try
        {
            var address = SandboxApp.BoundAddress(app);
            Assert.Equal("127.0.0.1", address.Host);
            Assert.NotEqual(5999, address.Port);
            Assert.Single(app.Urls);
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
