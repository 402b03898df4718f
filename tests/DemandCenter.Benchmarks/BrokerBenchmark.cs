using System.Diagnostics;
using Confluent.Kafka;
using DemandCenter.Kafka;

namespace DemandCenter.Benchmarks;

/// <summary>
/// ./demand bench --broker: the in-process broker's two behaviours that the embedded mode's client settings work around
/// (<see cref="MockCluster.ClientConfiguration"/>), each measured against librdkafka's default in the same run:
/// the time to have a lot of messages to 8 partitions acknowledged with five produce requests in flight and with one, and a
/// live tail's produce -> consume latency at two fetch waits.
/// </summary>
public static class BrokerBenchmark
{
    private const string Topic = "bench.broker";

    public static async Task RunAsync(bool quick, TextWriter output)
    {
        using var cluster = new MockCluster();
        cluster.CreateTopic(Topic, 8);
        var rounds = quick ? 5 : 20;
        output.WriteLine();
        output.WriteLine($"In-process broker: produce acknowledgement for a lot to 8 partitions (median of {rounds}, alternating), and produce -> consume on a live tail");
        output.WriteLine("| lot | 5 in flight (default) | 1 in flight | ratio |");
        output.WriteLine("|---:|---:|---:|---:|");
        using var five = Producer(cluster, 5);
        using var one = Producer(cluster, 1);
        foreach (var lot in new[] { 1, 100, 2_000 })
        {
            List<double> withFive = [], withOne = [];
            for (var round = 0; round < rounds; round++)
            {
                withFive.Add(await AcknowledgedAsync(five, lot));
                withOne.Add(await AcknowledgedAsync(one, lot));
            }

            output.WriteLine($"| {lot:N0} | {Percentile.Of(withFive, 50):0.0} ms | {Percentile.Of(withOne, 50):0.0} ms | {Percentile.Of(withOne, 50) / Percentile.Of(withFive, 50):0.00} |");
        }

        output.WriteLine("| fetch.wait.max.ms | produce -> consume p50 | p90 |");
        output.WriteLine("|---:|---:|---:|");
        foreach (var wait in new[] { 500, 5, 1 })
        {
            var latencies = Tail(cluster, one, wait, quick ? 20 : 60);
            output.WriteLine($"| {wait} | {Percentile.Of(latencies, 50):0.0} ms | {Percentile.Of(latencies, 90):0.0} ms |");
        }
    }

    private static IProducer<string, byte[]> Producer(MockCluster cluster, int inFlight)
    {
        var config = new ProducerConfig { BootstrapServers = cluster.BootstrapServers, EnableIdempotence = true, Acks = Acks.All, MaxInFlight = inFlight, LingerMs = 0 };
        var producer = new ProducerBuilder<string, byte[]>(config).Build();
        producer.ProduceAsync(Topic, new Message<string, byte[]> { Key = "warm", Value = [] }).GetAwaiter().GetResult();
        return producer;
    }

    private static async Task<double> AcknowledgedAsync(IProducer<string, byte[]> producer, int lot)
    {
        var value = new byte[300];
        var clock = Stopwatch.StartNew();
        var acks = new Task[lot];
        for (var i = 0; i < lot; i++)
        {
            acks[i] = producer.ProduceAsync(Topic, new Message<string, byte[]> { Key = "k" + i, Value = value });
        }

        await Task.WhenAll(acks);
        return clock.Elapsed.TotalMilliseconds;
    }

    private static List<double> Tail(MockCluster cluster, IProducer<string, byte[]> producer, int fetchWaitMs, int count)
    {
        var config = new ConsumerConfig { BootstrapServers = cluster.BootstrapServers, GroupId = "bench-tail-" + fetchWaitMs, EnableAutoCommit = false };
        config.Set("fetch.wait.max.ms", fetchWaitMs.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var consumer = new ConsumerBuilder<string, byte[]>(config).Build();
        var ends = Enumerable.Range(0, 8).Select(p => new TopicPartition(Topic, p)).ToList();
        consumer.Assign(ends.Select(tp => new TopicPartitionOffset(tp, consumer.QueryWatermarkOffsets(tp, TimeSpan.FromSeconds(10)).High)));
        consumer.Consume(TimeSpan.FromMilliseconds(200)); // connected and fetching before the first timed message
        var latencies = new List<double>();
        for (var i = 0; i < count; i++)
        {
            var key = $"tail-{fetchWaitMs}-{i}";
            var clock = Stopwatch.StartNew();
            producer.Produce(Topic, new Message<string, byte[]> { Key = key, Value = [] });
            while (consumer.Consume(TimeSpan.FromSeconds(5)) is not { } result || result.Message.Key != key)
            {
                // other messages (none expected) are skipped; a missing one fails the deadline below
                if (clock.Elapsed > TimeSpan.FromSeconds(10))
                {
                    throw new TimeoutException($"message {key} did not arrive");
                }
            }

            latencies.Add(clock.Elapsed.TotalMilliseconds);
        }

        return latencies;
    }
}
