namespace DemandCenter.Kafka;

/// <summary>The one retry schedule: 200 ms doubling per consecutive failure, capped at 30 s.</summary>
public static class Backoff
{
    public static readonly TimeSpan Max = TimeSpan.FromSeconds(30);

    public static TimeSpan After(int failures) =>
        TimeSpan.FromMilliseconds(Math.Min(Max.TotalMilliseconds, 200 * Math.Pow(2, Math.Clamp(failures - 1, 0, 10))));
}
