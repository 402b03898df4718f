using System.Globalization;
using Confluent.Kafka;
using DemandCenter.Contracts;

namespace DemandCenter.Kafka;

/// <summary>What every dead letter carries besides the original key, bytes and headers: why, and where it came from.</summary>
public static class DeadLetters
{
    public static IEnumerable<KeyValuePair<string, string>> OriginHeaders(ConsumeResult<string, byte[]> original, string reason) =>
    [
        new(MessageHeaders.DeadLetterReason, reason),
        new(MessageHeaders.SourceTopic, original.Topic),
        new(MessageHeaders.SourcePartition, original.Partition.Value.ToString(CultureInfo.InvariantCulture)),
        new(MessageHeaders.SourceOffset, original.Offset.Value.ToString(CultureInfo.InvariantCulture)),
    ];
}
