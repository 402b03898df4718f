using System.Diagnostics;
using System.Diagnostics.Metrics;
using Confluent.Kafka;
using DemandCenter.Contracts;
using DemandCenter.Embedded;
using DemandCenter.EventStore;
using DemandCenter.Journey;
using DemandCenter.Journey.Accounts;
using DemandCenter.Journey.Domain;
using DemandCenter.Kafka;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace DemandCenter.Benchmarks;

/// <summary>
/// Journey throughput: forwarded signals for 100,000 accounts (Zipf) through the Journey service — hot state, the
/// six-job model, scores, rules, routing, the batched exactly-once append, read models and outbox — against the
/// store's own batched append of the same number of events in the same run. Also the memory per hot account.
/// </summary>
public sealed class JourneyBenchmark : IAsyncDisposable
{
    private const int Accounts = 100_000;
    private const int Warmup = 20_000;
    private const int JitWarmup = 60_000;
    private const int SmallBatchWarmup = 40_000;
    private const int SmallBatch = 200;
    private const int BatchSize = 2_000;
    private const int Rounds = 5;
    private static readonly string[] Categories = ["blog", "blog", "blog", "product", "product", "solution", "case_study", "docs", "docs", "integration", "security", "pricing", "pricing", "comparison", "trial", "customers", "careers", "other"];
    private static readonly string[] Intents = ["pricing", "security", "integration", "competitor", "timeline", "budget", "support", "other"];
    private readonly BenchCluster _cluster;
    private readonly int _signals;
    private readonly int? _lanes;
    private IProducer<string, byte[]>? _producer;
    private long _offsetBase;

    private JourneyBenchmark(BenchCluster cluster, int signals, int? lanes)
    {
        _cluster = cluster;
        _signals = signals;
        _lanes = lanes;
    }

    /// <param name="lanes">The Journey's lanes; null for its default.</param>
    public static async Task<JourneyBenchmark> StartAsync(bool quick, int? lanes = null) =>
        new(await BenchCluster.StartAsync(partitions: 8), quick ? 20_000 : 150_000, lanes);

