using System.Text.Json;
using Confluent.Kafka;
using Npgsql;
using NpgsqlTypes;

namespace DemandCenter.EventStore;

/// <summary>
/// One transaction of the store: appends to any number of streams, inline projection writes (through
/// <see cref="Transaction"/>), outbox messages and consumed Kafka offsets, committed together. Appends are buffered
/// and written at <see cref="CommitAsync"/> in a fixed number of round trips whatever the batch size (versions and
/// duplicates in one batch, streams by array upsert, events by binary COPY).
/// <para>
/// The session takes an advisory lock per stream it will write before anything else, so transactions writing the
/// same stream are serialized and obtain their transaction ids in commit order; the projection daemon relies on that.
/// </para>
/// </summary>
public sealed class EventSession : IAsyncDisposable
{
    private readonly EventStoreSchema _schema;
    private readonly EventSerializer _serializer;
    private readonly HashSet<string> _locked;
    private readonly List<(string StreamId, long Expected, List<RawNewEvent> Events)> _appends = [];
    private readonly List<OutboxMessage> _outbox = [];
    private readonly Dictionary<(string Group, string Topic, int Partition), long> _offsets = [];
    private bool _done;

    private EventSession(NpgsqlConnection connection, NpgsqlTransaction transaction, EventStoreSchema schema, EventSerializer serializer, HashSet<string> locked)
    {
        Connection = connection;
        Transaction = transaction;
        _schema = schema;
        _serializer = serializer;
        _locked = locked;
    }

    public NpgsqlConnection Connection { get; }

    public NpgsqlTransaction Transaction { get; }

    internal static async Task<EventSession> BeginAsync(NpgsqlDataSource dataSource, EventStoreSchema schema, EventSerializer serializer, IEnumerable<string> streamIds, CancellationToken ct)
    {
        var ids = streamIds.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var connection = await dataSource.OpenConnectionAsync(ct);
        try
        {
            var transaction = await connection.BeginTransactionAsync(ct);
            if (ids.Length > 0)
            {
                // Sorted, so two sessions never wait on each other in opposite orders.
                await using var cmd = new NpgsqlCommand("SELECT count(pg_advisory_xact_lock(hashtextextended(@p || s, 0))) FROM unnest(@ids) AS s", connection, transaction);
                cmd.Parameters.AddWithValue("p", schema.Schema + ":");
                cmd.Parameters.AddWithValue("ids", ids);
                await cmd.ExecuteScalarAsync(ct);
            }

            return new EventSession(connection, transaction, schema, serializer, ids.ToHashSet(StringComparer.Ordinal));
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Which of these event ids are already stored.</summary>
    public async Task<HashSet<Guid>> KnownAsync(IReadOnlyCollection<Guid> eventIds, CancellationToken ct)
    {
        var known = new HashSet<Guid>();
        if (eventIds.Count == 0)
        {
            return known;
        }

        await using var cmd = new NpgsqlCommand($"SELECT event_id FROM {_schema.Schema}.events WHERE event_id = ANY(@ids)", Connection, Transaction);
        cmd.Parameters.AddWithValue("ids", eventIds.ToArray());
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            known.Add(reader.GetGuid(0));
        }

        return known;
    }

    public void Append(string streamId, long expectedVersion, IEnumerable<NewEvent> events)
    {
        var raw = events.Select(e =>
        {
            var (type, json) = _serializer.Serialize(e.Data);
            return new RawNewEvent(e.EventId, type, System.Text.Encoding.UTF8.GetString(json), e.Metadata is null ? null : JsonSerializer.Serialize(e.Metadata, Contracts.ContractJson.Options));
        });
        AppendRaw(streamId, expectedVersion, raw);
    }

    public void AppendRaw(string streamId, long expectedVersion, IEnumerable<RawNewEvent> events)
    {
        if (!_locked.Contains(streamId))
        {
            throw new InvalidOperationException($"Stream '{streamId}' was not named when the session began; name every stream up front so it is locked before any write.");
        }

        _appends.Add((streamId, expectedVersion, events.ToList()));
    }

    public void Enqueue(OutboxMessage message) => _outbox.Add(message);

    /// <summary>Records the next offset to consume for a partition, committed with everything else.</summary>
    public void StoreOffset(string group, string topic, int partition, long nextOffset)
    {
        var key = (group, topic, partition);
        _offsets[key] = Math.Max(nextOffset, _offsets.GetValueOrDefault(key));
    }

    public void StoreOffsets(string group, IEnumerable<TopicPartitionOffset> offsets)
    {
        foreach (var o in offsets)
        {
            StoreOffset(group, o.Topic, o.Partition.Value, o.Offset.Value);
        }
    }

    public async Task<CommitResult> CommitAsync(CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(_done, this);
        var (appended, skipped, versions) = await WriteAppendsAsync(ct);
        await WriteOutboxAsync(ct);
        await WriteOffsetsAsync(ct);
        await Transaction.CommitAsync(ct);
        _done = true;
        return new CommitResult(appended, skipped, versions);
    }

    public async ValueTask DisposeAsync()
    {
        await Transaction.DisposeAsync();
        await Connection.DisposeAsync();
    }

    private async Task<(int Appended, int Skipped, Dictionary<string, long> Versions)> WriteAppendsAsync(CancellationToken ct)
    {
        var versions = new Dictionary<string, long>(StringComparer.Ordinal);
        if (_appends.Count == 0)
        {
            return (0, 0, versions);
        }

        var streamIds = _appends.Select(a => a.StreamId).Distinct(StringComparer.Ordinal).ToArray();
        var known = new HashSet<Guid>();
        await using (var batch = new NpgsqlBatch(Connection, Transaction))
        {
            var v = new NpgsqlBatchCommand($"SELECT stream_id, version FROM {_schema.Schema}.streams WHERE stream_id = ANY($1)");
            v.Parameters.Add(new NpgsqlParameter { Value = streamIds });
            var k = new NpgsqlBatchCommand($"SELECT event_id FROM {_schema.Schema}.events WHERE event_id = ANY($1)");
            k.Parameters.Add(new NpgsqlParameter { Value = _appends.SelectMany(a => a.Events).Select(e => e.EventId).ToArray() });
            batch.BatchCommands.Add(v);
            batch.BatchCommands.Add(k);
            await using var reader = await batch.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                versions[reader.GetString(0)] = reader.GetInt64(1);
            }

            await reader.NextResultAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                known.Add(reader.GetGuid(0));
            }
        }

