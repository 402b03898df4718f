using DemandCenter.Benchmarks;

// ./demand bench [--quick]: event store throughput and latency on a private PostgreSQL, with raw COPY as the baseline.
var quick = args.Contains("--quick");
await using var bench = await StoreBenchmark.StartAsync(quick);
await bench.RunAsync(Console.Out);