    public async Task RunAsync(TextWriter output)
    {
        output.WriteLine();
        output.WriteLine($"Journey: {_signals:N0} signals over {Accounts:N0} accounts (Zipf 1.1), batches of up to {BatchSize:N0}, 8 partitions, {_lanes?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "the default number of"} lanes, after warm-ups of {SmallBatchWarmup + JitWarmup:N0} signals on other accounts and {Warmup:N0} on these");
        using var host = await StartJourneyAsync();
        var dataSource = host.Services.GetRequiredService<NpgsqlDataSource>();
        var zipf = new Zipf(Accounts, 1.1, seed: 5);

        // The code first, on accounts of its own: a service that has run a while has its hot paths fully optimized.
        // Methods called once a batch reach the JIT's last tier only after some sixty calls (call counting, then an
        // instrumented tier): small batches take them there in few signals, then large ones warm the parallel paths.
        // (With large batches alone, 60,000 signals left about 2,500 methods, over 3 s of JIT time, to the timed part.)
        using var warm = Messages(new Zipf(Accounts, 1.1, seed: 7), "warm", 0, SmallBatchWarmup + JitWarmup).GetEnumerator();
        for (var done = 0; done < SmallBatchWarmup; done += SmallBatch)
        {
            Produce(Take(warm, SmallBatch));
            await ConsumedAsync(dataSource, done + SmallBatch);
        }

        await ProducePacedAsync(dataSource, Take(warm, JitWarmup), SmallBatchWarmup, JitWarmup);
        await ConsumedAsync(dataSource, SmallBatchWarmup + JitWarmup);
        _offsetBase = SmallBatchWarmup + JitWarmup;
        Produce(Messages(zipf, "account", 0, Warmup));
        await ConsumedAsync(dataSource, Warmup);
        // The publisher stands for Ingestion, another service: its JSON is written before the clock starts, and each
        // round's signals are published before the round's clock starts, in a Kafka transaction that the start of the
        // clock commits. The Journey reads committed messages only (librdkafka's default), so it sees a round's signals
        // at once, and the timed part pays for none of the publishing; the broker serving them to the Journey's consumer
        // still counts. (Until 2026-11-22 the timed part also handed each round's signals to the broker.)
        var timed = PreparedMessages.Of(Messages(zipf, "account", Warmup, _signals));
        using var publisher = TransactionalProducer();

        // The store's path warmed like the Journey's, on accounts of its own: small batches first, for the calls a
        // method needs to reach the JIT's last tier.
        var store = host.Services.GetRequiredService<EventStore.EventStore>();
        var baseline = new Zipf(Accounts, 1.1, seed: 6);
        var warmStore = new Zipf(Accounts, 1.1, seed: 8);
        for (var done = 0; done < SmallBatchWarmup / 4; done += SmallBatch)
        {
            await AppendRawBatchAsync(store, warmStore, done, SmallBatch, "rawwarm");
        }

        for (var done = 0; done < Warmup; done += BatchSize)
        {
            await AppendRawBatchAsync(store, warmStore, SmallBatchWarmup + done, BatchSize, "rawwarm");
        }

        // The harness's own meters, read around every round, tiered up before the clock: else their methods (and the
        // framework's file and path code under them) reach the JIT's background thread during the timed rounds.
        var meters = new Segments();
        for (var i = 0; i < 80; i++)
        {
            await meters.TimeAsync(() => Task.CompletedTask);
        }

        // A server that has run a while reuses its WAL segments; a fresh cluster creates and zero-fills each one as its WAL
        // first reaches it, in a commit's way. The timed rounds write under 500 MiB, so 1 GiB covers them (BENCHMARKS.md).
        await _cluster.PrepareWalAsync(1024);
        var rowUpdatesBefore = await RowUpdatesAsync(dataSource);
        var eventsBefore = await CountAsync(dataSource, "SELECT count(*) FROM demand.events");
        var promptsBefore = await CountAsync(dataSource, "SELECT count(*) FROM demand.prompts");
        var jitted = System.Runtime.JitInfo.GetCompiledMethodCount();
        var jitTime = System.Runtime.JitInfo.GetCompilationTime();

        // The journey and the store's own append (same number of events, batch size and account distribution, one
        // session per batch) take turns, a round each at a time, so that both meet the same state of a shared, noisy
        // machine: run one after the other, a slow minute for either moved the ratio by a fifth. Before each store
        // round the Journey's own background work (outbox relay, projections) has caught up, and it idles meanwhile.
        var signalsPerRound = _signals / Rounds;
        using var batches = new BatchTimes();
        var journey = new Segments();
        var append = new Segments();
        // The store given as many sessions at once as the Journey has lanes, each on accounts of its own (as a lane's
        // partitions are): the baseline above keeps to one session, as the Journey did until it had lanes.
        var sessions = _lanes ?? new JourneyOptions().Lanes;
        var parallel = new Segments();
        var parallelAccounts = Enumerable.Range(0, sessions).Select(k => new Zipf(Accounts / sessions, 1.1, seed: 30 + k)).ToList();
        using var messages = timed.All().GetEnumerator();
        long journeyWal = 0, appendWal = 0;
        for (var round = 0; round < Rounds; round++)
        {
            var walAt = await WalPositionAsync(dataSource);
            var done = round * signalsPerRound;
            // A round's 30,000 signals fit in what the in-process broker keeps per partition (see ProducePacedAsync).
            publisher.BeginTransaction();
            BenchCluster.ProduceAll(publisher, Take(messages, signalsPerRound));
            await journey.TimeAsync(async () =>
            {
                publisher.CommitTransaction();
                await ConsumedAsync(dataSource, Warmup + done + signalsPerRound);
            });
            await SettledAsync(dataSource);
            var walBetween = await WalPositionAsync(dataSource);
            journeyWal += walBetween - walAt;
            await append.TimeAsync(async () =>
            {
                for (var batch = 0; batch < signalsPerRound; batch += BatchSize)
                {
                    await AppendRawBatchAsync(store, baseline, done + batch, Math.Min(BatchSize, signalsPerRound - batch));
                }
            });
            appendWal += await WalPositionAsync(dataSource) - walBetween;
            await parallel.TimeAsync(() => Task.WhenAll(parallelAccounts.Select((zipf, k) => Task.Run(async () =>
            {
                for (var batch = k * BatchSize; batch < signalsPerRound; batch += sessions * BatchSize)
                {
                    await AppendRawBatchAsync(store, zipf, done + batch, Math.Min(BatchSize, signalsPerRound - batch), $"par{k}-");
                }
            }))));
        }

        var signals = signalsPerRound * Rounds;
        var (decided, written) = batches.Read();
        jitted = System.Runtime.JitInfo.GetCompiledMethodCount() - jitted;
        jitTime = System.Runtime.JitInfo.GetCompilationTime() - jitTime;
        // Less the store's two rounds' events.
        var appended = await CountAsync(dataSource, "SELECT count(*) FROM demand.events") - eventsBefore - (2 * signals);
        var prompts = await CountAsync(dataSource, "SELECT count(*) FROM demand.prompts") - promptsBefore;
        var rowUpdates = await RowUpdatesAsync(dataSource);
        var (updates, heapOnly) = (rowUpdates.All - rowUpdatesBefore.All, rowUpdates.HeapOnly - rowUpdatesBefore.HeapOnly);

        var hot = host.Services.GetRequiredService<HotAccounts>();
        var perAccount = MemoryPerAccount(hot);
        await host.StopAsync();

        var journeyRate = signals / journey.Elapsed.TotalSeconds;
        var appendRate = signals / append.Elapsed.TotalSeconds;
        var ratios = journey.Times.Zip(append.Times, (j, a) => a / j).Order().ToList();
        var parallelRate = signals / parallel.Elapsed.TotalSeconds;
        output.WriteLine("| path | per second | ratio |");
        output.WriteLine("|---|---:|---:|");
        output.WriteLine($"| store: batched append of {signals:N0} signal events (baseline) | {appendRate:N0} events | 1.00 |");
        output.WriteLine($"| store: the same in {sessions} sessions at once, each on accounts of its own (as the journey's {sessions} lanes) | {parallelRate:N0} events | {parallelRate / appendRate:F2} |");
        output.WriteLine($"| journey: signals through model, rules, append, read models, outbox | {journeyRate:N0} signals | {journeyRate / appendRate:F2} |");
        output.WriteLine($"Journey against the store in {sessions} sessions: {journeyRate / parallelRate:F2}.");
        output.WriteLine($"Ratio by round ({Rounds} rounds of {signalsPerRound:N0}, each the journey, the store, the store in {sessions} sessions): median {ratios[ratios.Count / 2]:F2}, {ratios[0]:F2}-{ratios[^1]:F2}.");
        output.WriteLine($"Journey wrote {appended:N0} events for {signals:N0} signals ({(double)appended / signals:F2} per signal) and raised {prompts:N0} prompts.");
        output.WriteLine($"CPU per signal: store {append.Cpu.Per(signals)} ({parallel.Cpu.Per(signals)} in {sessions} sessions); journey {journey.Cpu.Per(signals)} (here includes the in-process broker).");
        output.WriteLine($"Per batch ({written.Count:N0} batches, {signals / Math.Max(1, written.Count):N0} signals on average): deciding {decided.Mean:N0} ms, overlapping the write of the batch before; writing and committing {written.Mean:N0} ms, one batch at a time in each of the {sessions} lanes.");
        output.WriteLine($"WAL written: journey {journeyWal / (double)signals:N0} bytes per signal (with its relay and projections), store {appendWal / (double)signals:N0} bytes per event; {(journeyWal + appendWal) / (1024.0 * 1024):N0} MiB in all.");
        output.WriteLine($"Account rows: {updates:N0} updates, {100.0 * heapOnly / Math.Max(1, updates):F0} % of them heap-only (no new index entries; as the statistics had it at the end).");
        output.WriteLine($"Garbage collection in the journey's rounds: {journey.Gc.Describe(signals)}.");
        output.WriteLine($"Methods compiled by the JIT during the timed rounds: {jitted:N0}, in {jitTime.TotalMilliseconds:N0} ms.");
        output.WriteLine($"Hot state: {perAccount.Accounts:N0} accounts in memory, {perAccount.Bytes:N0} bytes per account.");
        output.WriteLine($"Targets: 25,000 signals/s {Verdict(journeyRate >= 25_000)}; 0.6 of the store's batched append in one session (the baseline) {Verdict(journeyRate / appendRate >= 0.6)}; 4 KB per hot account {Verdict(perAccount.Bytes <= 4096)}.");
    }