        var rows = new List<(string Stream, long Version, RawNewEvent Event)>();
        var skipped = 0;
        foreach (var (streamId, expected, events) in _appends)
        {
            var current = versions.GetValueOrDefault(streamId);
            var already = events.Where(e => known.Contains(e.EventId)).Select(e => e.EventId).ToList();
            if (already.Count == events.Count)
            {
                skipped += events.Count; // a retried append: nothing to do
                continue;
            }

            if (already.Count > 0)
            {
                throw new PartialDuplicateException(streamId, already);
            }

            if (expected != ExpectedVersion.Any && expected != current)
            {
                throw new ConcurrencyException(streamId, expected, current);
            }

            foreach (var e in events)
            {
                rows.Add((streamId, ++current, e));
                known.Add(e.EventId);
            }

            versions[streamId] = current;
        }

        if (rows.Count == 0)
        {
            return (0, skipped, versions);
        }

        var touched = rows.Select(r => r.Stream).Distinct(StringComparer.Ordinal).ToArray();
        await using (var upsert = new NpgsqlCommand(
            $"""
            INSERT INTO {_schema.Schema}.streams (stream_id, version) SELECT * FROM unnest(@ids, @versions)
            ON CONFLICT (stream_id) DO UPDATE SET version = EXCLUDED.version, updated_at = now()
            """, Connection, Transaction))
        {
            upsert.Parameters.AddWithValue("ids", touched);
            upsert.Parameters.AddWithValue("versions", touched.Select(id => versions[id]).ToArray());
            await upsert.ExecuteNonQueryAsync(ct);
        }

        await using (var importer = await Connection.BeginBinaryImportAsync(
            $"COPY {_schema.Schema}.events (stream_id, version, event_id, type, data, metadata) FROM STDIN (FORMAT BINARY)", ct))
        {
            foreach (var (stream, version, e) in rows)
            {
                await importer.StartRowAsync(ct);
                await importer.WriteAsync(stream, NpgsqlDbType.Text, ct);
                await importer.WriteAsync(version, NpgsqlDbType.Bigint, ct);
                await importer.WriteAsync(e.EventId, NpgsqlDbType.Uuid, ct);
                await importer.WriteAsync(e.Type, NpgsqlDbType.Text, ct);
                await importer.WriteAsync(e.Json, NpgsqlDbType.Jsonb, ct);
                await importer.WriteAsync(e.MetadataJson ?? "{}", NpgsqlDbType.Jsonb, ct);
            }

            await importer.CompleteAsync(ct);
        }

        await using (var notify = new NpgsqlCommand($"SELECT pg_notify('{_schema.EventsChannel}', '')", Connection, Transaction))
        {
            await notify.ExecuteNonQueryAsync(ct);
        }

        return (rows.Count, skipped, versions);
    }

    private async Task WriteOutboxAsync(CancellationToken ct)
    {
        if (_outbox.Count == 0)
        {
            return;
        }

        await using var cmd = new NpgsqlCommand(
            $"""
            INSERT INTO {_schema.Schema}.outbox (topic, key, payload, headers) SELECT t, k, p, h::jsonb FROM unnest(@t, @k, @p, @h) AS x(t, k, p, h);
            SELECT pg_notify('{_schema.OutboxChannel}', '');
            """, Connection, Transaction);
        cmd.Parameters.AddWithValue("t", _outbox.Select(m => m.Topic).ToArray());
        cmd.Parameters.AddWithValue("k", _outbox.Select(m => m.Key).ToArray());
        cmd.Parameters.AddWithValue("p", _outbox.Select(m => m.Payload).ToArray());
        cmd.Parameters.AddWithValue("h", _outbox.Select(m => JsonSerializer.Serialize(m.Headers)).ToArray());
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private async Task WriteOffsetsAsync(CancellationToken ct)
    {
        if (_offsets.Count == 0)
        {
            return;
        }

        await using var cmd = new NpgsqlCommand(
            $"""
            INSERT INTO {_schema.Schema}.consumer_offsets (consumer_group, topic, partition, next_offset) SELECT * FROM unnest(@g, @t, @p, @o)
            ON CONFLICT (consumer_group, topic, partition) DO UPDATE SET next_offset = GREATEST({_schema.Schema}.consumer_offsets.next_offset, EXCLUDED.next_offset)
            """, Connection, Transaction);
        cmd.Parameters.AddWithValue("g", _offsets.Keys.Select(k => k.Group).ToArray());
        cmd.Parameters.AddWithValue("t", _offsets.Keys.Select(k => k.Topic).ToArray());
        cmd.Parameters.AddWithValue("p", _offsets.Keys.Select(k => k.Partition).ToArray());
        cmd.Parameters.AddWithValue("o", _offsets.Values.ToArray());
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
