namespace DemandCenter.Kafka;

/// <summary>Bound from the "Demand:Kafka" section. In embedded mode the host fills BootstrapServers with the mock cluster's address.</summary>
public sealed class KafkaOptions
{
    public const string Section = "Demand:Kafka";

    public string BootstrapServers { get; set; } = "";

    /// <summary>Partitions per topic when the host creates topics (embedded mode, tests).</summary>
    public int Partitions { get; set; } = 8;

    /// <summary>Group membership timeouts. Defaults suit a real cluster; tests lower them to speed up rebalances.</summary>
    public int SessionTimeoutMs { get; set; } = 10_000;

    public int HeartbeatIntervalMs { get; set; } = 1_000;

    /// <summary>Extra librdkafka settings (for example security.protocol, sasl.*) applied to every client.</summary>
    public Dictionary<string, string> Settings { get; } = new(StringComparer.Ordinal);

    /// <summary>Extra librdkafka settings applied to consumers only, after <see cref="Settings"/>.</summary>
    public Dictionary<string, string> ConsumerSettings { get; } = new(StringComparer.Ordinal);

    /// <summary>Extra librdkafka settings applied to producers only, after <see cref="Settings"/>.</summary>
    public Dictionary<string, string> ProducerSettings { get; } = new(StringComparer.Ordinal);
}
