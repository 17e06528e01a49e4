using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Pamoja.Web.Features.Schedules;
using Pamoja.Web.Jobs;

namespace Pamoja.Bench.Engines;

/// One app instance as far as the engines go: its own service provider and its own pooled data
/// source (DataModule.CreateDataSource, as AddData builds it), with the services registered as
/// AddJobs and AddSchedules register them — JobQueue, JobWorker, RunGroupEngines, DailyEngines,
/// EngineJobHandler — and Jobs:Concurrency as given. Logging has no providers (the app logs one
/// line per group run at Information; that cost is not measured). No hosted service runs: the
/// benchmark calls the engines itself.
public sealed class EngineInstance : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    public NpgsqlDataSource DataSource { get; }
    public DailyEngines Engines => _services.GetRequiredService<DailyEngines>();
    public JobWorker Worker => _services.GetRequiredService<JobWorker>();

    public EngineInstance(BenchServer server, string database, string name, int concurrency)
    {
        DataSource = server.DataSource(database, name);
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddOptions();
        services.Configure<JobOptions>(o => o.Concurrency = concurrency);
        services.AddSingleton(DataSource);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<JobQueue>();
        services.AddSingleton<JobWorker>();
        services.AddSingleton<RunGroupEngines>();
        services.AddSingleton<DailyEngines>();
        services.AddSingleton<IJobHandler, EngineJobHandler>();
        _services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        await DataSource.DisposeAsync();
    }
}
