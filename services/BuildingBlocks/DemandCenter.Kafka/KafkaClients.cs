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
        // A Kafka broker answers a fetch as soon as there is data, so the wait only bounds an idle poll; the in-process
        // broker waits it out every time and sets its own (MockCluster.ClientConfiguration).
        foreach (var (key, value) in o.Settings.Concat(o.ConsumerSettings))
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
        foreach (var (key, value) in o.Settings.Concat(o.ProducerSettings))
        {
            config.Set(key, value);
        }

        return config;
    }
}
