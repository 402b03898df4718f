namespace DemandCenter.Unit.Tests;

/// <summary>A clock the test sets; domain code takes its time from a TimeProvider, so tests control "now".</summary>
public sealed class FixedTime(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;

    public void Advance(TimeSpan by) => Now += by;
}
