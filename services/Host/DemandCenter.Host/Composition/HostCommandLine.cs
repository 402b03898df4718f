namespace DemandCenter.Host.Composition;

/// <summary>What the run command asked for. Everything else is configuration (appsettings, DEMAND__* environment variables).</summary>
public sealed record HostCommandLine(
    bool Embedded,
    bool Simulator,
    IReadOnlySet<string> Services,
    string DataDir,
    string[] Args)
{
    public static readonly IReadOnlySet<string> AllServices = new HashSet<string>(StringComparer.Ordinal) { "ingestion", "journey", "hub" };

    public static HostCommandLine Parse(string[] args)
    {
        var services = args.FirstOrDefault(a => a.StartsWith("--services=", StringComparison.Ordinal)) is { } s
            ? s["--services=".Length..].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal)
            : AllServices;
        var unknown = services.Except(AllServices).ToList();
        if (unknown.Count > 0)
        {
            throw new ArgumentException($"Unknown service(s): {string.Join(", ", unknown)}. Choose from ingestion, journey, hub.");
        }

        var embedded = !args.Contains("--external") &&
                       !string.Equals(Environment.GetEnvironmentVariable("Demand__Embedded"), "false", StringComparison.OrdinalIgnoreCase);
        var dataDir = args.FirstOrDefault(a => a.StartsWith("--data-dir=", StringComparison.Ordinal))?["--data-dir=".Length..]
                      ?? Path.Combine(Directory.GetCurrentDirectory(), ".demand");
        return new HostCommandLine(embedded, !args.Contains("--no-simulator") && embedded, services, dataDir,
            args.Where(a => a is not "--no-simulator" and not "--external" && !a.StartsWith("--services=", StringComparison.Ordinal) && !a.StartsWith("--data-dir=", StringComparison.Ordinal)).ToArray());
    }
}
