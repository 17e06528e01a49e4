namespace Pamoja.Web.Jobs;

public static class JobsModule
{
    /// The queue, and the worker that runs the registered IJobHandlers (Jobs:* settings). The
    /// worker is a hosted service and also a singleton, for DrainAsync. Calling this twice
    /// registers nothing twice.
    public static WebApplicationBuilder AddJobs(this WebApplicationBuilder builder)
    {
        if (builder.Services.Any(d => d.ServiceType == typeof(JobQueue)))
            return builder;
        builder.Services.Configure<JobOptions>(builder.Configuration.GetSection("Jobs"));
        builder.Services.AddSingleton<JobQueue>();
        builder.Services.AddSingleton<JobWorker>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<JobWorker>());
        return builder;
    }
}
