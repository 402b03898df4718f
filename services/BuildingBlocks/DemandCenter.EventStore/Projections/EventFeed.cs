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
    public async Task<IReadOnlyList<RawEvent>> ReadAfterAsync(ulong txId, long seq, int limit, IReadOnlyCollection<string> dataOf, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand(
            $"""
            SELECT seq, tx_id, stream_id, version, event_id, type, recorded_at, {(dataOf.Count == 0 ? "NULL::text" : "CASE WHEN type = ANY(@types) THEN data::text END")}
            FROM {schema.Schema}.events
            WHERE (tx_id, seq) > (@tx, @seq) AND tx_id < pg_snapshot_xmin(pg_current_snapshot())
            ORDER BY tx_id, seq
            LIMIT @limit
            """);
        cmd.Parameters.Add(new NpgsqlParameter("tx", NpgsqlDbType.Xid8) { Value = txId });
        cmd.Parameters.AddWithValue("seq", seq);
        cmd.Parameters.AddWithValue("limit", limit);
        if (dataOf.Count > 0)
        {
            cmd.Parameters.AddWithValue("types", dataOf.ToArray());
        }
        var list = new List<RawEvent>(limit);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            list.Add(new RawEvent(
                reader.GetInt64(0), reader.GetFieldValue<ulong>(1), reader.GetString(2), reader.GetInt64(3), reader.GetGuid(4), reader.GetString(5),
                reader.GetFieldValue<DateTimeOffset>(6), reader.IsDBNull(7) ? null : reader.GetString(7)));
        }

        return list;
    }

    public async Task<long> CountAsync(CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand($"SELECT count(*) FROM {schema.Schema}.events");
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }
}
