namespace DemandCenter.Benchmarks;

internal static class Percentile
{
    /// <summary>The p-th percentile (nearest rank) of the values; NaN when there are none.</summary>
    public static double Of(IEnumerable<double> values, double p)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)(p / 100 * sorted.Count))];
    }
}
