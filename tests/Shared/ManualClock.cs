namespace Pamoja.Tests.Shared;

// A clock the test moves by hand, with timers that fire when it passes their due time, so the
// sandbox's delays (outcome, late callback, ambiguous answer, token expiry) can be crossed
// exactly and instantly: "still PENDING" and "now final" are facts of the clock, not races.
internal sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private readonly Lock _gate = new();
    private readonly List<Timer> _timers = [];
    private DateTimeOffset _now = start;

    public ManualClock() : this(new DateTimeOffset(2025, 3, 1, 9, 0, 0, TimeSpan.Zero))
    {
    }

    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate) return _now;
    }

    /// Runs once, as the next timer is armed (then cleared): lets a test move the clock at the
    /// worst moment for code that reads the clock and then arms a timer relative to it.
    public Action? OnNextTimer
    {
        get => Volatile.Read(ref _onNextTimer);
        set => Volatile.Write(ref _onNextTimer, value);
    }

    private Action? _onNextTimer;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        Interlocked.Exchange(ref _onNextTimer, null)?.Invoke();
        var timer = new Timer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    public void Advance(TimeSpan by)
    {
        lock (_gate) _now += by;
        FireDue();
    }

    private void FireDue()
    {
        while (true)
        {
            Timer? due;
            lock (_gate)
            {
                due = _timers.Where(t => t.DueAt <= _now).OrderBy(t => t.DueAt).FirstOrDefault();
                if (due is null) return;
                if (due.Period is { } period) due.DueAt += period;
                else _timers.Remove(due);
            }
            // On the pool, as real timers fire: continuations must not run inside Advance.
            ThreadPool.QueueUserWorkItem(_ => due.Callback(due.State));
        }
    }

    private sealed class Timer(ManualClock clock, TimerCallback callback, object? state) : ITimer
    {
        public TimerCallback Callback { get; } = callback;
        public object? State { get; } = state;
        public DateTimeOffset DueAt { get; set; }
        public TimeSpan? Period { get; private set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (clock._gate)
            {
                clock._timers.Remove(this);
                if (dueTime == Timeout.InfiniteTimeSpan) return true;
                DueAt = clock._now + dueTime;
                Period = period == Timeout.InfiniteTimeSpan || period == TimeSpan.Zero ? null : period;
                clock._timers.Add(this);
            }
            clock.FireDue();
            return true;
        }

        public void Dispose()
        {
            lock (clock._gate) clock._timers.Remove(this);
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
