using System.Diagnostics;
using Confluent.Kafka;
using DemandCenter.Contracts;
using DemandCenter.Embedded;
using DemandCenter.Ingestion;
using DemandCenter.Kafka;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace DemandCenter.Benchmarks;

/// <summary>
/// Ingestion throughput (validation, dedupe, identity resolution, forwarding) for a realistic mix of events, against
/// the raw rate at which a plain consumer reads the same messages from the same broker in the same run.
/// </summary>
public sealed class IngestionBenchmark : IAsyncDisposable
{
    // Eight lots of 20,000: enough batches (of up to 5,000) for the methods that run once per batch to reach the JIT's
    // optimized tier before the clock starts. With one lot of 20,000 the tiered compiler was still using 0.2-0.35 of a
    // core during the timed run (per-thread CPU from /proc), which a process running for hours never pays.
    private const int WarmupLot = 20_000, WarmupLots = 8, Warmup = WarmupLot * WarmupLots;
    private const int Partitions = 8;
    private readonly BenchCluster _cluster;
    private readonly MockCluster _kafka;
    private readonly int _messages;

    private IngestionBenchmark(BenchCluster cluster, int messages)
    {
        _cluster = cluster;
        _kafka = cluster.Kafka;
        _messages = messages;
    }

    // The in-process broker keeps about 5 MiB per partition: 100,000 events stay well inside that.
    public static async Task<IngestionBenchmark> StartAsync(bool quick) =>
        new(await BenchCluster.StartAsync(Partitions), quick ? 10_000 : 100_000);

    public async Task RunAsync(TextWriter output)
    {
        output.WriteLine();
        output.WriteLine($"Ingestion: {_messages:N0} CloudEvents (70% web, 15% email, 10% chat, 5% meetings/CRM; 14% from anonymous visitors), 8 partitions per topic, after a warm-up of {Warmup:N0}");
        using var raw = new ConsumerBuilder<string, byte[]>(new ConsumerConfig
        {
            BootstrapServers = _kafka.BootstrapServers,
            GroupId = "bench-raw",
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
            SessionTimeoutMs = 4_000, // the in-process broker holds a group join for the session timeout less a second
            HeartbeatIntervalMs = 500,
        }).Build();
        raw.Subscribe(Topics.Inbound);
        using var host = await StartIngestionAsync();
        var dataSource = host.Services.GetRequiredService<NpgsqlDataSource>();

        // Warm-up: both paths read a first lot untimed (group joins, JIT, caches), then the same next lot timed.
        // Lot by lot, since the in-process broker keeps only about 5 MiB per partition.
        for (var lot = 0; lot < WarmupLots; lot++)
        {
            Produce(lot * WarmupLot, WarmupLot);
            Read(raw, WarmupLot);
            await SeenAsync(dataSource, (lot + 1) * WarmupLot);
        }

        double rawRate;
        Stopwatch clock;
        Dictionary<TopicPartition, long> ends;
        await using (var hold = await dataSource.OpenConnectionAsync())
        {
            // Ingestion waits at its first look-up while the timed lot is produced and read raw, so neither the producer
            // nor the raw reader shares the cores with it, and it starts the clock with (at most) one batch evaluated.
            await using var held = await hold.BeginTransactionAsync();
            await using (var cmd = new NpgsqlCommand("LOCK TABLE demand.ingestion_seen IN ACCESS EXCLUSIVE MODE", hold, held))
            {
                await cmd.ExecuteNonQueryAsync();
            }

            Produce(Warmup, _messages);
            clock = Stopwatch.StartNew();
            Read(raw, _messages);
            rawRate = _messages / clock.Elapsed.TotalSeconds;
            ends = EndOffsets(raw, Warmup + _messages);
            clock.Restart();
        }

        await CommittedAsync(ends);
        var ingestRate = _messages / clock.Elapsed.TotalSeconds;
        await SeenAsync(dataSource, Warmup + _messages);
        raw.Close();
        await host.StopAsync();

        output.WriteLine("| path | events/s | ratio to raw consume |");
        output.WriteLine("|---|---:|---:|");
        output.WriteLine($"| raw consume (plain consumer, same messages) | {rawRate:N0} | 1.00 |");
        output.WriteLine($"| ingestion (validate, dedupe, resolve identity, forward, record) | {ingestRate:N0} | {ingestRate / rawRate:F3} |");
    }

    public ValueTask DisposeAsync() => _cluster.DisposeAsync();

    private void Produce(int from, int count) => _cluster.ProduceAll(Messages(from, count));

