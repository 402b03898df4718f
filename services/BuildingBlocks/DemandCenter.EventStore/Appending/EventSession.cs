using System.Text.Json;
using Confluent.Kafka;
using Npgsql;
using NpgsqlTypes;

namespace DemandCenter.EventStore;

/// <summary>
/// One transaction of the store: appends to any number of streams, inline projection writes (through
/// <see cref="TransactionAsync"/>, or buffered with <see cref="Write"/>), outbox messages and consumed Kafka offsets,
/// committed together. Appends are buffered and written at <see cref="CommitAsync"/> in a fixed number of round trips
/// whatever the batch size (locks and stream versions in one, events by binary COPY, then the buffered writes, outbox and
/// offsets in one; a careful path takes over only when an event id is already stored).
/// A stream's version is its last event's: there is no separate streams table to keep in step.
/// <para>
/// The session takes an advisory lock per stream it will write before anything else, so transactions writing the
/// same stream are serialized and obtain their transaction ids in commit order; the projection daemon relies on that.
/// </para>
/// </summary>
public sealed class EventSession : IAsyncDisposable
{
    private readonly EventStoreSchema _schema;
    private readonly EventSerializer _serializer;
    private readonly OutboxSignal _outboxSignal;
    private readonly string[] _streams;
    private readonly HashSet<string> _named;
    private bool _locked;
    private readonly List<(string StreamId, long Expected, List<RawNewEvent> Events)> _appends = [];
    private readonly List<OutboxMessage> _outbox = [];
    private readonly List<NpgsqlBatchCommand> _writes = [];
    private readonly Dictionary<(string Group, string Topic, int Partition), long> _offsets = [];
    private bool _done;
    private bool _refuseRepeats;

    private EventSession(NpgsqlConnection connection, NpgsqlTransaction transaction, EventStoreSchema schema, EventSerializer serializer, OutboxSignal outboxSignal, string[] streams)
    {
        Connection = connection;
        Transaction = transaction;
        _schema = schema;
        _serializer = serializer;
        _outboxSignal = outboxSignal;
        _streams = streams;
        _named = streams.ToHashSet(StringComparer.Ordinal);
    }

    private NpgsqlConnection Connection { get; }

    private NpgsqlTransaction Transaction { get; }

    /// <summary>
    /// The session's transaction, for inline projections' reads and writes, once the streams are locked. (Locks are
    /// taken on first use, so a session that only appends sends them with its first write.)
    /// </summary>
    public async ValueTask<NpgsqlTransaction> TransactionAsync(CancellationToken ct)
    {
        if (!_locked)
        {
            await using var batch = new NpgsqlBatch(Connection, Transaction);
            AddLocks(batch);
            await batch.ExecuteNonQueryAsync(ct);
        }

        return Transaction;
    }

    /// <summary>
    /// Runs an inline projection's command whose rows the writer needs (say, sequences it assigns) in the session's
    /// transaction and reads them, with the stream locks in the same round trip when they are not yet taken.
    /// </summary>
    public async Task<T> QueryAsync<T>(NpgsqlBatchCommand command, Func<NpgsqlDataReader, CancellationToken, Task<T>> read, CancellationToken ct)
    {
        await using var batch = new NpgsqlBatch(Connection, Transaction);
        var locking = AddLocks(batch);
        batch.BatchCommands.Add(command);
        await using var reader = await batch.ExecuteReaderAsync(ct);
        if (locking)
        {
            await reader.NextResultAsync(ct);
        }

        return await read(reader, ct);
    }

    /// <summary>
    /// Sorted, so two sessions never wait on each other in opposite orders. Taking no transaction id, they come first.
    /// True when the batch got a command for them (its result set comes first).
    /// </summary>
    private bool AddLocks(NpgsqlBatch batch)
    {
        if (_locked || _streams.Length == 0)
        {
            _locked = true;
            return false;
        }

        var locks = new NpgsqlBatchCommand("SELECT count(pg_advisory_xact_lock(hashtextextended($1 || s, 0))) FROM unnest($2::text[]) AS s");
        locks.Parameters.Add(new NpgsqlParameter { Value = _schema.Schema + ":" });
        locks.Parameters.Add(new NpgsqlParameter { Value = _streams });
        batch.BatchCommands.Add(locks);
        _locked = true;
        return true;
    }

