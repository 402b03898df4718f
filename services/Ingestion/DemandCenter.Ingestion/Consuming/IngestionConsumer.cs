using System.Diagnostics;
using Confluent.Kafka;
using DemandCenter.Contracts;
using DemandCenter.Ingestion.Domain;
using DemandCenter.Ingestion.Forwarding;
using DemandCenter.Kafka;
using DemandCenter.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DemandCenter.Ingestion.Consuming;

/// <summary>
/// Reads every inbound contract topic, forwards valid signals to the Journey and dead-letters the rest.
/// Offsets are committed only after every forward and dead-letter of the batch was acknowledged by the broker.
/// </summary>
public sealed class IngestionConsumer(
    KafkaClients clients,
    SignalIntake intake,
    SignalRouter router,
    IOptions<IngestionOptions> options,
    ILogger<IngestionConsumer> logger) : BatchConsumer(clients, logger)
{
    protected override string GroupId => options.Value.ConsumerGroup;

    protected override IReadOnlyCollection<string> Topics => Contracts.Topics.Inbound;

    protected override async Task HandleBatchAsync(IReadOnlyList<ConsumeResult<string, byte[]>> batch, CancellationToken ct)
    {
        var deliveries = new List<Task>(batch.Count);
        foreach (var message in batch)
        {
            var headers = SignalRouter.ReadHeaders(message.Message.Headers);
            headers.TryGetValue(MessageHeaders.TraceParent, out var parent);
            using var activity = DemandTelemetry.Source.StartActivity("ingest " + message.Topic, ActivityKind.Consumer, parent);
            var result = intake.Evaluate(new InboundMessage(message.Message.Value ?? [], headers, message.Topic));
            switch (result)
            {
                case Accepted accepted:
                    activity?.SetTag("demand.signal.type", accepted.Signal.Type);
                    DemandMetrics.SignalsAccepted.Add(1, new KeyValuePair<string, object?>("type", accepted.Signal.Type));
                    deliveries.Add(router.ForwardAsync(accepted, activity?.Id, ct));
                    break;
                case Rejected rejected:
                    activity?.SetTag("demand.rejected", rejected.Code);
                    logger.LogInformation("Dead-lettering {Topic}/{Partition}@{Offset}: {Code}", message.Topic, message.Partition.Value, message.Offset.Value, rejected.Code);
                    deliveries.Add(router.DeadLetterAsync(message, rejected, ct));
                    break;
            }
        }

        await Task.WhenAll(deliveries);
    }
}
