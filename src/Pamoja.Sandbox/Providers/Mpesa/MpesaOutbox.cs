namespace Pamoja.Sandbox.Providers.Mpesa;

// One piece of work for the callback sender: post a callback, or run the C2B
// validation-then-confirmation exchange. Built when the request is accepted, run when due.
public sealed record MpesaCallbackJob(DateTimeOffset DueAt, string Description, Func<MpesaCallbackPoster, CancellationToken, Task> Run);

// Callbacks waiting for their time. Unlike Africa's Talking's reports, delays differ (a late
// callback must not hold back a normal one), so this is a queue ordered by due time, not a FIFO.
// Bounded, dropping the latest job, so a demo left running cannot hoard memory.
public sealed class MpesaOutbox(TimeProvider time)
{
    public const int Capacity = 10_000;

    private readonly PriorityQueue<MpesaCallbackJob, (DateTimeOffset DueAt, long Sequence)> _queue = new();
    private readonly Lock _gate = new();
    private long _sequence;
    private TaskCompletionSource _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _queue.Count;
            }
        }
    }

    public bool Schedule(TimeSpan delay, string description, Func<MpesaCallbackPoster, CancellationToken, Task> run)
    {
        var job = new MpesaCallbackJob(time.GetUtcNow() + delay, description, run);
        TaskCompletionSource wake;
        lock (_gate)
        {
            if (_queue.Count >= Capacity)
            {
                return false;
            }
            _queue.Enqueue(job, (job.DueAt, _sequence++));
            wake = _wake;
            _wake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        wake.TrySetResult();
        return true;
    }

    // The next due job, or when the next one falls due (null: the queue is empty), and a task
    // that completes when something new is scheduled.
    public MpesaCallbackJob? TakeDue(out DateTimeOffset? nextDue, out Task scheduled)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            scheduled = _wake.Task;
            if (_queue.TryPeek(out var job, out var priority))
            {
                if (priority.DueAt <= now)
                {
                    _queue.Dequeue();
                    nextDue = null;
                    return job;
                }
                nextDue = priority.DueAt;
                return null;
            }
            nextDue = null;
            return null;
        }
    }
}
