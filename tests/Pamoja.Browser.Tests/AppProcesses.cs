using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Playwright;
using Npgsql;

namespace Pamoja.Browser.Tests;

/// The sandbox and the web app as real processes (exactly what `./pamoja run` starts) on free
/// loopback ports, a fresh database, and one headless Chromium; shared by the browser tests.
public sealed class AppProcesses : IAsyncLifetime
{
    private readonly List<Process> _processes = [];
    private string _database = "";
    private string _serverConnectionString = "";

    public Uri WebUrl { get; private set; } = null!;
    public Uri SandboxUrl { get; private set; } = null!;
    public IPlaywright Playwright { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;

    public static string ArtifactsDirectory { get; } = Path.Combine(RepoRoot(), ".pamoja", "test-results", "screenshots");

    public async Task InitializeAsync()
    {
        _serverConnectionString = ToConnectionString(Environment.GetEnvironmentVariable("PAMOJA_DATABASE_URL") is { Length: > 0 } url
            ? url : "postgres://pamoja:pamoja@localhost:5432/pamoja?sslmode=disable");
        _database = $"pamoja_browser_{DateTime.UtcNow:yyyyMMddHHmmss}_{Guid.NewGuid().ToString("N")[..6]}";
        await using (var admin = new NpgsqlConnection(_serverConnectionString))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{_database}\"", admin);
            await create.ExecuteNonQueryAsync();
        }
        var databaseUrl = new NpgsqlConnectionStringBuilder(_serverConnectionString) { Database = _database }.ConnectionString;

        SandboxUrl = new Uri($"http://127.0.0.1:{FreePort()}");
        WebUrl = new Uri($"http://127.0.0.1:{FreePort()}");
        var root = RepoRoot();
        // Our own output is tests/Pamoja.Browser.Tests/bin/<Configuration>/net10.0/: run the apps built the same way.
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/')).Parent!.Name;
        Start(Path.Combine(root, "src", "Pamoja.Sandbox", "bin", configuration, "net10.0", "Pamoja.Sandbox.dll"), SandboxUrl, new());
        Start(Path.Combine(root, "src", "Pamoja.Web", "bin", configuration, "net10.0", "Pamoja.Web.dll"), WebUrl, new()
        {
            ["PAMOJA_DATABASE_URL"] = databaseUrl,
            ["PAMOJA_SANDBOX_URL"] = SandboxUrl.ToString(),
            ["PAMOJA_URL"] = WebUrl.ToString(),
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
        });
        await WaitHealthyAsync(SandboxUrl);
        await WaitHealthyAsync(WebUrl);

        Directory.CreateDirectory(ArtifactsDirectory);
        Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        Browser = await Playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Environment.GetEnvironmentVariable("PAMOJA_CHROMIUM") ?? "/usr/bin/chromium",
            Headless = true,
            // The machine has no network but loopback: stop Chromium phoning home at start-up.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        Playwright?.Dispose();
        foreach (var process in _processes)
        {
            try { if (!process.HasExited) process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            await process.WaitForExitAsync();
            process.Dispose();
        }
        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(_serverConnectionString);
        await admin.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_database}\" WITH (FORCE)", admin);
        await drop.ExecuteNonQueryAsync();
    }

    /// A phone-sized page (360 × 740, touch) that writes its screenshots to the artifacts folder.
    public async Task<IPage> PhonePageAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = WebUrl.ToString(),
            ViewportSize = new ViewportSize { Width = 360, Height = 740 },
            IsMobile = true,
            HasTouch = true,
            Locale = "en-KE",
        });
        return await context.NewPageAsync();
    }

    public static Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ArtifactsDirectory, name + ".png"), FullPage = true });

    private void Start(string dll, Uri url, Dictionary<string, string> environment)
    {
        if (!File.Exists(dll)) throw new FileNotFoundException($"{dll} is missing: build the solution first.", dll);
        var start = new ProcessStartInfo("dotnet", [dll, "--urls", url.ToString()])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        foreach (var (key, value) in environment) start.Environment[key] = value;
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _processes.Add(process);
    }

    private async Task WaitHealthyAsync(Uri url)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (_processes.Any(p => p.HasExited))
                throw new InvalidOperationException($"A process exited during start-up (waiting for {url}).");
            try
            {
                if ((await http.GetAsync(new Uri(url, "/health"))).StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(200);
        }
        throw new TimeoutException($"{url} did not become healthy within 60 seconds.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Pamoja.slnx"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Cannot find the repository root (Pamoja.slnx).");
    }

    private static string ToConnectionString(string url)
    {
        if (!url.StartsWith("postgres", StringComparison.OrdinalIgnoreCase)) return url;
        var uri = new Uri(url);
        var user = uri.UserInfo.Split(':', 2);
        return new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host,
            Port = uri.Port > 0 ? uri.Port : 5432,
            Database = uri.AbsolutePath.TrimStart('/'),
            Username = Uri.UnescapeDataString(user[0]),
            Password = user.Length > 1 ? Uri.UnescapeDataString(user[1]) : null,
        }.ConnectionString;
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<AppProcesses>
{
    public const string Name = "browser";
}
