using DemandCenter.Benchmarks;

// ./demand bench [--quick] [--store | --ingestion | --journey]: throughput against in-run baselines (BENCHMARKS.md).
var quick = args.Contains("--quick");
if (args.Contains("--journey"))
{
    await using var journey = await JourneyBenchmark.StartAsync(quick);
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
