using Pamoja.Sandbox.Timing;

namespace Pamoja.Sandbox.Tests.Timing;

// ClockWait.UntilAsync on the tests' hand-driven clock, moved at the worst moment: after the wait
// has read the clock and before its timer is armed (ManualClock.OnNextTimer runs exactly there).
public sealed class ClockWaitTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Ends_when_the_clock_reaches_the_deadline_and_not_before()
    {
        var clock = new ManualClock();
        var deadline = clock.GetUtcNow() + TimeSpan.FromSeconds(40);

        var wait = clock.UntilAsync(deadline, CancellationToken.None);
        clock.Advance(TimeSpan.FromSeconds(39));
        await Task.Delay(50);
        Assert.False(wait.IsCompleted, "one second short of the deadline");

        clock.Advance(TimeSpan.FromSeconds(1));
        await wait.WaitAsync(Bound);
    }

    [Fact]
    public async Task A_jump_past_the_deadline_while_the_timer_is_armed_ends_the_wait()
    {
        // Task.Delay alone arms a 40 s timer from the moved clock here, and it never fires.
        var clock = new ManualClock();
        var deadline = clock.GetUtcNow() + TimeSpan.FromSeconds(40);
        clock.OnNextTimer = () => clock.Advance(TimeSpan.FromSeconds(45));

        await clock.UntilAsync(deadline, CancellationToken.None).WaitAsync(Bound);
        Assert.Null(clock.OnNextTimer);
    }

    [Fact]
    public async Task A_jump_short_of_the_deadline_while_the_timer_is_armed_still_ends_it_at_the_deadline()
    {
        // Armed from the moved clock, the timer would fire 5 s late, after the clock's last move.
        var clock = new ManualClock();
        var deadline = clock.GetUtcNow() + TimeSpan.FromSeconds(40);
        clock.OnNextTimer = () => clock.Advance(TimeSpan.FromSeconds(5));

        var wait = clock.UntilAsync(deadline, CancellationToken.None);
        Assert.Null(clock.OnNextTimer);
        clock.Advance(TimeSpan.FromSeconds(35));

        await wait.WaitAsync(Bound);
    }

    [Fact]
    public async Task A_deadline_already_passed_ends_at_once_without_a_timer()
    {
        var clock = new ManualClock();
        var armed = false;
        clock.OnNextTimer = () => armed = true;

        await clock.UntilAsync(clock.GetUtcNow(), CancellationToken.None).WaitAsync(Bound);
        await clock.UntilAsync(clock.GetUtcNow() - TimeSpan.FromDays(1), CancellationToken.None).WaitAsync(Bound);
        Assert.False(armed);
    }

    [Fact]
    public async Task Cancelling_ends_the_wait_with_OperationCanceledException()
    {
        var clock = new ManualClock();
        using var cancel = new CancellationTokenSource();
        var wait = clock.UntilAsync(clock.GetUtcNow() + TimeSpan.FromSeconds(40), cancel.Token);

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait.WaitAsync(Bound));
    }

    [Fact]
    public async Task On_the_real_clock_it_waits_the_span_once()
    {
        var started = TimeProvider.System.GetTimestamp();
        await TimeProvider.System.UntilAsync(TimeProvider.System.GetUtcNow() + TimeSpan.FromMilliseconds(100), CancellationToken.None).WaitAsync(Bound);
        Assert.True(TimeProvider.System.GetElapsedTime(started) >= TimeSpan.FromMilliseconds(90));
    }
}