    internal static async Task<EventSession> BeginAsync(NpgsqlDataSource dataSource, EventStoreSchema schema, EventSerializer serializer, OutboxSignal outboxSignal, IEnumerable<string> streamIds, CancellationToken ct)
    {
        var ids = streamIds.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var connection = await dataSource.OpenConnectionAsync(ct);
        try
        {
            var transaction = await connection.BeginTransactionAsync(ct);
            return new EventSession(connection, transaction, schema, serializer, outboxSignal, ids);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public void Append(string streamId, long expectedVersion, IEnumerable<NewEvent> events)
    {
        AppendRaw(streamId, expectedVersion, events.Select(_serializer.ToRaw));
    }

    public void AppendRaw(string streamId, long expectedVersion, IEnumerable<RawNewEvent> events)
    {
        if (!_named.Contains(streamId))
        {
            throw new InvalidOperationException($"Stream '{streamId}' was not named when the session began; name every stream up front so it is locked before any write.");
        }

        _appends.Add((streamId, expectedVersion, events.ToList()));
    }

    /// <summary>
    /// Makes events already stored fail the commit (<see cref="RepeatedEventException"/>) rather than have the append
    /// they are in skipped: for a writer whose other writes in this session were decided on its events being new.
    /// </summary>
    public void RefuseRepeats() => _refuseRepeats = true;

    public void Enqueue(OutboxMessage message) => _outbox.Add(message);

    /// <summary>
    /// An inline projection's write that needs no answer: sent at commit, after the events, in the round trip that also
    /// writes the outbox and the offsets (a live batch's commit is mostly round trips, each costing a wake-up of both
    /// processes on a busy machine).
    /// </summary>
    public void Write(NpgsqlBatchCommand command) => _writes.Add(command);

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
        await WriteRestAsync(ct);
        await Transaction.CommitAsync(ct);
        _done = true;
        if (_outbox.Count > 0)
        {
            _outboxSignal.Raise();
        }

        return new CommitResult(appended, skipped, versions);
    }

    public async ValueTask DisposeAsync()
    {
        await Transaction.DisposeAsync();
        await Connection.DisposeAsync();
    }

    private async Task<(int Appended, int Skipped, Dictionary<string, long> Versions)> WriteAppendsAsync(CancellationToken ct)
    {
        if (_appends.Count == 0)
        {
            return (0, 0, new Dictionary<string, long>(StringComparer.Ordinal));
        }

        // Fast path, assuming no event is a repeat (retries are rare): read the streams' versions, check expectations,
        // COPY the events. Should the unique event id index refuse a row, go back to the savepoint and take the careful
        // path, which first asks which events are stored already and skips them.
        try
        {
            var (versions, _) = await ReadVersionsAsync(withKnown: false, ct);
            var rows = Number(versions, new HashSet<Guid>(_appends.Sum(a => a.Events.Count)), out _);
            await CopyAsync(rows, ct);
            return (rows.Count, 0, versions);
        }
        catch (Exception ex) when (ex is ConcurrencyException || (ex is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: "events_event_id_key" }))
        {
            // A version mismatch may be a retry of an append that already landed: the careful path tells which.
            await using var rollback = new NpgsqlCommand("ROLLBACK TO SAVEPOINT demand_append", Connection, Transaction);
            await rollback.ExecuteNonQueryAsync(ct);
        }

        var (current, known) = await ReadVersionsAsync(withKnown: true, ct);
        var careful = Number(current, known, out var skipped);
        if (careful.Count > 0)
        {
            await CopyAsync(careful, ct);
            await using var notify = new NpgsqlCommand($"SELECT pg_notify('{_schema.EventsChannel}', '')", Connection, Transaction);
            await notify.ExecuteNonQueryAsync(ct);
        }

        return (careful.Count, skipped, current);
    }

