using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace DemandCenter.EventStore;

/// <summary>An event to append: its stable id (for idempotency), type name, JSON data and metadata.</summary>
public sealed record NewEvent(Guid EventId, string Type, JsonElement Data, IReadOnlyDictionary<string, string?> Metadata);

public sealed record StoredEvent(long Sequence, string StreamId, long Version, Guid EventId, string Type, JsonElement Data, DateTimeOffset RecordedAt);

public sealed class ConcurrencyException(string streamId, long expected, long actual)
    : Exception($"Stream '{streamId}' is at version {actual}, not the expected {expected}.")
{
    public string StreamId { get; } = streamId;
    public long Expected { get; } = expected;
    public long Actual { get; } = actual;
}

/// <summary>
/// Streams of events on PostgreSQL. Appends run inside the caller's transaction so that projections, outbox rows
/// and consumed offsets commit together with the events (the exactly-once effect).
/// </summary>
public sealed class EventStore(EventStoreSchema schema)
{
    private readonly string _s = schema.Schema;

    /// <summary>Which of these event ids are already stored (a redelivered message appends nothing).</summary>
    public async Task<HashSet<Guid>> KnownAsync(NpgsqlTransaction tx, IReadOnlyCollection<Guid> eventIds, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"SELECT event_id FROM {_s}.events WHERE event_id = ANY(@ids)", tx.Connection, tx);
        cmd.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = eventIds.ToArray() });
        var known = new HashSet<Guid>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            known.Add(reader.GetGuid(0));
        }

        return known;
    }

    /// <summary>Appends after <paramref name="expectedVersion"/> (0 for a new stream); throws <see cref="ConcurrencyException"/> when another writer got there first.</summary>
    public async Task<long> AppendAsync(NpgsqlTransaction tx, string streamId, long expectedVersion, IReadOnlyList<NewEvent> events, CancellationToken ct)
    {
        if (events.Count == 0)
        {
            return expectedVersion;
        }

        var newVersion = expectedVersion + events.Count;
        await using (var bump = new NpgsqlCommand(
            $"""
            INSERT INTO {_s}.streams (stream_id, version) VALUES (@id, @new)
            ON CONFLICT (stream_id) DO UPDATE SET version = EXCLUDED.version, updated_at = now()
              WHERE {_s}.streams.version = @expected
            """, tx.Connection, tx))
        {
            bump.Parameters.AddWithValue("id", streamId);
            bump.Parameters.AddWithValue("new", newVersion);
            bump.Parameters.AddWithValue("expected", expectedVersion);
            var rows = await bump.ExecuteNonQueryAsync(ct);
            if (rows == 0)
            {
                throw new ConcurrencyException(streamId, expectedVersion, await VersionAsync(tx, streamId, ct));
            }
        }

        var batch = new NpgsqlBatch(tx.Connection, tx);
        await using (batch)
        {
            for (var i = 0; i < events.Count; i++)
            {
                var e = events[i];
                var cmd = new NpgsqlBatchCommand($"INSERT INTO {_s}.events (stream_id, version, event_id, type, data, metadata) VALUES ($1, $2, $3, $4, $5, $6)");
                cmd.Parameters.Add(new NpgsqlParameter { Value = streamId });
                cmd.Parameters.Add(new NpgsqlParameter { Value = expectedVersion + i + 1 });
                cmd.Parameters.Add(new NpgsqlParameter { Value = e.EventId });
                cmd.Parameters.Add(new NpgsqlParameter { Value = e.Type });
                cmd.Parameters.Add(new NpgsqlParameter { Value = e.Data.GetRawText(), NpgsqlDbType = NpgsqlDbType.Jsonb });
                cmd.Parameters.Add(new NpgsqlParameter { Value = JsonSerializer.Serialize(e.Metadata), NpgsqlDbType = NpgsqlDbType.Jsonb });
                batch.BatchCommands.Add(cmd);
            }

            await batch.ExecuteNonQueryAsync(ct);
        }

        return newVersion;
    }

    public async Task<IReadOnlyList<StoredEvent>> ReadStreamAsync(NpgsqlConnection conn, string streamId, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            $"SELECT seq, stream_id, version, event_id, type, data, recorded_at FROM {_s}.events WHERE stream_id = @id ORDER BY version", conn);
        cmd.Parameters.AddWithValue("id", streamId);
        var list = new List<StoredEvent>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            using var doc = JsonDocument.Parse(reader.GetString(5));
            list.Add(new StoredEvent(reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2), reader.GetGuid(3), reader.GetString(4), doc.RootElement.Clone(), reader.GetFieldValue<DateTimeOffset>(6)));
        }

        return list;
    }

    private async Task<long> VersionAsync(NpgsqlTransaction tx, string streamId, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"SELECT version FROM {_s}.streams WHERE stream_id = @id", tx.Connection, tx);
        cmd.Parameters.AddWithValue("id", streamId);
        return await cmd.ExecuteScalarAsync(ct) is long v ? v : 0;
    }
}