    private static IEnumerable<(string Topic, string Key, byte[] Value)> Messages(int from, int count)
    {
        var random = new Random(11 + from);
        var now = DateTimeOffset.UtcNow;
        for (var i = from; i < from + count; i++)
        {
            // 40,000 people at 5,000 accounts; each person browses under one visitor id.
            var person = random.Next(40_000);
            var account = $"account{person % 5_000}.example";
            var email = $"person{person}@{account}";
            var anonymous = "v-" + person;
            var roll = random.Next(100);
            var (type, data) = roll switch
            {
                < 14 => (SignalTypes.PageViewed, (object)new { anonymousId = anonymous, url = "https://vendor.example/pricing", title = "Pricing" }),
                < 60 => (SignalTypes.PageViewed, new { anonymousId = anonymous, email, url = "https://vendor.example/docs/" + random.Next(100), durationSeconds = 30 }),
                < 65 => (SignalTypes.FormSubmitted, new { anonymousId = anonymous, email, formKind = "demo_request" }),
                < 70 => (SignalTypes.ContentDownloaded, new { email, assetId = "guide-" + random.Next(20) }),
                < 77 => (SignalTypes.EmailOpened, new { email, messageId = "m-" + i }),
                < 83 => (SignalTypes.EmailClicked, new { email, anonymousId = anonymous, messageId = "m-" + i, url = "https://vendor.example/pricing" }),
                < 85 => (SignalTypes.EmailReplied, new { email, messageId = "m-" + i, replyKind = "positive" }),
                < 95 => (SignalTypes.ChatMessagePosted, new { anonymousId = anonymous, email, conversationId = "c-" + random.Next(10_000), author = "visitor", intents = new[] { "pricing" } }),
                < 98 => (SignalTypes.MeetingHeld, new { accountDomain = account, meetingId = "mt-" + i, sellerId = "ana", mode = "virtual" }),
                _ => (SignalTypes.CrmAccountUpdated, new { accountDomain = account, name = "Account", ownerSellerId = "ana" }),
            };
            var ce = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(new { specversion = "1.0", id = "bench-" + i, source = "https://vendor.example/bench", type, time = now, data });
            yield return (SignalTypes.TopicOf[type], account, ce);
        }
    }

    private static void Read(IConsumer<string, byte[]> consumer, int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(5);
        for (var read = 0; read < count && DateTime.UtcNow < deadline;)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(100)) is { IsPartitionEOF: false })
            {
                read++;
            }
        }
    }

    /// <summary>
    /// Until the ingestion group has committed offsets past every message (it commits only after the batch's forwards
    /// were acknowledged and its record committed). Cheap to ask, unlike counting the record while it is being written.
    /// </summary>
    private async Task CommittedAsync(Dictionary<TopicPartition, long> ends)
    {
        using var group = new ConsumerBuilder<string, byte[]>(new ConsumerConfig { BootstrapServers = _kafka.BootstrapServers, GroupId = "bench-ingestion" }).Build();
        var partitions = ends.Keys.ToList();
        await UntilAsync(() => Task.FromResult(group.Committed(partitions, TimeSpan.FromSeconds(10)).All(c => c.Offset.Value >= ends[c.TopicPartition])));
    }

    /// <summary>Where each inbound partition ends, checked against the number of messages produced.</summary>
    private static Dictionary<TopicPartition, long> EndOffsets(IConsumer<string, byte[]> consumer, long count)
    {
        var ends = Topics.Inbound.SelectMany(t => Enumerable.Range(0, Partitions).Select(p => new TopicPartition(t, p)))
            .ToDictionary(tp => tp, tp => consumer.QueryWatermarkOffsets(tp, TimeSpan.FromSeconds(10)).High.Value);
        return ends.Values.Sum() == count ? ends : throw new InvalidOperationException($"Expected {count} messages on the inbound topics, found {ends.Values.Sum()}.");
    }

    private static Task SeenAsync(NpgsqlDataSource dataSource, long count) => UntilAsync(async () =>
    {
        await using var cmd = dataSource.CreateCommand("SELECT count(*) FROM demand.ingestion_seen");
        return (long)(await cmd.ExecuteScalarAsync())! >= count;
    });

    private static async Task UntilAsync(Func<Task<bool>> done)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(5);
        while (DateTime.UtcNow < deadline)
        {
            if (await done())
            {
                return;
            }

            await Task.Delay(20);
        }

        throw new TimeoutException("Ingestion did not get through the messages.");
    }

    private Task<IHost> StartIngestionAsync() =>
        _cluster.StartServiceAsync(new Dictionary<string, string?> { ["Demand:Ingestion:ConsumerGroup"] = "bench-ingestion" }, (services, configuration) => services.AddIngestion(configuration));
}
