using DemandCenter.Benchmarks;

// ./demand bench [--quick] [--store | --ingestion | --journey [--lanes=N] | --hub | --broker]: throughput against in-run baselines (BENCHMARKS.md).
var quick = args.Contains("--quick");
if (args.Contains("--broker"))
{
    await BrokerBenchmark.RunAsync(quick, Console.Out);
    return;
}

if (args.Contains("--hub"))
{
    // Seller and board connections under load (BENCHMARKS.md, Hub); ./demand passes the Node client's path.
    var client = args.FirstOrDefault(a => a.StartsWith("--hub-client=", StringComparison.Ordinal))?["--hub-client=".Length..]
                 ?? throw new ArgumentException("--hub needs --hub-client=<path to tests/hub-bench/bench.mjs>");
    await HubBenchmark.RunAsync(quick, client, Console.Out);
    return;
}

if (args.Contains("--journey"))
{
    // The Journey's lanes (Demand:Journey:Lanes), to compare with the default.
    var lanes = args.FirstOrDefault(a => a.StartsWith("--lanes=", StringComparison.Ordinal))?["--lanes=".Length..];
    await using var journey = await JourneyBenchmark.StartAsync(quick, lanes is null ? null : int.Parse(lanes, System.Globalization.CultureInfo.InvariantCulture));
    await journey.RunAsync(Console.Out);
    return;
}

if (!args.Contains("--ingestion"))
{
    await using var store = await StoreBenchmark.StartAsync(quick);
    await store.RunAsync(Console.Out);
}

if (!args.Contains("--store"))
{
    await using var ingestion = await IngestionBenchmark.StartAsync(quick);
    await ingestion.RunAsync(Console.Out);
}
