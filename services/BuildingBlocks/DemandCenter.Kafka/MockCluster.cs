using System.Runtime.InteropServices;
using System.Text;

namespace DemandCenter.Kafka;

/// <summary>
/// librdkafka's mock cluster: a Kafka-protocol broker inside this process, listening on loopback.
/// It is the embedded mode's broker (no Kafka can be installed on the target machines) and the tests' broker.
/// Created through librdkafka's C API directly so that topics can be made with a chosen partition count,
/// which the mock's admin API does not support.
/// </summary>
public sealed partial class MockCluster : IDisposable
{
    private readonly IntPtr _rk;
    private readonly IntPtr _cluster;
    private bool _disposed;

    public MockCluster(int brokers = 1)
    {
        LibrdkafkaLoader.EnsureLoaded();
        var conf = Native.rd_kafka_conf_new();
        var err = new StringBuilder(512);
        Check(Native.rd_kafka_conf_set(conf, "test.mock.num.brokers", brokers.ToString(System.Globalization.CultureInfo.InvariantCulture), err, (UIntPtr)err.Capacity), err);
        Check(Native.rd_kafka_conf_set(conf, "log_level", "3", err, (UIntPtr)err.Capacity), err);
        _rk = Native.rd_kafka_new(0 /* producer */, conf, err, (UIntPtr)err.Capacity);
        if (_rk == IntPtr.Zero)
        {
            throw new InvalidOperationException("Could not start the mock Kafka cluster: " + err);
        }

        _cluster = Native.rd_kafka_handle_mock_cluster(_rk);
        BootstrapServers = Marshal.PtrToStringUTF8(Native.rd_kafka_mock_cluster_bootstraps(_cluster))
            ?? throw new InvalidOperationException("The mock cluster reported no bootstrap address.");
    }

    public string BootstrapServers { get; }

    /// <summary>
    /// Client settings for this broker, as configuration keys. Both work around the mock's behaviour, not Kafka's, so
    /// production keeps librdkafka's defaults (BENCHMARKS.md, "The in-process broker"):
    /// <list type="bullet">
    /// <item>The mock does not set TCP_NODELAY on its connections, so when a producer pipelines produce requests
    /// (librdkafka sends one per partition) the second response waits for the client's delayed ACK, about 40 ms, whatever
    /// the batch size. With one request in flight the next request carries that ACK: 2,000 messages to 8 partitions are
    /// acknowledged in 5-9 ms instead of 48-56 ms. Messages produced while a request is in flight are batched for the next
    /// one anyway, so there is no need to linger.</item>
    /// <item>The mock answers a fetch only when fetch.wait.max.ms has passed, even when data arrived sooner (a Kafka broker
    /// answers at once), so each consumer hop costs that wait: 5.5 ms at 5, 1.4 ms at 1.</item>
    /// </list>
    /// </summary>
    public static IReadOnlyDictionary<string, string?> ClientConfiguration { get; } = new Dictionary<string, string?>
    {
        ["Demand:Kafka:ProducerSettings:max.in.flight.requests.per.connection"] = "1",
        ["Demand:Kafka:ProducerSettings:linger.ms"] = "0",
        ["Demand:Kafka:ConsumerSettings:fetch.wait.max.ms"] = "1",
    };

    /// <summary>The producer settings of <see cref="ClientConfiguration"/>, for a producer built directly.</summary>
    public static void Configure(Confluent.Kafka.ProducerConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        const string prefix = "Demand:Kafka:ProducerSettings:";
        foreach (var (key, value) in ClientConfiguration.Where(s => s.Key.StartsWith(prefix, StringComparison.Ordinal)))
        {
            config.Set(key[prefix.Length..], value);
        }
    }

    public void CreateTopic(string name, int partitions, int replicationFactor = 1)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var code = Native.rd_kafka_mock_topic_create(_cluster, name, partitions, replicationFactor);
        if (code != 0)
        {
            throw new InvalidOperationException($"Could not create topic '{name}' on the mock cluster (librdkafka error {code}).");
        }
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        Native.rd_kafka_destroy(_rk);
    }

    private static void Check(int result, StringBuilder err)
    {
        if (result != 0)
        {
            throw new InvalidOperationException("librdkafka configuration failed: " + err);
        }
    }

    private static class Native
    {
        private const string Lib = "librdkafka";

#pragma warning disable SYSLIB1054, CA2101 // classic marshalling keeps the StringBuilder error buffer simple
        [DllImport(Lib)] public static extern IntPtr rd_kafka_conf_new();
        [DllImport(Lib, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)] public static extern int rd_kafka_conf_set(IntPtr conf, string name, string value, StringBuilder errstr, UIntPtr errstrSize);
        [DllImport(Lib, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)] public static extern IntPtr rd_kafka_new(int type, IntPtr conf, StringBuilder errstr, UIntPtr errstrSize);
        [DllImport(Lib)] public static extern void rd_kafka_destroy(IntPtr rk);
        [DllImport(Lib)] public static extern IntPtr rd_kafka_handle_mock_cluster(IntPtr rk);
        [DllImport(Lib)] public static extern IntPtr rd_kafka_mock_cluster_bootstraps(IntPtr cluster);
        [DllImport(Lib, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)] public static extern int rd_kafka_mock_topic_create(IntPtr cluster, string topic, int partitionCount, int replicationFactor);
#pragma warning restore SYSLIB1054, CA2101
    }
}