    /// <summary>
    /// Gives each pending event its stream version, checking each append's expectation (versions are updated in place);
    /// skips appends whose events are all stored already.
    /// </summary>
    private List<(string Stream, long Version, RawNewEvent Event)> Number(Dictionary<string, long> versions, HashSet<Guid> known, out int skipped)
    {
        var rows = new List<(string Stream, long Version, RawNewEvent Event)>(_appends.Sum(a => a.Events.Count));
        skipped = 0;
        if (_refuseRepeats && known.Count > 0)
        {
            // All of them at once, over every stream: the writer redoes its work without them in one go.
            var repeated = _appends.SelectMany(a => a.Events).Where(e => known.Contains(e.EventId)).Select(e => e.EventId).ToList();
            if (repeated.Count > 0)
            {
                throw new RepeatedEventException(repeated);
            }
        }

        foreach (var (streamId, expected, events) in _appends)
        {
            var current = versions.GetValueOrDefault(streamId);
            // Counted before listed: a batch's appends are almost never repeats, and a list per append was garbage.
            var repeats = 0;
            foreach (var e in events)
            {
                repeats += known.Contains(e.EventId) ? 1 : 0;
            }

            if (repeats == events.Count)
            {
                skipped += events.Count; // a retried append: nothing to do
                continue;
            }

            if (repeats > 0)
            {
                throw new PartialDuplicateException(streamId, [.. events.Where(e => known.Contains(e.EventId)).Select(e => e.EventId)]);
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

        return rows;
    }

    /// <summary>
    /// One round trip: the stream locks (if not yet taken), a savepoint, each stream's version (its last event's, read
    /// backwards on the (stream_id, version) index; the locks keep it from moving) and, on the careful path, which
    /// event ids are stored already. Also queues the NOTIFY that wakes the projection daemon at commit.
    /// </summary>
    private async Task<(Dictionary<string, long> Versions, HashSet<Guid> Known)> ReadVersionsAsync(bool withKnown, CancellationToken ct)
    {
        var s = _schema.Schema;
        await using var batch = new NpgsqlBatch(Connection, Transaction);
        AddLocks(batch);
        if (!withKnown)
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand("SAVEPOINT demand_append"));
        }

        var v = new NpgsqlBatchCommand(
            $"SELECT id AS stream_id, (SELECT version FROM {s}.events WHERE stream_id = id ORDER BY version DESC LIMIT 1) FROM unnest($1::text[]) AS id");
        v.Parameters.Add(new NpgsqlParameter { Value = _appends.Select(a => a.StreamId).Distinct(StringComparer.Ordinal).ToArray() });
        batch.BatchCommands.Add(v);
        if (withKnown)
        {
            var k = new NpgsqlBatchCommand($"SELECT event_id FROM {s}.events WHERE event_id = ANY($1)");
            k.Parameters.Add(new NpgsqlParameter { Value = _appends.SelectMany(a => a.Events).Select(e => e.EventId).ToArray() });
            batch.BatchCommands.Add(k);
        }
        else
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand($"SELECT pg_notify('{_schema.EventsChannel}', '')"));
        }

        var versions = new Dictionary<string, long>(StringComparer.Ordinal);
        var known = new HashSet<Guid>();
        await using var reader = await batch.ExecuteReaderAsync(ct);
        do
        {
            // The locks', savepoint's and notify's result sets come along; only these two are read.
            var columns = reader.FieldCount == 0 ? "" : reader.GetName(0);
            while (columns is "stream_id" or "event_id" && await reader.ReadAsync(ct))
            {
                if (columns == "stream_id")
                {
                    versions[reader.GetString(0)] = reader.IsDBNull(1) ? 0 : reader.GetInt64(1);
                }
                else
                {
                    known.Add(reader.GetGuid(0));
                }
            }
        }
        while (await reader.NextResultAsync(ct));

        return (versions, known);
    }

    private static readonly byte[] EmptyObject = "{}"u8.ToArray();

    private async Task CopyAsync(List<(string Stream, long Version, RawNewEvent Event)> rows, CancellationToken ct)
    {
        await using var importer = await Connection.BeginBinaryImportAsync(
            $"COPY {_schema.Schema}.events (stream_id, version, event_id, type, data, metadata) FROM STDIN (FORMAT BINARY)", ct);
        foreach (var (stream, version, e) in rows)
        {
            await importer.StartRowAsync(ct);
            await importer.WriteAsync(stream, NpgsqlDbType.Text, ct);
            await importer.WriteAsync(version, NpgsqlDbType.Bigint, ct);
            await importer.WriteAsync(e.EventId, NpgsqlDbType.Uuid, ct);
            await importer.WriteAsync(e.Type, NpgsqlDbType.Text, ct);
            await importer.WriteAsync(e.Json, NpgsqlDbType.Json, ct);
            await importer.WriteAsync(e.MetadataJson ?? EmptyObject, NpgsqlDbType.Json, ct);
        }

        await importer.CompleteAsync(ct);
    }

    /// <summary>
    /// One round trip: the stream locks when nothing was appended (a session still takes them before writing), the
    /// buffered writes, the outbox rows with the NOTIFY that wakes the relay, and the offsets.
    /// </summary>
    private async Task WriteRestAsync(CancellationToken ct)
    {
        await using var batch = new NpgsqlBatch(Connection, Transaction);
        AddLocks(batch);
        foreach (var write in _writes)
        {
            batch.BatchCommands.Add(write);
        }

        var s = _schema.Schema;
        if (_outbox.Count > 0)
        {
            var outbox = new NpgsqlBatchCommand($"INSERT INTO {s}.outbox (topic, key, payload, headers) SELECT t, k, p, h::jsonb FROM unnest($1, $2, $3, $4) AS x(t, k, p, h)");
            outbox.Parameters.Add(new NpgsqlParameter { Value = _outbox.Select(m => m.Topic).ToArray() });
            outbox.Parameters.Add(new NpgsqlParameter { Value = _outbox.Select(m => m.Key).ToArray() });
            outbox.Parameters.Add(new NpgsqlParameter { Value = _outbox.Select(m => m.Payload).ToArray() });
            outbox.Parameters.Add(new NpgsqlParameter { Value = _outbox.Select(m => JsonSerializer.Serialize(m.Headers)).ToArray() });
            batch.BatchCommands.Add(outbox);
            batch.BatchCommands.Add(new NpgsqlBatchCommand($"SELECT pg_notify('{_schema.OutboxChannel}', '')"));
        }

        if (_offsets.Count > 0)
        {
            var offsets = new NpgsqlBatchCommand(
                $"""
                INSERT INTO {s}.consumer_offsets (consumer_group, topic, partition, next_offset) SELECT * FROM unnest($1, $2, $3, $4)
                ON CONFLICT (consumer_group, topic, partition) DO UPDATE SET next_offset = GREATEST({s}.consumer_offsets.next_offset, EXCLUDED.next_offset)
                """);
            offsets.Parameters.Add(new NpgsqlParameter { Value = _offsets.Keys.Select(k => k.Group).ToArray() });
            offsets.Parameters.Add(new NpgsqlParameter { Value = _offsets.Keys.Select(k => k.Topic).ToArray() });
            offsets.Parameters.Add(new NpgsqlParameter { Value = _offsets.Keys.Select(k => k.Partition).ToArray() });
            offsets.Parameters.Add(new NpgsqlParameter { Value = _offsets.Values.ToArray() });
            batch.BatchCommands.Add(offsets);
        }

        if (batch.BatchCommands.Count > 0)
        {
            await batch.ExecuteNonQueryAsync(ct);
        }
    }
}
