using Pamoja.Web.Data;
using Pamoja.Web.Features.Demo;

namespace Pamoja.Web;

/// The verbs the ./pamoja script (and operators) call on the built app.
public static class PamojaCli
{
    public static readonly string[] Verbs = ["serve", "migrate", "seed-demo"];

    public static (string Verb, string[] HostArgs) SplitVerb(string[] args) =>
        args.Length > 0 && !args[0].StartsWith('-') ? (args[0], args[1..]) : ("serve", args);

    public static async Task<int> RunAsync(WebApplication app, string verb)
    {
        try
        {
            switch (verb)
            {
                case "serve":
                    await app.RunAsync();
                    return 0;
                case "migrate":
                    var applied = await Migrate(app);
                    Console.WriteLine(applied.Count == 0 ? "Database is up to date." : $"Applied {applied.Count} migration(s): {string.Join(", ", applied)}");
                    return 0;
                case "seed-demo":
                    await Migrate(app);
                    await using (var scope = app.Services.CreateAsyncScope())
                    {
                        var lines = await scope.ServiceProvider.GetRequiredService<DemoSeed>().RunAsync();
                        if (lines.Count > 0)
                        {
                            Console.WriteLine($"Demo logins (password: {DemoSeed.DemoPassword}):");
                            foreach (var line in lines) Console.WriteLine(line);
                        }
                        else
                        {
                            Console.WriteLine("The database already had accounts; no demo data added.");
                        }
                    }
                    return 0;
                default:
                    await Console.Error.WriteLineAsync($"Unknown command '{verb}'. Known: {string.Join(", ", Verbs)}.");
                    return 2;
            }
        }
        catch (Exception ex) when (Unwrap(ex) is MigrationFailedException failed)
        {
            // The app refuses to start on a broken schema, and says which file and why.
            await Console.Error.WriteLineAsync("Pamoja cannot start: " + failed.Message);
            return 1;
        }
    }

    private static Task<IReadOnlyList<string>> Migrate(WebApplication app) =>
        app.Services.GetRequiredService<MigrationRunner>().ApplyAsync(Migration.Embedded());

    private static Exception Unwrap(Exception ex) =>
        ex is AggregateException { InnerExceptions.Count: 1 } agg ? Unwrap(agg.InnerExceptions[0]) : ex;
}
