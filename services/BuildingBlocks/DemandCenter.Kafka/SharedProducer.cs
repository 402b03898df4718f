using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace DemandCenter.Kafka;

/// <summary>
/// The one producer of a process. librdkafka batches and pipelines internally, so every publisher shares it;
/// callers await delivery (or produce many and then <see cref="Flush"/>) before they commit what they consumed.
/// </summary>
public sealed class SharedProducer : IDisposable
{
    private readonly IProducer<string, byte[]> _producer;

    public SharedProducer(KafkaClients clients, ILogger<SharedProducer> logger)
    {
        var config = clients.ProducerConfig();
        // Callers only look at the outcome; a report that carries no key, value or headers lets each message go as soon
        // as it is queued, rather than be held until it is acknowledged (thousands at a time under a backlog).
        config.DeliveryReportFields = "status";
        _producer = new ProducerBuilder<string, byte[]>(config)
            .SetLogHandler((_, m) => KafkaLog.Write(logger, m))
            .Build();
    }

    public Task<DeliveryResult<string, byte[]>> ProduceAsync(string topic, string key, byte[] value, Headers? headers = null, CancellationToken ct = default) =>
        _producer.ProduceAsync(topic, new Message<string, byte[]> { Key = key, Value = value, Headers = headers }, ct);

    /// <summary>Queues a message; <paramref name="onDelivered"/> sees the outcome. Pair with <see cref="Flush"/>.</summary>
    public void Produce(string topic, string key, byte[] value, Headers? headers, Action<DeliveryReport<string, byte[]>> onDelivered) =>
        _producer.Produce(topic, new Message<string, byte[]> { Key = key, Value = value, Headers = headers }, onDelivered);

    /// <summary>Waits until every queued message is delivered or failed; returns false when the timeout passed first.</summary>
    public bool Flush(TimeSpan timeout) => _producer.Flush(timeout) == 0;

    public void Dispose()
    {
        _producer.Flush(TimeSpan.FromSeconds(5));
        _producer.Dispose();
    }
}
