using System.Diagnostics;
using System.Globalization;

namespace DemandCenter.Benchmarks;

/// <summary>
/// CPU time spent by this process and by every PostgreSQL process on the machine between two readings (Linux /proc):
/// where a run's time went, steadier than its wall-clock rate on a shared machine.
/// </summary>
public readonly record struct CpuMeter(TimeSpan Process, TimeSpan Postgres)
{
    private static readonly double TicksPerSecond = 100;

    public static CpuMeter Read() => new(System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime, PostgresTime());

    public CpuMeter Since(CpuMeter start) => new(Process - start.Process, Postgres - start.Postgres);

    public CpuMeter Plus(CpuMeter other) => new(Process + other.Process, Postgres + other.Postgres);

    /// <summary>Microseconds of CPU per item, this process and PostgreSQL.</summary>
    public string Per(long items) =>
        $"{Process.TotalMicroseconds / items:N0} µs here + {Postgres.TotalMicroseconds / items:N0} µs PostgreSQL";

    private static TimeSpan PostgresTime()
    {
        double ticks = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            try
            {
                if (File.ReadAllText(Path.Combine(dir, "comm")).Trim() != "postgres")
                {
                    continue;
                }

                // Fields after the command's closing parenthesis; utime and stime are the 12th and 13th of them.
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
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
}
