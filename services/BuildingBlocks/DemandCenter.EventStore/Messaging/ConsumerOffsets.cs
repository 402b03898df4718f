using Confluent.Kafka;
using Npgsql;

namespace DemandCenter.EventStore;

/// <summary>
/// Kafka offsets kept in PostgreSQL, written by <see cref="EventSession.StoreOffsets"/> in the same transaction as the
/// data they produced. On assignment a consumer seeks to these; Kafka's own committed offsets are only a hint.
/// </summary>
public sealed class ConsumerOffsets(NpgsqlDataSource dataSource, EventStoreSchema schema)
{
    public IReadOnlyDictionary<TopicPartition, long> Load(string group, IReadOnlyCollection<TopicPartition> partitions)
    {
        using var conn = dataSource.OpenConnection();
        using var cmd = new NpgsqlCommand($"SELECT topic, partition, next_offset FROM {schema.Schema}.consumer_offsets WHERE consumer_group = @g AND topic = ANY(@t)", conn);
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
}
