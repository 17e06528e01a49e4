using System.Globalization;
using Pamoja.Web.Features.Accounts;
using Pamoja.Web.Http;

namespace Pamoja.Web.Jobs;

/// The operator's view of the queue: what is dead (and why), and a retry for it.
public static class JobsAdminApi
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 500;

    private const string MappedKey = "Pamoja.Jobs.AdminApiMapped";

    /// Maps the routes once, however often it is called.
    public static WebApplication MapJobsAdminApi(this WebApplication app)
    {
        var properties = ((IApplicationBuilder)app).Properties;
        if (properties.ContainsKey(MappedKey))
            return app;
        properties[MappedKey] = true;

        var jobs = app.MapGroup("/api/v1/admin/jobs").WithTags("Jobs").RequireAuthorization(AccountsModule.OperatorPolicy);
        jobs.MapGet("", List);
        jobs.MapPost("/{jobId:guid}/retry", Retry);
        return app;
    }

    /// GET /api/v1/admin/jobs?status=dead&limit=100: newest-changed first.
    private static async Task<IResult> List(string? status, string? limit, JobQueue queue, CancellationToken ct)
    {
        var errors = new FieldErrors();
        if (status is not null && !JobQueue.Statuses.Contains(status))
            errors.Add("status", $"status must be one of {string.Join(", ", JobQueue.Statuses)}.");
        var take = DefaultLimit;
        if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out take) || take < 1 || take > MaxLimit))
            errors.Add("limit", $"limit must be a whole number from 1 to {MaxLimit}.");
        if (errors.Any)
            return errors.ToProblem();
        return Results.Ok(await queue.ListAsync(status, take, ct));
    }

    /// POST /api/v1/admin/jobs/{jobId}/retry: a dead job runs again with fresh attempts.
    private static async Task<IResult> Retry(Guid jobId, JobQueue queue, CancellationToken ct)
    {
        if (await queue.RetryAsync(jobId, ct))
            return Results.NoContent();
        return await queue.GetAsync(jobId, ct) is { } job
            ? ApiProblems.Status(StatusCodes.Status409Conflict, "Job not dead", $"Only a dead job can be retried; this one is {job.Status}.")
            : ApiProblems.Status(StatusCodes.Status404NotFound, "Job not found");
    }
}
