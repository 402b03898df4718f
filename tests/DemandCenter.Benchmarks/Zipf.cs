namespace DemandCenter.Benchmarks;

/// <summary>Zipf-distributed picks over 1..n (a few accounts are very busy, most are quiet), by inverse CDF.</summary>
public sealed class Zipf
{
    private readonly double[] _cdf;
    private readonly Random _random;

    public Zipf(int n, double exponent, int seed)
    {
        _random = new Random(seed);
        _cdf = new double[n];
        double sum = 0;
        for (var k = 1; k <= n; k++)
        {
            sum += 1.0 / Math.Pow(k, exponent);
            _cdf[k - 1] = sum;
        }

        for (var i = 0; i < n; i++)
        {
            _cdf[i] /= sum;
        }
    }

    public int Next()
    {
        var i = Array.BinarySearch(_cdf, _random.NextDouble());
        return (i < 0 ? ~i : i) + 1;
    }
}
