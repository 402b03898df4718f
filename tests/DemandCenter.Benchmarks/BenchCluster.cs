using Confluent.Kafka;
using DemandCenter.Contracts;
using DemandCenter.Embedded;
using DemandCenter.Kafka;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace DemandCenter.Benchmarks;

/// <summary>
/// What the throughput benchmarks run on: a private, durable PostgreSQL (database "bench") and the in-process
/// Kafka-protocol broker with every contract topic, removed again on dispose.
/// </summary>
public sealed class BenchCluster : IAsyncDisposable
{
    private BenchCluster(EmbeddedPostgres postgres, MockCluster kafka)
    {
        Postgres = postgres;
        Kafka = kafka;
    }

    public EmbeddedPostgres Postgres { get; }

    public MockCluster Kafka { get; }

    public string ConnectionString => Postgres.ConnectionString("bench");

    public static async Task<BenchCluster> StartAsync(int partitions)
    {
        var postgres = new EmbeddedPostgres(Path.Combine(Path.GetTempPath(), "demand-bench-" + Guid.NewGuid().ToString("n")[..8]), Console.WriteLine, durable: true);
        await postgres.StartAsync();
        CpuMeter.Watch(Path.Combine(postgres.RootDir, "data"));
        await postgres.CreateDatabaseAsync("bench");
        var kafka = new MockCluster();
        foreach (var topic in Topics.All)
        {
            kafka.CreateTopic(topic, partitions);
        }

        return new BenchCluster(postgres, kafka);
    }

    /// <summary>Publishes the messages as fast as the broker takes them, then waits until all are delivered.</summary>
    public void ProduceAll(IEnumerable<(string Topic, string Key, byte[] Value)> messages)
    {
        using var producer = Producer();
        ProduceAll(producer, messages);
    }

    /// <summary>
    /// A producer for repeated <see cref="ProduceAll(IProducer{string, byte[]}, IEnumerable{ValueTuple{string, string, byte[]}})"/>
    /// calls: a new one first waits about a second for the broker (its connection and metadata) before it delivers anything.
    /// </summary>
    public IProducer<string, byte[]> Producer(string? transactionalId = null)
    {
        var config = new ProducerConfig { BootstrapServers = Kafka.BootstrapServers, LingerMs = 20, BatchSize = 1_000_000, TransactionalId = transactionalId };
        MockCluster.Configure(config);
        return new ProducerBuilder<string, byte[]>(config).Build();
    }

    /// <summary>Publishes the messages with this producer as fast as the broker takes them, then waits until all are delivered.</summary>
    public static void ProduceAll(IProducer<string, byte[]> producer, IEnumerable<(string Topic, string Key, byte[] Value)> messages)
    {
        ArgumentNullException.ThrowIfNull(producer);
        ArgumentNullException.ThrowIfNull(messages);
        foreach (var (topic, key, value) in messages)
        {
            while (true)
            {
                try
                {
                    producer.Produce(topic, new Message<string, byte[]> { Key = key, Value = value });
                    break;
                }
                catch (ProduceException<string, byte[]> ex) when (ex.Error.Code == ErrorCode.Local_QueueFull)
                {
                    producer.Poll(TimeSpan.FromMilliseconds(50)); // let deliveries drain, then queue the rest
                }
            }
        }

        producer.Flush(TimeSpan.FromMinutes(2));
    }

    /// <summary>Starts a service host on this cluster with the given extra settings, logging warnings only.</summary>
    public async Task<IHost> StartServiceAsync(IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection, IConfiguration> add)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        var all = new Dictionary<string, string?>
        {
            ["Demand:Postgres:ConnectionString"] = ConnectionString,
            ["Demand:Kafka:BootstrapServers"] = Kafka.BootstrapServers,
            ["Demand:Kafka:SessionTimeoutMs"] = "4000",
            ["Demand:Kafka:HeartbeatIntervalMs"] = "500",
        };
        foreach (var (key, value) in MockCluster.ClientConfiguration.Concat(settings))
        {
            all[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(all);
        builder.Services.AddLogging(l => l.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning));
        add(builder.Services, builder.Configuration);
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    /// <summary>
    /// Leaves the cluster with WAL segments to recycle, as a server that has run a while has them: a fresh cluster creates
    /// and zero-fills each 16 MiB segment when its WAL first reaches it, in whichever backend is flushing (a committing one,
    /// holding the WAL write lock) or the WAL writer. Writes that much WAL (logical messages, which nothing decodes), then
    /// checkpoints with <c>min_wal_size</c> raised so that the segments are kept for reuse instead of removed.
    /// </summary>
    public async Task PrepareWalAsync(int megabytes)
    {
        await using var conn = new Npgsql.NpgsqlConnection(ConnectionString);
        await conn.OpenAsync();
        foreach (var sql in new[]
                 {
                     $"ALTER SYSTEM SET min_wal_size = '{megabytes}MB'",
                     "SELECT pg_reload_conf()",
                     $"SELECT count(pg_logical_emit_message(false, 'bench-wal', repeat('x', 1048576))) FROM generate_series(1, {megabytes})",
                     "CHECKPOINT",
                 })
        {
            await using var cmd = new Npgsql.NpgsqlCommand(sql, conn);
            await cmd.ExecuteNonQueryAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        Kafka.Dispose();
        await Postgres.StopAsync();
        Directory.Delete(Postgres.RootDir, recursive: true);
    }
}
