namespace DemandCenter.EventStore;

/// <summary>Where an event came from and why: carried with it, never part of its data.</summary>
public sealed record EventMetadata
{
    public string? CorrelationId { get; init; }
    public string? CausationId { get; init; }
    public string? TraceParent { get; init; }
    public string? SourceTopic { get; init; }
    public int? SourcePartition { get; init; }
    public long? SourceOffset { get; init; }

    public static EventMetadata Empty { get; } = new();
}

/// <summary>An event to append: its id (appends are idempotent by it), the event object and its metadata.</summary>
public sealed record NewEvent(Guid EventId, object Data, EventMetadata? Metadata = null);

/// <summary>
/// An event already serialized (UTF-8 JSON): the hot path for callers (and benchmarks) that hold JSON. Bytes, because
/// that is what the serializer makes and what the store's COPY sends: a string between them was decoded and encoded
/// again for every event.
/// </summary>
public sealed record RawNewEvent(Guid EventId, string Type, byte[] Json, byte[]? MetadataJson = null)
{
    public RawNewEvent(Guid eventId, string type, string json, string? metadataJson = null)
        : this(eventId, type, System.Text.Encoding.UTF8.GetBytes(json), metadataJson is null ? null : System.Text.Encoding.UTF8.GetBytes(metadataJson))
    {
    }
}

public static class ExpectedVersion
{
    /// <summary>Append whatever the stream's version.</summary>
    public const long Any = -1;

    /// <summary>The stream must not exist yet.</summary>
    public const long NoStream = 0;
}

public sealed class ConcurrencyException(string streamId, long expected, long actual)
    : Exception($"Stream '{streamId}' is at version {actual}, not the expected {expected}.")
{
    public string StreamId { get; } = streamId;
    public long Expected { get; } = expected;
    public long Actual { get; } = actual;
}

/// <summary>Some, but not all, of an append's event ids are already stored: not a retry, a conflict.</summary>
public sealed class PartialDuplicateException(string streamId, IReadOnlyCollection<Guid> known)
    : Exception($"Stream '{streamId}': {known.Count} of the appended events are already stored under the same ids.")
{
    public string StreamId { get; } = streamId;
    public IReadOnlyCollection<Guid> Known { get; } = known;
}

/// <summary>Appended events already stored under the same ids, in a session that refuses repeats (<see cref="EventSession.RefuseRepeats"/>): nothing was written.</summary>
public sealed class RepeatedEventException(IReadOnlyCollection<Guid> known)
    : Exception($"{known.Count} of the appended events are already stored under the same ids, and the session refuses repeats.")
{
    /// <summary>Every appended event already stored, over all of the session's streams.</summary>
    public IReadOnlyCollection<Guid> Known { get; } = known;
}

public sealed record CommitResult(int Appended, int SkippedAsDuplicates, IReadOnlyDictionary<string, long> StreamVersions);

/// <summary>A message for Kafka, published once the transaction that decided it commits.</summary>
public sealed record OutboxMessage(string Topic, string Key, byte[] Payload, IReadOnlyDictionary<string, string> Headers);