    private static string Verdict(bool met) => met ? "met" : "not met";

    /// <summary>Until the Journey's outbox is relayed: its background work after a round is done, so a store round runs alone.</summary>
    private static Task SettledAsync(NpgsqlDataSource dataSource) =>
        PollAsync(async () => await CountAsync(dataSource, "SELECT count(*) FROM demand.outbox") == 0, TimeSpan.FromMinutes(2), "the Journey's outbox to be relayed");

    /// <summary>The Journey's own per-batch timings (its decide and write histograms) from when this is made.</summary>
    private sealed class BatchTimes : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly Lock _gate = new();
        private (int Count, double Total) _decide;
        private (int Count, double Total) _write;

        public BatchTimes()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Name is "demand.journey.batch_decide" or "demand.journey.batch_write")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<double>((instrument, value, _, _) =>
            {
                lock (_gate)
                {
                    if (instrument.Name == "demand.journey.batch_decide")
                    {
                        _decide = (_decide.Count + 1, _decide.Total + value);
                    }
                    else
                    {
                        _write = (_write.Count + 1, _write.Total + value);
                    }
                }
            });
            _listener.Start();
        }

        public ((int Count, double Mean) Decide, (int Count, double Mean) Write) Read()
        {
            lock (_gate)
            {
                return ((_decide.Count, _decide.Total / Math.Max(1, _decide.Count)), (_write.Count, _write.Total / Math.Max(1, _write.Count)));
            }
        }

        public void Dispose() => _listener.Dispose();
    }

    /// <summary>Wall-clock, CPU and GC over a set of timed rounds.</summary>
    private sealed class Segments
    {
        public TimeSpan Elapsed { get; private set; }

        public List<double> Times { get; } = [];

        public CpuMeter Cpu { get; private set; }

        public GcMeter Gc { get; private set; }

        public async Task TimeAsync(Func<Task> work)
        {
            var gc = GcMeter.Read();
            var cpu = CpuMeter.Read();
            var clock = Stopwatch.StartNew();
            await work();
            var elapsed = clock.Elapsed;
            Elapsed += elapsed;
            Times.Add(elapsed.TotalSeconds);
            Cpu = Cpu.Plus(CpuMeter.Read().Since(cpu));
            Gc = Gc.Plus(GcMeter.Read().Since(gc));
        }
    }

    public ValueTask DisposeAsync()
    {
        _producer?.Dispose();
        return _cluster.DisposeAsync();
    }

    /// <summary>The managed heap with the hot accounts held, minus without them, per account.</summary>
    private static (int Accounts, long Bytes) MemoryPerAccount(HotAccounts hot)
    {
        var count = hot.Count;
        var with = GC.GetTotalMemory(forceFullCollection: true);
        hot.Clear();
        var without = GC.GetTotalMemory(forceFullCollection: true);
        return (count, count == 0 ? 0 : (with - without) / count);
    }

    /// <summary>A producer whose messages the Journey sees only once their transaction commits.</summary>
    private IProducer<string, byte[]> TransactionalProducer()
    {
        var producer = _cluster.Producer("bench-rounds-" + Guid.NewGuid().ToString("n"));
        producer.InitTransactions(TimeSpan.FromSeconds(30));
        return producer;
    }

    /// <summary>One producer for the run: a new one per chunk waited about a second for the broker each time, which capped the signals fed to the Journey near 4,500/s.</summary>
    private void Produce(IEnumerable<(string Topic, string Key, byte[] Value)> messages)
    {
        _producer ??= _cluster.Producer();
        BenchCluster.ProduceAll(_producer, messages);
    }

    /// <summary>
    /// The in-process broker keeps only about 5 MiB per partition and drops the oldest beyond that, so publishing every
    /// signal at once would lose some before the Journey read them (its consumer then resets to the oldest kept offset).
    /// The publisher stays at most 30,000 signals ahead of the stored offsets, which keeps the Journey busy throughout.
    /// </summary>
    private async Task ProducePacedAsync(NpgsqlDataSource dataSource, IEnumerable<(string Topic, string Key, byte[] Value)> messages, int from, int count)
    {
        const int chunk = 5_000, ahead = 30_000;
        using var next = messages.GetEnumerator();
        for (var done = 0; done < count; done += chunk)
        {
            await ConsumedAsync(dataSource, from + done - ahead);
            Produce(Take(next, Math.Min(chunk, count - done)));
        }
    }

    private static IEnumerable<T> Take<T>(IEnumerator<T> source, int count)
    {
        for (var i = 0; i < count && source.MoveNext(); i++)
        {
            yield return source.Current;
        }
    }

    /// <summary>
    /// Messages serialized ahead, their values in one array: one object for the collector to look at however many there
    /// are, where 150,000 arrays held through the timed part would each be marked and promoted.
    /// </summary>
    private sealed class PreparedMessages(string[] topics, string[] keys, byte[] data, int[] ends)
    {
        public static PreparedMessages Of(IEnumerable<(string Topic, string Key, byte[] Value)> messages)
        {
            var list = messages.ToList();
            var data = new byte[list.Sum(m => m.Value.Length)];
            var ends = new int[list.Count];
            var at = 0;
            for (var i = 0; i < list.Count; i++)
            {
                list[i].Value.CopyTo(data, at);
                ends[i] = at += list[i].Value.Length;
            }

            return new([.. list.Select(m => m.Topic)], [.. list.Select(m => m.Key)], data, ends);
        }

        public IEnumerable<(string Topic, string Key, byte[] Value)> All()
        {
            for (var i = 0; i < ends.Length; i++)
            {
                var start = i == 0 ? 0 : ends[i - 1];
                yield return (topics[i], keys[i], data[start..ends[i]]);
            }
        }
    }

    private static IEnumerable<(string Topic, string Key, byte[] Value)> Messages(Zipf zipf, string accounts, int from, int count)
    {
        var random = new Random(17 + from);
        var now = DateTimeOffset.UtcNow;
        for (var i = from; i < from + count; i++)
        {
            var account = $"{accounts}{zipf.Next()}.example";
            var contact = $"person{random.Next(6)}@{account}";
            var roll = random.Next(100);
            var signal = roll switch
            {
                < 60 => Signal(i, SignalTypes.PageViewed, "web", account, contact, now, Categories[random.Next(Categories.Length)]),
                < 65 => Signal(i, SignalTypes.ContentDownloaded, "web", account, contact, now, "case_study"),
                < 70 => Signal(i, SignalTypes.FormSubmitted, "web", account, contact, now, null) with { Detail = new SignalDetail { FormKind = random.Next(5) == 0 ? "demo_request" : "content_download" } },
                < 80 => Signal(i, SignalTypes.ChatMessagePosted, "chat", account, contact, now, null) with { Detail = new SignalDetail { Intents = [Intents[random.Next(Intents.Length)]], ChatAuthor = "visitor" } },
                < 92 => Signal(i, random.Next(10) == 0 ? SignalTypes.EmailReplied : SignalTypes.EmailOpened, "email", account, contact, now, null) with { Detail = new SignalDetail { ReplyKind = "positive" } },
                _ => Signal(i, SignalTypes.MeetingHeld, "meetings", account, contact, now, null) with { Detail = new SignalDetail { MeetingMode = random.Next(4) == 0 ? "in_person" : "virtual", Attendees = [contact] } },
            };
            yield return (Topics.JourneySignals, account, ContractJson.Serialize(signal));
        }
    }

    private static JourneySignal Signal(int i, string type, string channel, string account, string contact, DateTimeOffset at, string? category) =>
        new(Guid.NewGuid(), "https://vendor.example/bench", "bench-" + i, type, channel, at, account, contact, null,
            category is null ? null : "https://vendor.example/" + category, category, null);

    private static async Task AppendRawBatchAsync(EventStore.EventStore store, Zipf zipf, int from, int count, string accounts = "raw")
    {
        var now = DateTimeOffset.UtcNow;
        var rows = Enumerable.Range(from, count).Select(i =>
        {
            var account = $"{accounts}{zipf.Next()}.example";
            var e = new SignalRecorded(account, now, Guid.NewGuid(), SignalTypes.PageViewed, "web", now, $"person{i % 6}@{account}", "https://vendor.example/pricing", "pricing")
            {
                Keys = ["page:pricing"],
                Evidence = new Dictionary<string, double> { [BuyingJobs.SupplierSelection] = 2 },
            };
            return (Stream: JourneyEventTypes.StreamId(account), Event: new NewEvent(e.EventId, e));
        }).ToList();
        await store.PrepareAsync(rows.Select(r => r.Event), default);
        await using var session = await store.BeginSessionAsync(rows.Select(r => r.Stream).Distinct(), default);
        foreach (var group in rows.GroupBy(r => r.Stream))
        {
            session.Append(group.Key, ExpectedVersion.Any, group.Select(r => r.Event));
        }

        await session.CommitAsync(default);
    }

    /// <summary>Until the Journey has stored offsets past <paramref name="count"/> signals after the JIT's warm-up.</summary>
    private Task ConsumedAsync(NpgsqlDataSource dataSource, long count)
    {
        count += _offsetBase;
        return PollAsync(
            async () =>
            {
                try
                {
                    return await CountAsync(dataSource, $"SELECT coalesce(sum(next_offset), 0)::bigint FROM demand.consumer_offsets WHERE consumer_group = 'bench-journey' AND topic = '{Topics.JourneySignals}'") >= count;
                }
                catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UndefinedTable)
                {
                    return false; // Not created yet.
                }
            },
            TimeSpan.FromMinutes(10),
            "the journey to get through the signals");
    }

    /// <summary>Until the condition holds, checking every 20 ms (round ends are timed by it), or a timeout naming what was awaited.</summary>
    private static async Task PollAsync(Func<Task<bool>> done, TimeSpan within, string what)
    {
        var deadline = DateTime.UtcNow + within;
        while (!await done())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out after {within} waiting for {what}.");
            }

            await Task.Delay(20);
        }
    }

    private static async Task<(long All, long HeapOnly)> RowUpdatesAsync(NpgsqlDataSource dataSource) =>
        (await CountAsync(dataSource, "SELECT n_tup_upd FROM pg_stat_user_tables WHERE schemaname = 'demand' AND relname = 'account_journeys'"),
         await CountAsync(dataSource, "SELECT n_tup_hot_upd FROM pg_stat_user_tables WHERE schemaname = 'demand' AND relname = 'account_journeys'"));

    private static Task<long> WalPositionAsync(NpgsqlDataSource dataSource) =>
        CountAsync(dataSource, "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint");

    private static async Task<long> CountAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var cmd = dataSource.CreateCommand(sql);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private Task<IHost> StartJourneyAsync() =>
        _cluster.StartServiceAsync(
            new Dictionary<string, string?>
            {
                ["Demand:Journey:ConsumerGroup"] = "bench-journey",
                ["Demand:Journey:Lanes"] = _lanes?.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Demand:Journey:MaxBatchSize"] = BatchSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Demand:Roster:People:0:Id"] = "quinn",
                ["Demand:Roster:People:0:Specialty"] = "qualification",
                ["Demand:Roster:People:0:Capacity"] = "100000",
                ["Demand:Roster:People:1:Id"] = "pia",
                ["Demand:Roster:People:1:Specialty"] = "pricing",
                ["Demand:Roster:People:1:Capacity"] = "100000",
                ["Demand:Roster:People:2:Id"] = "sol",
                ["Demand:Roster:People:2:Specialty"] = "solutions",
                ["Demand:Roster:People:2:Capacity"] = "100000",
            },
            (services, configuration) => services.AddJourney(configuration));
}
