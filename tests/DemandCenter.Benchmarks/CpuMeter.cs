using System.Diagnostics;
using System.Globalization;

namespace DemandCenter.Benchmarks;

/// <summary>
/// CPU time spent by this process and by the benchmark's PostgreSQL cluster (its postmaster and the postmaster's
/// children, once <see cref="Watch"/> has named its data folder; every PostgreSQL process on the machine before)
/// between two readings (Linux /proc): where a run's time went, steadier than its wall-clock rate on a shared machine.
/// </summary>
public readonly record struct CpuMeter(TimeSpan Process, TimeSpan Postgres)
{
    private static readonly double TicksPerSecond = 100;

    private static string? s_dataDir;

    public static CpuMeter Read() => new(System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime, PostgresTime());

    /// <summary>Counts only the cluster in this data folder from now on (another cluster on the machine is not the run's).</summary>
    public static void Watch(string dataDir) => s_dataDir = dataDir;

    public CpuMeter Since(CpuMeter start) => new(Process - start.Process, Postgres - start.Postgres);

    public CpuMeter Plus(CpuMeter other) => new(Process + other.Process, Postgres + other.Postgres);

    /// <summary>Microseconds of CPU per item, this process and PostgreSQL.</summary>
    public string Per(long items) =>
        $"{Process.TotalMicroseconds / items:N0} µs here + {Postgres.TotalMicroseconds / items:N0} µs PostgreSQL";

    private static TimeSpan PostgresTime()
    {
        var postmaster = Postmaster();
        double ticks = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            try
            {
                if (File.ReadAllText(Path.Combine(dir, "comm")).Trim() != "postgres")
                {
                    continue;
                }

                // Fields after the command's closing parenthesis: the parent is the 2nd, utime and stime the 12th and 13th.
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (postmaster is { } pid && Path.GetFileName(dir) != pid && fields[1] != pid)
                {
                    continue;
                }

                ticks += double.Parse(fields[11], CultureInfo.InvariantCulture) + double.Parse(fields[12], CultureInfo.InvariantCulture);
            }
            catch (IOException)
            {
                // Exited meanwhile.
            }
            catch (UnauthorizedAccessException)
            {
                // Not ours.
            }
        }

        return TimeSpan.FromSeconds(ticks / TicksPerSecond);
    }

    /// <summary>The watched cluster's postmaster process id (the first line of its postmaster.pid), or null to count every cluster.</summary>
    private static string? Postmaster()
    {
        if (s_dataDir is null)
        {
            return null;
        }

        try
        {
            return File.ReadLines(Path.Combine(s_dataDir, "postmaster.pid")).First().Trim();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
