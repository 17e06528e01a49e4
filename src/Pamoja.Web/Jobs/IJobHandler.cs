namespace Pamoja.Web.Jobs;

/// One claimed job, as its handler receives it. Attempt counts from 1; LeaseToken proves the
/// claim, and CompleteCommand checks it, so a handler whose lease ran out and was taken over
/// cannot also finish the job.
public sealed record JobClaim(Guid Id, string Kind, Guid? GroupId, string Payload, int Attempt, Guid LeaseToken);

/// Runs the jobs of one kind. Registered in DI as IJobHandler (several, one per kind; any
/// lifetime: each job runs in its own scope). A handler that writes to the database should add
/// JobQueue.CompleteCommand(job) to its own transaction, first, and roll back unless it affected
/// exactly one row: then the effect and the "done" mark commit together or not at all. An
/// exception fails the attempt; the job is retried with backoff and ends as 'dead'.
public interface IJobHandler
{
    string Kind { get; }

    Task HandleAsync(JobClaim job, CancellationToken ct);
}
