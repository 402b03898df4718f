using System.Text.Json;
using Confluent.Kafka;
using DemandCenter.Contracts;
using DemandCenter.Kafka;

namespace DemandCenter.Benchmarks;

/// <summary>
/// Where a live signal's time goes between the services, read off the broker by a plain consumer of the forwarded
/// signals and the prompts: each message's Kafka timestamp is when its producer handed it over. Ingestion: the
/// simulator's publish -> the forward produced; to the decision: a prompt's newest evidence -> its createdAt; commit and
/// relay: createdAt -> the prompt message produced by the outbox relay.
/// </summary>
internal sealed class StageTaps : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _thread;
    private readonly List<double> _ingestion = [];
    private readonly List<double> _decision = [];
    private readonly List<double> _relay = [];
    private volatile bool _recording;

    public StageTaps(string bootstrapServers)
    {
        var config = new ConsumerConfig { BootstrapServers = bootstrapServers, GroupId = "bench-taps-" + Guid.NewGuid().ToString("n"), EnableAutoCommit = false };
        config.Set("fetch.wait.max.ms", "1");
        var consumer = new ConsumerBuilder<string, byte[]>(config).Build();
        consumer.Assign(new[] { Topics.JourneySignals, Topics.Prompts }.SelectMany(t => Enumerable.Range(0, 8).Select(p => new TopicPartitionOffset(t, p, Offset.End))));
        _thread = new Thread(() => Run(consumer)) { IsBackground = true, Name = "bench-taps" };
        _thread.Start();
    }

    public void Start()
    {
        lock (_ingestion)
        {
            _ingestion.Clear();
            _decision.Clear();
            _relay.Clear();
        }

        _recording = true;
    }

    public string Report() =>
        $"ingestion (publish -> forward) p50 {P(_ingestion, 50):0.0} / p99 {P(_ingestion, 99):0.0} ms; " +
        $"to the decision (publish -> createdAt) p50 {P(_decision, 50):0.0} / p99 {P(_decision, 99):0.0} ms; " +
        $"commit + relay (createdAt -> prompt produced) p50 {P(_relay, 50):0.0} / p99 {P(_relay, 99):0.0} ms";

    public void Dispose()
    {
        _stop.Cancel();
        _thread.Join();
        _stop.Dispose();
    }

    private double P(List<double> values, double p)
    {
        lock (_ingestion)
        {
            return Percentile.Of(values, p);
        }
    }

    private void Run(IConsumer<string, byte[]> consumer)
    {
        using (consumer)
        {
            while (!_stop.IsCancellationRequested)
            {
                var result = consumer.Consume(TimeSpan.FromMilliseconds(100));
                if (result?.Message is null || !_recording)
                {
                    continue;
                }

                var produced = result.Message.Timestamp.UtcDateTime;
                using var json = JsonDocument.Parse(result.Message.Value);
                var root = json.RootElement;
                lock (_ingestion)
                {
                    if (result.Topic == Topics.JourneySignals)
                    {
                        var occurred = root.GetProperty("occurredAt").GetDateTimeOffset();
                        if (produced - occurred < TimeSpan.FromSeconds(10))
                        {
                            _ingestion.Add((produced - occurred).TotalMilliseconds); // live signals only, not backdated history
                        }
                    }
                    else if (root.TryGetProperty("createdAt", out var createdAt) && root.TryGetProperty("evidence", out var evidence) && evidence.GetArrayLength() > 0)
                    {
                        var created = createdAt.GetDateTimeOffset();
                        var newest = evidence.EnumerateArray().Max(e => e.GetProperty("at").GetDateTimeOffset());
                        if (created - newest < TimeSpan.FromSeconds(10))
                        {
                            _decision.Add((created - newest).TotalMilliseconds);
                            _relay.Add((produced - created).TotalMilliseconds);
                        }
                    }
                }
            }
        }
    }
}
