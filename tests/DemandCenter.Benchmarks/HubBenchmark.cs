using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using DemandCenter.Host.Composition;
using DemandCenter.Host.Embedded;
using DemandCenter.Telemetry;

namespace DemandCenter.Benchmarks;

/// <summary>
/// ./demand bench --hub: the whole product as `./demand run` starts it (embedded PostgreSQL and broker, all three
/// services in this process, the simulator at a steady 500 signals/s over a roster of 1,000 sellers and 2,000
/// accounts), with 1,000 seller and 20 board connections from a Node client (@microsoft/signalr). The Node client
/// measures signal publish -> prompt arrival and board frames per client; this process reports its own memory and
/// what the pipeline did meanwhile.
/// </summary>
public static class HubBenchmark
{
    private const int Sellers = 1_000;
    private const int Accounts = 2_000;
    private const int Boards = 20;
    private const double SignalsPerSecond = 500;
    private static readonly string[] Territories = ["emea", "amer", "apac"];

    public static async Task RunAsync(bool quick, string client, TextWriter output)
    {
        var (warmup, duration) = quick ? (15, 20) : (30, 60);
        var dataDir = Path.Combine(Path.GetTempPath(), "demand-hub-bench-" + Guid.NewGuid().ToString("n")[..8]);
        var options = new HostCommandLine(Embedded: true, Simulator: true, HostCommandLine.AllServices, dataDir, []);
        // The cluster stops before its folder goes (deleted under a running PostgreSQL, the cluster ran on for up to a minute).
        await using (var runtime = await EmbeddedRuntime.StartAsync(options, TextWriter.Null))
        {
            var settings = new Dictionary<string, string?>(runtime.Settings)
            {
                ["urls"] = "http://127.0.0.1:0",
                ["Demand:Simulator:SignalsPerSecond"] = SignalsPerSecond.ToString(CultureInfo.InvariantCulture),
                ["Demand:Simulator:GeneratedAccounts"] = "0",
                // The Node client's sellers only receive, as in every run so far; nobody else acts on their prompts.
                ["Demand:Simulator:Sellers"] = "",
                ["Logging:LogLevel:Default"] = "Warning",
            };
            foreach (var (key, value) in Roster())
            {
                settings[key] = value;
            }

            using var counters = new PipelineCounters();
            await using var app = DemandApp.Build(options, settings);
            await app.StartAsync();
            var url = DemandApp.BaseUrl(app);
            output.WriteLine($"Hub: {Sellers:N0} seller + {Boards} board connections (Node, @microsoft/signalr, WebSockets), simulator at {SignalsPerSecond:N0} signals/s over {Accounts:N0} accounts; warm-up {warmup}s, measured {duration}s");

            var config = Path.Combine(dataDir, "hub-bench.json");
            await File.WriteAllTextAsync(config, JsonSerializer.Serialize(new
            {
                url,
                sellers = Enumerable.Range(1, Sellers).Select(SellerId).ToArray(),
                orchestrator = "olga",
                boards = Boards,
                warmupSeconds = warmup,
                durationSeconds = duration,
            }));

            using var memory = new MemorySampler();
            using var taps = new StageTaps(settings["Demand:Kafka:BootstrapServers"]!);
            var psi = new ProcessStartInfo("node", [client, config]) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetDirectoryName(client)! };
            using var node = new Process { StartInfo = psi };
            // The client says on stderr when its warm-up ends; the server-side counters cover the same window.
            var measuring = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            node.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is null)
                {
                    measuring.TrySetResult();
                    return;
                }

