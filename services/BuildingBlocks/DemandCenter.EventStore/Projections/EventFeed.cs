using Npgsql;
using NpgsqlTypes;

namespace DemandCenter.EventStore;

/// <summary>
/// Reads the global event order without ever skipping an event. Order is (tx_id, seq), bounded by the oldest
/// transaction still running (pg_snapshot_xmin): every transaction below that bound has ended, so no event with a
/// lower position can appear later. A slow appender holds the feed back until it ends, then is read in full; a
/// rolled-back one simply ends and leaves nothing to wait for. (Plain seq order is not safe: a transaction can take
/// a lower seq and commit after a higher one is visible.)
/// </summary>
public sealed class EventFeed(NpgsqlDataSource dataSource, EventStoreSchema schema)
{
    /// <summary>Events after the position, in order, with the JSON of those whose type is in <paramref name="dataOf"/>.</summary>
    public async Task<IReadOnlyList<RawEvent>> ReadAfterAsync(ulong txId, long seq, int limit, IReadOnlyCollection<string> dataOf, CancellationToken ct) =>
        (await ReadPageAsync(txId, seq, limit, dataOf, onlyDataOf: false, ct)).Events;

    /// <summary>
    /// Events after the position, in order, and the position the page read up to. With <paramref name="onlyDataOf"/>,
    /// events of other types are skipped in the database; a page shorter than the limit then read everything below
    /// the horizon, so its position moves to the horizon, past the events it skipped (no later read finds them again).
    /// The horizon is taken before the read: it only rises, so every event below it is visible to the read.
    /// </summary>
    public async Task<FeedPage> ReadPageAsync(ulong txId, long seq, int limit, IReadOnlyCollection<string> dataOf, bool onlyDataOf, CancellationToken ct)
    {
        ulong? horizon = null;
        if (onlyDataOf)
        {
            await using var xmin = dataSource.CreateCommand("SELECT pg_snapshot_xmin(pg_current_snapshot())");
            await using var h = await xmin.ExecuteReaderAsync(ct);
            await h.ReadAsync(ct);
            horizon = h.GetFieldValue<ulong>(0);
        }

        await using var cmd = dataSource.CreateCommand(
            $"""
            SELECT seq, tx_id, stream_id, version, event_id, type, recorded_at, {(dataOf.Count == 0 ? "NULL::text" : "CASE WHEN type = ANY(@types) THEN data::text END")}
            FROM {schema.Schema}.events
            WHERE (tx_id, seq) > (@tx, @seq) AND {(horizon is null ? "tx_id < pg_snapshot_xmin(pg_current_snapshot())" : "tx_id < @horizon AND type = ANY(@types)")}
            ORDER BY tx_id, seq
            LIMIT @limit
            """);
        cmd.Parameters.Add(new NpgsqlParameter("tx", NpgsqlDbType.Xid8) { Value = txId });
        cmd.Parameters.AddWithValue("seq", seq);
        cmd.Parameters.AddWithValue("limit", limit);
        if (dataOf.Count > 0 || horizon is not null)
        {
            cmd.Parameters.AddWithValue("types", dataOf.ToArray());
        }

        if (horizon is not null)
        {
            cmd.Parameters.Add(new NpgsqlParameter("horizon", NpgsqlDbType.Xid8) { Value = horizon.Value });
        }

        var list = new List<RawEvent>(limit);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            list.Add(new RawEvent(
                reader.GetInt64(0), reader.GetFieldValue<ulong>(1), reader.GetString(2), reader.GetInt64(3), reader.GetGuid(4), reader.GetString(5),
                reader.GetFieldValue<DateTimeOffset>(6), reader.IsDBNull(7) ? null : reader.GetString(7)));
        }

        var full = list.Count == limit;
        return (full, horizon) switch
        {
            // (horizon, 0) is before every event of the horizon's own transaction, which is still running.
            (false, { } h) when h > txId => new FeedPage(list, h, 0, full),
            _ when list.Count > 0 => new FeedPage(list, list[^1].TxId, list[^1].Sequence, full),
            _ => new FeedPage(list, txId, seq, full),
        };
    }

    public async Task<long> CountAsync(CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand($"SELECT count(*) FROM {schema.Schema}.events");
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }
}
