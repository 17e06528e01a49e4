namespace Pamoja.Web.Tests.Infrastructure;

/// A clock the test moves by hand, so expiry rules are tested at exact instants without sleeping.
public sealed class TestClock(DateTimeOffset start) : TimeProvider
{
    private readonly Lock _lock = new();
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow()
    {
        lock (_lock) return _now;
    }

    public void Advance(TimeSpan by)
    {
        lock (_lock) _now += by;
    }
}
