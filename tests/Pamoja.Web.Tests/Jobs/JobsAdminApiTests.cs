using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Pamoja.Web.Features.Accounts;
using Pamoja.Web.Jobs;
using Pamoja.Web.Tests.Infrastructure;

namespace Pamoja.Web.Tests.Jobs;

/// The operator's endpoints in the real app (operator only, validated queries, 404/409 on
/// retry), and the runner wired into the app: the hosted worker runs registered handlers.
public sealed class JobsAdminApiTests : IAsyncLifetime
{
    private PamojaFactory _app = null!;

    public async Task InitializeAsync() => _app = await PamojaFactory.SharedAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    private JobQueue Queue => _app.Services.GetRequiredService<JobQueue>();

    /// A dead job of a kind no handler in the app knows (so the app's worker leaves it alone).
    private async Task<(Guid Id, string Kind, Guid GroupId)> DeadJobAsync()
    {
        var kind = $"test.admin.{Guid.NewGuid():N}";
        var groupId = Guid.NewGuid();
        Assert.Equal(1, await Queue.EnqueueAsync([(kind, kind, groupId, """{"secret": "not for the list"}""")], default));
        var claim = Assert.Single(await Queue.ClaimAsync([kind], 1, TimeSpan.FromMinutes(5), "test", default));
        for (var attempt = 1; ; attempt++)
        {
            if (await Queue.FailAsync(claim, new InvalidOperationException("the engine broke"), default) == JobFailure.Dead) break;
            await GroupData.ExecuteAsync("UPDATE jobs SET run_after = now() - interval '1 second' WHERE id = $1", claim.Id);
            claim = Assert.Single(await Queue.ClaimAsync([kind], 1, TimeSpan.FromMinutes(5), "test", default));
        }
        return (claim.Id, kind, groupId);
    }

