using System.Diagnostics;
using Confluent.Kafka;
using DemandCenter.Contracts;
using DemandCenter.Ingestion.Domain;
using DemandCenter.Kafka;
using DemandCenter.Telemetry;

namespace DemandCenter.Ingestion.Forwarding;

/// <summary>Where an evaluated message goes: the journey topic keyed by account, or the dead-letter topic with its reason.</summary>
public sealed class SignalRouter(SharedProducer producer)
{
    public Task ForwardAsync(JourneySignal signal, string? traceParent, CancellationToken ct)
    {
        var headers = new Headers()
            .AddString(MessageHeaders.TraceParent, traceParent ?? Activity.Current?.Id)
            .AddString("ce_source", signal.Source)
            .AddString("ce_id", signal.EventId);
        return producer.ProduceAsync(Topics.JourneySignals, signal.AccountId, ContractJson.Serialize(signal), headers, ct);
    }

    /// <summary>The original bytes, key and headers, plus headers naming the reason and where the message came from.</summary>
    public Task DeadLetterAsync(ConsumeResult<string, byte[]> original, Rejected rejected, CancellationToken ct)
    {
        DemandMetrics.SignalsRejected.Add(1, new KeyValuePair<string, object?>("reason", rejected.Code));
        var headers = new Headers();
        foreach (var h in original.Message.Headers ?? [])
        {
            headers.Add(h.Key, h.GetValueBytes());
        }

        foreach (var (key, value) in DeadLetters.OriginHeaders(original, rejected.Reason))
        {
            headers.AddString(key, value);
        }

        return producer.ProduceAsync(Topics.DeadLetter, original.Message.Key ?? "", original.Message.Value ?? [], headers, ct);
    }
}
