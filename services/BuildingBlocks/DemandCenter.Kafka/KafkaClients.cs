using Confluent.Kafka;
using Microsoft.Extensions.Options;

namespace DemandCenter.Kafka;

/// <summary>Builds consumers with the settings every consumer in the product shares.</summary>
public sealed class KafkaClients(IOptions<KafkaOptions> options)
{
    public KafkaOptions Options => options.Value;

    public ConsumerConfig ConsumerConfig(string groupId, AutoOffsetReset reset = AutoOffsetReset.Earliest)
    {
        LibrdkafkaLoader.EnsureLoaded();
        var o = options.Value;
        var config = new ConsumerConfig
        {
            BootstrapServers = o.BootstrapServers,
            GroupId = groupId,
            EnableAutoCommit = false,
            EnableAutoOffsetStore = false,
            AutoOffsetReset = reset,
            SessionTimeoutMs = o.SessionTimeoutMs,
            HeartbeatIntervalMs = o.HeartbeatIntervalMs,

            // Range gives partition N of every subscribed topic to the same member: the Journey's signals and commands
            // topics are co-partitioned by account, so one instance owns all of an account's input.
            PartitionAssignmentStrategy = PartitionAssignmentStrategy.Range,
        };
        // Without this a live tail waits up to 500 ms per fetch; prompts must reach a seller well within a second. A signal
        // crosses three consumers before a seller sees it: at 5 ms the load test's p50 fell from 48-62 to 44 ms and its p99
        // from 160-192 to 104-119 ms against 10 ms, in alternating runs (BENCHMARKS.md, Hub).
        config.Set("fetch.wait.max.ms", "5");
        foreach (var (key, value) in o.Settings)
        {
            config.Set(key, value);
        }

        return config;
    }

    public ProducerConfig ProducerConfig()
    {
        LibrdkafkaLoader.EnsureLoaded();
        var o = options.Value;
        var config = new ProducerConfig
        {
            BootstrapServers = o.BootstrapServers,
            EnableIdempotence = true,
            Acks = Acks.All,
            LingerMs = 2,
        };
        foreach (var (key, value) in o.Settings)
        {
            config.Set(key, value);
        }

        return config;
    }
}
