namespace DemandCenter.Journey.Signals;

/// <summary>
/// Where a batch's pure per-item work runs. Under a backlog (large batches) it is spread over the cores, unless the lanes
/// keep them busy already; live traffic makes batches of a few, which lose more to the hand-off between threads than
/// they gain (BENCHMARKS.md, Hub).
/// </summary>
internal static class BatchWork
{
    /// <summary>Below this many items a batch counts as live traffic.</summary>
    public const int LargeFrom = 200;

    /// <summary>
    /// False when the process runs as many lanes as it has cores (set with them, at registration): the other lanes then
    /// fill the cores, and spreading one lane's batch only added hand-offs (three pairs: 2-8 % more signals a second
    /// with two lanes on two cores).
    /// </summary>
    public static bool SpreadLargeBatches { get; set; } = true;

    public static bool Spread(int count) => count >= LargeFrom && SpreadLargeBatches;

    public static List<TOut> Map<TIn, TOut>(IReadOnlyCollection<TIn> items, Func<TIn, TOut> map) =>
        Spread(items.Count) ? items.AsParallel().AsOrdered().Select(map).ToList() : items.Select(map).ToList();
}
