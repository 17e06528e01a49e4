namespace Pamoja.Sandbox.Timing;

// Waiting on the sandbox's TimeProvider until a moment, safe against a clock moved by hand.
//
// `Task.Delay(deadline - now, time)` reads the clock, then arms a timer relative to the clock as
// it is when the timer is armed. A clock moved in between (the tests' ManualClock, advanced from
// another thread) arms it one whole jump late, and if nobody moves the clock again the wait never
// ends: a POST never answered, a callback never sent. Every timed wait in the sandbox goes through
// here instead, which looks at the clock again once the timer is armed.
public static class ClockWait
{
    // A real clock moves microseconds between two reads; a clock moved by hand jumps seconds. A
    // thread descheduled for longer than this merely arms once more.
    private static readonly TimeSpan ArmingSlack = TimeSpan.FromMilliseconds(100);

    /// Completes once the clock reads `deadline` or later; throws OperationCanceledException
    /// when `cancellationToken` is cancelled first.
    public static async Task UntilAsync(this TimeProvider time, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(time);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var read = time.GetUtcNow();
            if (read >= deadline)
            {
                return;
            }

            using var armed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var delay = Task.Delay(deadline - read, time, armed.Token);
            if (time.GetUtcNow() - read > ArmingSlack)
            {
                // Moved while arming: this timer is late by the jump. Disarm it and arm again.
                await armed.CancelAsync();
                continue;
            }
            // Fires at the deadline (a real timer may fire a little early: the loop looks again).
            await delay;
        }
    }
}