    [Fact]
    public async Task The_operator_lists_dead_jobs_with_their_error_and_retries_one()
    {
        var job = await DeadJobAsync();
        var op = await TestData.OperatorAsync(_app);

        var response = await op.GetAsync("/api/v1/admin/jobs?status=dead&limit=500");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var listed = (await response.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray().Single(j => j.GetProperty("id").GetGuid() == job.Id);
        Assert.Equal(job.Kind, listed.GetProperty("kind").GetString());
        Assert.Equal(job.GroupId, listed.GetProperty("groupId").GetGuid());
        Assert.Equal("dead", listed.GetProperty("status").GetString());
        Assert.Equal(JobQueue.DefaultMaxAttempts, listed.GetProperty("attempts").GetInt32());
        Assert.Equal(JobQueue.DefaultMaxAttempts, listed.GetProperty("maxAttempts").GetInt32());
        Assert.Equal("InvalidOperationException: the engine broke", listed.GetProperty("lastError").GetString());
        foreach (var field in new[] { "runAfter", "createdAt", "updatedAt" })
            Assert.True(listed.GetProperty(field).TryGetDateTimeOffset(out _), field);
        Assert.False(listed.TryGetProperty("payload", out _));

        // Every listed job has the status asked for, and the limit holds.
        var dead = await op.GetFromJsonAsync<JsonElement>("/api/v1/admin/jobs?status=dead");
        Assert.All(dead.EnumerateArray(), j => Assert.Equal("dead", j.GetProperty("status").GetString()));
        Assert.Single((await op.GetFromJsonAsync<JsonElement>("/api/v1/admin/jobs?limit=1")).EnumerateArray());

        Assert.Equal(HttpStatusCode.NoContent, (await op.PostAsync($"/api/v1/admin/jobs/{job.Id}/retry", null)).StatusCode);
        var retried = await Queue.GetAsync(job.Id, default);
        Assert.Equal(("queued", 0), (retried!.Status, retried.Attempts));
        Assert.DoesNotContain((await op.GetFromJsonAsync<JsonElement>("/api/v1/admin/jobs?status=dead&limit=500")).EnumerateArray(),
            j => j.GetProperty("id").GetGuid() == job.Id);
        Assert.Contains((await op.GetFromJsonAsync<JsonElement>("/api/v1/admin/jobs?status=queued&limit=500")).EnumerateArray(),
            j => j.GetProperty("id").GetGuid() == job.Id);

        // No longer dead: a second retry is a conflict.
        var again = await op.PostAsync($"/api/v1/admin/jobs/{job.Id}/retry", null);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal(409, (await TestData.ProblemAsync(again)).GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task Retrying_an_unknown_job_is_404()
    {
        var op = await TestData.OperatorAsync(_app);
        var response = await op.PostAsync($"/api/v1/admin/jobs/{Guid.NewGuid()}/retry", null);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(404, (await TestData.ProblemAsync(response)).GetProperty("status").GetInt32());
        Assert.Equal(HttpStatusCode.NotFound, (await op.PostAsync("/api/v1/admin/jobs/not-a-guid/retry", null)).StatusCode);
    }

    [Theory]
    [InlineData("status=failed", "status")]
    [InlineData("status=DEAD", "status")]
    [InlineData("status=", "status")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=501", "limit")]
    [InlineData("limit=-1", "limit")]
    [InlineData("limit=ten", "limit")]
    [InlineData("limit=99999999999999999999", "limit")]
    [InlineData("status=dead&limit=1.5", "limit")]
    public async Task Bad_queries_are_400_problems_naming_the_field(string query, string field)
    {
        var op = await TestData.OperatorAsync(_app);
        var response = await op.GetAsync($"/api/v1/admin/jobs?{query}");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await TestData.ProblemAsync(response);
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task Only_operators_reach_the_endpoints()
    {
        var job = await DeadJobAsync();

        var anonymous = _app.ApiClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/v1/admin/jobs?status=dead")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync($"/api/v1/admin/jobs/{job.Id}/retry", null)).StatusCode);

        var member = _app.ApiClient();
        await TestData.SignedInAsync(member);
        Assert.Equal(HttpStatusCode.Forbidden, (await member.GetAsync("/api/v1/admin/jobs?status=dead")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await member.PostAsync($"/api/v1/admin/jobs/{job.Id}/retry", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await member.GetAsync("/api/v1/admin/jobs?status=nonsense")).StatusCode); // refused before validation

        Assert.Equal("dead", (await Queue.GetAsync(job.Id, default))!.Status); // the refused retry changed nothing
    }

    [Fact]
    public void The_app_registers_one_worker_that_is_both_hosted_and_resolvable()
    {
        var worker = _app.Services.GetRequiredService<JobWorker>();
        Assert.Same(worker, Assert.Single(_app.Services.GetServices<IHostedService>().OfType<JobWorker>()));
        Assert.Same(Queue, _app.Services.GetRequiredService<JobQueue>());
    }

    /// The app with one more handler (any lifetime) and Jobs:* settings.
    private static async Task<(PamojaFactory Factory, WebApplicationFactory<Program> App)> AppWithAsync(IJobHandler handler, bool scoped, params (string Key, string Value)[] settings)
    {
        await PamojaFactory.SharedAsync(); // the database is migrated
        var factory = new PamojaFactory(await SandboxHost.UrlAsync(), settings: settings.ToDictionary(s => s.Key, s => (string?)s.Value));
        var app = factory.WithWebHostBuilder(b => b.ConfigureTestServices(services =>
        {
            if (scoped) services.AddScoped(_ => handler);
            else services.AddSingleton(handler);
        }));
        _ = app.Server;
        return (factory, app);
    }

    [Fact]
    public async Task The_apps_worker_runs_the_registered_handlers()
    {
        var kind = $"test.app.polled.{Guid.NewGuid():N}";
        var done = new TaskCompletionSource<JobClaim>(TaskCreationOptions.RunContinuationsAsynchronously);
        var (factory, app) = await AppWithAsync(new TestHandler(kind, (job, _) => { done.TrySetResult(job); return Task.CompletedTask; }), scoped: false,
            ("Jobs:PollSeconds", "0.1"));
        await using var owner = factory;
        var queue = app.Services.GetRequiredService<JobQueue>();

        Assert.Equal(1, await queue.EnqueueAsync([(kind, kind, null, """{"hello": "world"}""")], default));
        var ran = await done.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("world", JsonDocument.Parse(ran.Payload).RootElement.GetProperty("hello").GetString());
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await queue.GetAsync(ran.Id, default))!.Status != "done" && DateTime.UtcNow < deadline)
            await Task.Delay(50);
        Assert.Equal("done", (await queue.GetAsync(ran.Id, default))!.Status);
    }

    [Fact]
    public async Task With_Jobs_Enabled_false_the_app_polls_nothing_and_DrainAsync_runs_the_jobs()
    {
        var kind = $"test.app.drained.{Guid.NewGuid():N}";
        var handler = new TestHandler(kind, (_, _) => Task.CompletedTask);
        var (factory, app) = await AppWithAsync(handler, scoped: true, ("Jobs:Enabled", "false"), ("Jobs:PollSeconds", "0.1"));
        await using var owner = factory;
        var queue = app.Services.GetRequiredService<JobQueue>();
        var worker = app.Services.GetRequiredService<JobWorker>();
        await worker.ExecuteTask!.WaitAsync(TimeSpan.FromSeconds(30)); // disabled: its loop has ended

        Assert.Equal(3, await queue.EnqueueAsync([(kind, kind + ":1", null, "{}"), (kind, kind + ":2", null, "{}"), (kind, kind + ":3", null, "{}")], default));
        Assert.Empty(handler.Seen);
        Assert.Equal(new DrainResult(3, 0, 0), await worker.DrainAsync([kind], default));
        Assert.Equal(3, await GroupData.CountAsync("SELECT count(*) FROM jobs WHERE kind = $1 AND status = 'done'", kind));
    }
}
