namespace DemandCenter.Journey.Signals;

/// <summary>
/// Where a batch's pure per-item work runs. Under a backlog (large batches) it is spread over the cores; live traffic makes
/// batches of a few, which lose more to the hand-off between threads than they gain (BENCHMARKS.md, Hub).
/// </summary>
internal static class BatchWork
{
    /// <summary>Below this many items a batch counts as live traffic.</summary>
    public const int LargeFrom = 200;

    public static List<TOut> Map<TIn, TOut>(IReadOnlyCollection<TIn> items, Func<TIn, TOut> map) =>
        items.Count >= LargeFrom ? items.AsParallel().AsOrdered().Select(map).ToList() : items.Select(map).ToList();
}
