using Confluent.Kafka;
using DemandCenter.Contracts;
using DemandCenter.Embedded;
using DemandCenter.Kafka;

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
        using var producer = new ProducerBuilder<string, byte[]>(new ProducerConfig { BootstrapServers = Kafka.BootstrapServers, LingerMs = 20, BatchSize = 1_000_000 }).Build();
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

    public async ValueTask DisposeAsync()
    {
        Kafka.Dispose();
        await Postgres.StopAsync();
        Directory.Delete(Postgres.RootDir, recursive: true);
    }
}
