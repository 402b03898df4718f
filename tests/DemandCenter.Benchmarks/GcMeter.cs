namespace DemandCenter.Benchmarks;

/// <summary>The process's collections, pause time and allocations between two reads (the benchmark's publisher included).</summary>
public readonly record struct GcMeter(int Gen0, int Gen1, int Gen2, TimeSpan Paused, long Allocated)
{
    public static GcMeter Read() =>
        new(GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalPauseDuration(), GC.GetTotalAllocatedBytes(precise: false));

    public GcMeter Since(GcMeter before) =>
        new(Gen0 - before.Gen0, Gen1 - before.Gen1, Gen2 - before.Gen2, Paused - before.Paused, Allocated - before.Allocated);

    public GcMeter Plus(GcMeter other) =>
        new(Gen0 + other.Gen0, Gen1 + other.Gen1, Gen2 + other.Gen2, Paused + other.Paused, Allocated + other.Allocated);

    /// <summary>Collection counts include the younger generations of older ones (a gen2 also counts as gen1 and gen0).</summary>
    public string Describe(int items) =>
        $"{Gen0:N0} gen0, {Gen1:N0} gen1, {Gen2:N0} gen2 collections, {Paused.TotalMilliseconds:N0} ms paused, {Allocated / items / 1024.0:N1} KiB allocated per signal";
}
