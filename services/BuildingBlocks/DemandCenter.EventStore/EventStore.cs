using System.Text.Json;
using DemandCenter.Contracts;
using Microsoft.Extensions.Options;
using Npgsql;

namespace DemandCenter.EventStore;

public sealed record StoredEvent(long Sequence, string StreamId, long Version, Guid EventId, string Type, object Data, EventMetadata Metadata, DateTimeOffset RecordedAt);

/// <summary>How an aggregate's state is written to and read from a snapshot.</summary>
public sealed record SnapshotCodec<T>(Func<T, JsonElement> Write, Func<JsonElement, T> Read);

public sealed record AggregateResult<T>(T State, long Version, int Replayed, long? FromSnapshot);

/// <summary>Streams of events on PostgreSQL: sessions for writing, stream reads and aggregation (with time travel) for reading.</summary>
public sealed class EventStore(NpgsqlDataSource dataSource, EventStoreSchema schema, EventSerializer serializer, OutboxSignal outbox, IOptions<EventStoreOptions> options)
{
    private readonly string _s = schema.Schema;

    public EventSerializer Serializer => serializer;

    /// <summary>Opens a transaction and locks the streams it will append to (name them all now).</summary>
    public Task<EventSession> BeginSessionAsync(IEnumerable<string> streamIds, CancellationToken ct) =>
        EventSession.BeginAsync(dataSource, schema, serializer, outbox, streamIds, ct);

    /// <summary>Gets the personal-data keys these events need in one round trip; call before appending a large batch.</summary>
    public Task PrepareAsync(IEnumerable<NewEvent> events, CancellationToken ct) =>
        serializer.Protector.PrepareAsync(serializer.SubjectsOf(events.Select(e => e.Data)), ct);

    /// <summary>Appends to one stream in a transaction of its own.</summary>
    public async Task<CommitResult> AppendAsync(string streamId, long expectedVersion, IReadOnlyList<NewEvent> events, CancellationToken ct)
    {
        await PrepareAsync(events, ct);
        await using var session = await BeginSessionAsync([streamId], ct);
        session.Append(streamId, expectedVersion, events);
        return await session.CommitAsync(ct);
    }

    public async Task<long> StreamVersionAsync(string streamId, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand($"SELECT version FROM {_s}.events WHERE stream_id = @id ORDER BY version DESC LIMIT 1");
        cmd.Parameters.AddWithValue("id", streamId);
        return await cmd.ExecuteScalarAsync(ct) is long v ? v : 0;
    }

    /// <summary>A stream's events from <paramref name="fromVersion"/>, up to <paramref name="toVersion"/> and recorded no later than <paramref name="until"/>.</summary>
    public async Task<IReadOnlyList<StoredEvent>> ReadStreamAsync(string streamId, long fromVersion = 1, long? toVersion = null, DateTimeOffset? until = null, CancellationToken ct = default)
    {
        await using var cmd = dataSource.CreateCommand(
            $"""
            SELECT seq, stream_id, version, event_id, type, data::text, metadata::text, recorded_at FROM {_s}.events
            WHERE stream_id = @id AND version >= @from AND (@to::bigint IS NULL OR version <= @to) AND (@until::timestamptz IS NULL OR recorded_at <= @until)
            ORDER BY version
            """);
        cmd.Parameters.AddWithValue("id", streamId);
        cmd.Parameters.AddWithValue("from", fromVersion);
        cmd.Parameters.Add(new NpgsqlParameter("to", NpgsqlTypes.NpgsqlDbType.Bigint) { Value = (object?)toVersion ?? DBNull.Value });
        cmd.Parameters.Add(new NpgsqlParameter("until", NpgsqlTypes.NpgsqlDbType.TimestampTz) { Value = (object?)until ?? DBNull.Value });
        var list = new List<StoredEvent>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var type = reader.GetString(4);
            var data = serializer.Deserialize(type, System.Text.Encoding.UTF8.GetBytes(reader.GetString(5)));
            list.Add(new StoredEvent(
                reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2), reader.GetGuid(3), serializer.Types.NameOf(data.GetType()), data,
                JsonSerializer.Deserialize<EventMetadata>(reader.GetString(6), ContractJson.Options) ?? EventMetadata.Empty,
                reader.GetFieldValue<DateTimeOffset>(7)));
        }

        return list;
    }

    /// <summary>
    /// Folds a stream into state: as it is now, as of a version, or as it was at a moment (time travel). Starts from the
    /// latest snapshot at or below the target when a codec is given, and leaves a new snapshot after a long replay.
    /// </summary>
    public async Task<AggregateResult<T>> AggregateStreamAsync<T>(
        string streamId, T initial, Func<T, object, T> evolve, long? atVersion = null, DateTimeOffset? asOf = null, SnapshotCodec<T>? snapshots = null, CancellationToken ct = default)
    {
        var target = atVersion;
        if (asOf is not null)
        {
            await using var at = dataSource.CreateCommand($"SELECT coalesce(max(version), 0) FROM {_s}.events WHERE stream_id = @id AND recorded_at <= @t");
            at.Parameters.AddWithValue("id", streamId);
            at.Parameters.AddWithValue("t", asOf.Value);
            var v = (long)(await at.ExecuteScalarAsync(ct))!;
            target = target is null ? v : Math.Min(target.Value, v);
        }

        var state = initial;
        long from = 0;
        long? snapshotVersion = null;
        if (snapshots is not null)
        {
            await using var snap = dataSource.CreateCommand(
                $"SELECT version, state::text FROM {_s}.snapshots WHERE stream_id = @id AND (@to::bigint IS NULL OR version <= @to) ORDER BY version DESC LIMIT 1");
            snap.Parameters.AddWithValue("id", streamId);
            snap.Parameters.Add(new NpgsqlParameter("to", NpgsqlTypes.NpgsqlDbType.Bigint) { Value = (object?)target ?? DBNull.Value });
            await using var reader = await snap.ExecuteReaderAsync(ct);
            if (await reader.ReadAsync(ct))
            {
                from = reader.GetInt64(0);
                snapshotVersion = from;
                using var doc = JsonDocument.Parse(reader.GetString(1));
                state = snapshots.Read(doc.RootElement);
            }
        }

        var events = await ReadStreamAsync(streamId, from + 1, target, null, ct);
        foreach (var e in events)
        {
            state = evolve(state, e.Data);
        }

        var version = events.Count > 0 ? events[^1].Version : from;
        if (snapshots is not null && events.Count >= options.Value.SnapshotEvery)
        {
            await using var save = dataSource.CreateCommand($"INSERT INTO {_s}.snapshots (stream_id, version, state) VALUES (@id, @v, @s::jsonb) ON CONFLICT DO NOTHING");
            save.Parameters.AddWithValue("id", streamId);
            save.Parameters.AddWithValue("v", version);
            save.Parameters.AddWithValue("s", snapshots.Write(state).GetRawText());
            await save.ExecuteNonQueryAsync(ct);
        }

        return new AggregateResult<T>(state, version, events.Count, snapshotVersion);
    }
}