                output.WriteLine("  " + e.Data);
                if (e.Data.Contains("measuring", StringComparison.Ordinal))
                {
                    counters.Reset();
                    memory.Reset();
                    taps.Start();
                    measuring.TrySetResult();
                }
            };
            node.Start();
            node.BeginErrorReadLine();
            var stdout = node.StandardOutput.ReadToEndAsync();
            await measuring.Task;
            await node.WaitForExitAsync();
            var elapsed = counters.Elapsed.TotalSeconds;
            if (node.ExitCode != 0)
            {
                throw new InvalidOperationException($"the Node client failed with exit code {node.ExitCode}");
            }

            var result = JsonNode.Parse((await stdout).Trim().Split('\n')[^1])!;
            var latency = result["latencyMs"]!;
            var board = result["board"]!;
            output.WriteLine($"  signals accepted         {counters.Signals / elapsed,10:N0} /s   prompts raised {counters.Raised / elapsed:N0} /s, pushed to groups {counters.Pushed / elapsed:N0} /s");
            output.WriteLine($"  prompt deliveries        {result["deliveries"]} timed ({result["prompts"]} prompts; own {result["ownLatencyMs"]!["count"]}, pool {result["poolLatencyMs"]!["count"]}), {result["backlogDeliveries"]} from signals published before the window");
            output.WriteLine($"  publish -> arrival       p50 {latency["p50"]} ms   p99 {latency["p99"]} ms   max {latency["max"]} ms   (target p50 <= 50, p99 <= 250)");
            output.WriteLine($"  prompt created -> arrival p50 {result["fromCreatedMs"]!["p50"]} ms   p99 {result["fromCreatedMs"]!["p99"]} ms   over {result["fromCreatedMs"]!["count"]} deliveries (from the Journey's decision: its commit, the outbox relay, the Hub's fan-out and the push)");
            output.WriteLine($"  Hub fan-out lag          p50 {counters.FanoutLag(50):0} ms   p99 {counters.FanoutLag(99):0} ms   (prompt message published by the outbox relay -> handed to the seller connections)");
            output.WriteLine($"  stages                   {taps.Report()}");
            output.WriteLine($"    own prompts            p50 {result["ownLatencyMs"]!["p50"]} ms   p99 {result["ownLatencyMs"]!["p99"]} ms");
            output.WriteLine($"    pool prompts           p50 {result["poolLatencyMs"]!["p50"]} ms   p99 {result["poolLatencyMs"]!["p99"]} ms");
            output.WriteLine($"  board frames per client  {board["framesPerClientPerSecond"]!["min"]!.GetValue<double>():0.00}-{board["framesPerClientPerSecond"]!["max"]!.GetValue<double>():0.00} /s  ({board["cardsPerFrame"]!.GetValue<double>():0.0} cards/frame, min gap {board["minFrameGapMs"]} ms, load {board["loadFramesPerClientPerSecond"]!.GetValue<double>():0.00} /s, a board opened after the warm-up got {board["snapshotCards"]} cards)");
            output.WriteLine($"  server memory            working set {memory.LastWorkingSet / 1048576.0:N0} MiB (peak {memory.PeakWorkingSet / 1048576.0:N0} MiB), GC heap {memory.LastHeap / 1048576.0:N0} MiB (peak {memory.PeakHeap / 1048576.0:N0} MiB)");
            output.WriteLine($"  Node client event loop   p50 {result["clientEventLoopDelayMs"]!["p50"]!.GetValue<double>():0.0} ms   p99 {result["clientEventLoopDelayMs"]!["p99"]!.GetValue<double>():0.0} ms");
            await app.StopAsync();
        }

        try
        {
            Directory.Delete(dataDir, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }

    private static string SellerId(int i) => "s" + i.ToString("0000", CultureInfo.InvariantCulture);

    /// <summary>After the demo roster's entries (lists merge by index): 1,000 sellers (80% owners in three territories, 10% pricing, 10% solutions) and 2,000 accounts.</summary>
    private static IEnumerable<(string, string)> Roster()
    {
        using var demo = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "demo-roster.json")));
        var roster = demo.RootElement.GetProperty("Demand").GetProperty("Roster");
        int firstPerson = roster.GetProperty("People").GetArrayLength(), firstAccount = roster.GetProperty("Accounts").GetArrayLength();
        for (var i = 1; i <= Sellers; i++)
        {
            var p = $"Demand:Roster:People:{firstPerson + i - 1}:";
            var specialty = i % 10 == 0 ? "pricing" : i % 10 == 5 ? "solutions" : "owner";
            yield return (p + "Id", SellerId(i));
            yield return (p + "Name", "Seller " + i.ToString(CultureInfo.InvariantCulture));
            yield return (p + "Role", "seller");
            yield return (p + "Specialty", specialty);
            yield return (p + "Territory", Territories[i % Territories.Length]);
        }

        var owners = Enumerable.Range(1, Sellers).Where(i => i % 5 != 0).ToList();
        for (var i = 1; i <= Accounts; i++)
        {
            var a = $"Demand:Roster:Accounts:{firstAccount + i - 1}:";
            var domain = $"bench{i:0000}.com";
            var owner = owners[i % owners.Count];
            yield return (a + "AccountId", domain);
            yield return (a + "Name", "Bench " + i.ToString(CultureInfo.InvariantCulture));
            yield return (a + "OwnerSellerId", SellerId(owner));
            yield return (a + "Territory", Territories[owner % Territories.Length]);
            yield return (a + "Segment", i % 3 == 0 ? "enterprise" : "mid_market");
            yield return (a + "Tier", (1 + (i % 3)).ToString(CultureInfo.InvariantCulture));
            for (var c = 0; c < 3; c++)
            {
                yield return (a + $"Contacts:{c}", $"c{c}@{domain}");
            }
        }
    }

    /// <summary>The pipeline's own counters (signals accepted, prompts raised and pushed) over the measured window.</summary>
    private sealed class PipelineCounters : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private long _signals;
        private long _raised;
        private long _pushed;
        private readonly List<double> _fanoutLags = [];

        public PipelineCounters()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == DemandTelemetry.Name)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
            {
                switch (instrument.Name)
                {
                    case "demand.signals.accepted": Interlocked.Add(ref _signals, value); break;
                    case "demand.prompts.raised": Interlocked.Add(ref _raised, value); break;
                    case "demand.prompts.pushed": Interlocked.Add(ref _pushed, value); break;
                }
            });
            _listener.SetMeasurementEventCallback<double>((instrument, value, _, _) =>
            {
                if (instrument.Name == "demand.hub.fanout_lag")
                {
                    lock (_fanoutLags)
                    {
                        _fanoutLags.Add(value);
                    }
                }
            });
            _listener.Start();
        }

        public long Signals => Interlocked.Read(ref _signals);

        public long Raised => Interlocked.Read(ref _raised);

        public long Pushed => Interlocked.Read(ref _pushed);

        public TimeSpan Elapsed => _clock.Elapsed;

        /// <summary>The p-th percentile of the Hub's fan-out lag in the window, in ms.</summary>
        public double FanoutLag(double p)
        {
            lock (_fanoutLags)
            {
                return Percentile.Of(_fanoutLags, p);
            }
        }

        public void Reset()
        {
            Interlocked.Exchange(ref _signals, 0);
            Interlocked.Exchange(ref _raised, 0);
            Interlocked.Exchange(ref _pushed, 0);
            lock (_fanoutLags)
            {
                _fanoutLags.Clear();
            }

            _clock.Restart();
        }

        public void Dispose() => _listener.Dispose();
    }

    /// <summary>This process's working set and GC heap, sampled every 500 ms.</summary>
    private sealed class MemorySampler : IDisposable
    {
        private readonly Timer _timer;

        public MemorySampler() => _timer = new Timer(_ => Sample(), null, TimeSpan.Zero, TimeSpan.FromMilliseconds(500));

        public long LastWorkingSet { get; private set; }

        public long PeakWorkingSet { get; private set; }

        public long LastHeap { get; private set; }

        public long PeakHeap { get; private set; }

        public void Reset()
        {
            PeakWorkingSet = 0;
            PeakHeap = 0;
        }

        public void Dispose() => _timer.Dispose();

        private void Sample()
        {
            using var self = Process.GetCurrentProcess();
            LastWorkingSet = self.WorkingSet64;
            LastHeap = GC.GetGCMemoryInfo().HeapSizeBytes;
            PeakWorkingSet = Math.Max(PeakWorkingSet, LastWorkingSet);
            PeakHeap = Math.Max(PeakHeap, LastHeap);
        }
    }
}
