using Npgsql;

namespace DemandCenter.EventStore;

/// <summary>An event as the daemon hands it to projections: metadata always, the JSON only for the types the projection reads.</summary>
public sealed record RawEvent(long Sequence, ulong TxId, string StreamId, long Version, Guid EventId, string Type, DateTimeOffset RecordedAt, string? Json);

/// <summary>A page of the feed: its events, the position it read up to (past any events it skipped), and whether it hit its limit.</summary>
public sealed record FeedPage(IReadOnlyList<RawEvent> Events, ulong TxId, long Sequence, bool Full);

/// <summary>A batch of events to apply inside <see cref="Transaction"/>, which also moves the projection's checkpoint.</summary>
public sealed record ProjectionBatch(NpgsqlTransaction Transaction, string Table, IReadOnlyList<RawEvent> Events, EventSerializer Serializer)
{
    /// <summary>The event's data as its current type (upcast, personal fields opened).</summary>
    public object Data(RawEvent e) =>
        Serializer.Deserialize(e.Type, System.Text.Encoding.UTF8.GetBytes(e.Json ?? throw new InvalidOperationException($"This projection did not ask for the data of {e.Type} events (DataOf).")));
}

/// <summary>
/// A read model built asynchronously by the projection daemon from the global event order. Applying a batch and
/// moving the checkpoint commit together, so each event affects the table exactly once.
/// </summary>
public interface IAsyncProjection
{
    /// <summary>Stable name; the checkpoint is stored under it.</summary>
    string Name { get; }

    /// <summary>The table it serves reads from (unqualified; the store's schema is added).</summary>
    string Table { get; }

    /// <summary>
    /// The event types whose JSON it reads; for every other event type, stream and time suffice. The daemon reads no
    /// other event's JSON (a journey batch's events are mostly signals that a transition count never opens).
    /// </summary>
    IReadOnlyCollection<string> DataOf { get; }

    /// <summary>
    /// Whether it looks at no event outside <see cref="DataOf"/>: the feed then skips the others in the database
    /// instead of handing over every event's metadata (a journey's transitions are a few in a hundred of its events).
    /// </summary>
    bool ReadsOnlyDataOf => false;

    /// <summary>DDL creating an empty table of this projection's shape under <paramref name="qualifiedTable"/> (idempotent).</summary>
    string CreateTable(string qualifiedTable);

    Task ApplyAsync(ProjectionBatch batch, CancellationToken ct);
}

public sealed record ProjectionStatus(string Name, ulong TxId, long Sequence, string Status, string? Error, int Failures);

public sealed record RebuildProgress(string Projection, long Processed, long Total, double EventsPerSecond, bool Switched);
