namespace Pamoja.Sandbox.Providers.Momo;

public sealed record MomoCallbackJob(MomoProduct Product, Guid ReferenceId, Uri Url, DateTimeOffset DueAt);

// Callbacks waiting for their time. Due times are not in arrival order (a late callback is
// queued before later ordinary ones fall due), so this is a priority queue by due time, ties in
// arrival order, and the sender is woken whenever something new may be due sooner.
public sealed class MomoCallbackOutbox
{
    // Beyond this the oldest-queued are not dropped (they are the ones due soonest): new ones are.
    public const int Capacity = 100_000;

    private readonly Lock _gate = new();
    private readonly PriorityQueue<MomoCallbackJob, (DateTimeOffset DueAt, long Sequence)> _queue = new();
    private long _sequence;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Schedule(MomoTransaction transaction, Uri url, DateTimeOffset outcomeAt, TimeSpan lateDelay)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        ArgumentNullException.ThrowIfNull(url);
        var (copies, dueAt) = transaction.Plan.Callbacks switch
        {
            MomoCallbackPlan.Once => (1, outcomeAt),
            MomoCallbackPlan.Duplicated => (MomoScripts.DuplicateCallbackCount, outcomeAt),
            MomoCallbackPlan.Late => (1, outcomeAt + lateDelay),
            _ => (0, outcomeAt),
        };
        for (var i = 0; i < copies; i++)
        {
            Enqueue(new MomoCallbackJob(transaction.Product, transaction.ReferenceId, url, dueAt));
        }
    }

    public void Enqueue(MomoCallbackJob job)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            if (_queue.Count >= Capacity)
            {
                return;
            }
            _queue.Enqueue(job, (job.DueAt, _sequence++));
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        changed.TrySetResult();
    }

    // The next job if it is due; otherwise when the next one falls due (null: none queued) and
    // a task that completes when the queue changes.
    public MomoCallbackJob? TakeDue(DateTimeOffset now, out DateTimeOffset? nextDue, out Task changed)
    {
        lock (_gate)
        {
            changed = _changed.Task;
            nextDue = null;
            if (!_queue.TryPeek(out var job, out var priority))
            {
                return null;
            }
            if (priority.DueAt > now)
            {
                nextDue = priority.DueAt;
                return null;
            }
            _queue.Dequeue();
            return job;
        }
    }
}
