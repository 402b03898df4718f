using Confluent.Kafka;
using Npgsql;

namespace DemandCenter.EventStore;

/// <summary>
/// Kafka offsets kept in PostgreSQL, written in the same transaction as the data they produced. On assignment a
/// consumer seeks to these; Kafka's own committed offsets are only a hint.
/// </summary>
public sealed class ConsumerOffsets(NpgsqlDataSource dataSource, EventStoreSchema schema)
{
    private readonly string _s = schema.Schema;

    public IReadOnlyDictionary<TopicPartition, long> Load(string group, IReadOnlyCollection<TopicPartition> partitions)
    {
        using var conn = dataSource.OpenConnection();
        using var cmd = new NpgsqlCommand($"SELECT topic, partition, next_offset FROM {_s}.consumer_offsets WHERE consumer_group = @g AND topic = ANY(@t)", conn);
        cmd.Parameters.AddWithValue("g", group);
        cmd.Parameters.AddWithValue("t", partitions.Select(p => p.Topic).Distinct().ToArray());
        var wanted = partitions.ToHashSet();
        var result = new Dictionary<TopicPartition, long>();
        using var reader = cmd.ExecuteReader();
        while (reader.Read())
        {
            var tp = new TopicPartition(reader.GetString(0), new Partition(reader.GetInt32(1)));
            if (wanted.Contains(tp))
            {
                result[tp] = reader.GetInt64(2);
            }
        }

        return result;
    }

    /// <summary>Records the next offset to read per partition; never moves an offset backwards.</summary>
    public async Task SaveAsync(NpgsqlTransaction tx, string group, IEnumerable<TopicPartitionOffset> next, CancellationToken ct)
    {
        await using var batch = new NpgsqlBatch(tx.Connection, tx);
        foreach (var o in next)
        {
            var cmd = new NpgsqlBatchCommand(
                $"""
                INSERT INTO {_s}.consumer_offsets (consumer_group, topic, partition, next_offset) VALUES ($1, $2, $3, $4)
                ON CONFLICT (consumer_group, topic, partition) DO UPDATE SET next_offset = GREATEST({_s}.consumer_offsets.next_offset, EXCLUDED.next_offset)
                """);
            cmd.Parameters.Add(new NpgsqlParameter { Value = group });
            cmd.Parameters.Add(new NpgsqlParameter { Value = o.Topic });
            cmd.Parameters.Add(new NpgsqlParameter { Value = o.Partition.Value });
            cmd.Parameters.Add(new NpgsqlParameter { Value = o.Offset.Value });
            batch.BatchCommands.Add(cmd);
        }

        if (batch.BatchCommands.Count > 0)
        {
            await batch.ExecuteNonQueryAsync(ct);
        }
    }
}
