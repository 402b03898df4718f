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
