using System.Text.Json;
using Confluent.Kafka;
using DemandCenter.Kafka;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace DemandCenter.EventStore;

/// <summary>
/// Publishes committed outbox rows to Kafka, then deletes them. Rows are locked with SKIP LOCKED so several
/// instances can relay side by side; a crash between publish and delete republishes (at least once), and
/// consumers dedupe by the ids the messages carry.
/// </summary>
public sealed class OutboxRelay(NpgsqlDataSource dataSource, EventStoreSchema schema, SharedProducer producer, OutboxSignal signal, TimeProvider time, ILogger<OutboxRelay> logger) : BackgroundService
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    // Rows are deleted as they go, and the index keeps their entries until a vacuum: a scan from the start walked all of
    // them on every round (under load, several pages read per row relayed). Rounds start after the last id relayed
    // here; a row with a lower id that commits late, or one another relay let go of, is found by a scan from the
    // start at least every poll interval.
    private long _after;
    private DateTimeOffset _fullPassDue;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Commits in other processes (and this one's, a little later) arrive as notifications.
        _ = NotificationListener.ListenAsync(dataSource, schema.OutboxChannel, signal.Raise, logger, stoppingToken);
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var relayed = await RelayBatchAsync(stoppingToken);
                failures = 0;
                if (relayed == 0)
                {
                    await signal.WaitAsync(PollInterval, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex) when (ex is NpgsqlException or KafkaException or TimeoutException)
            {
                failures++;
                logger.LogWarning(ex, "Outbox relay failed; retrying");
                await Task.Delay(Backoff.After(failures), stoppingToken);
            }
        }
    }

    public async Task<int> RelayBatchAsync(CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var rows = new List<(long Id, string Topic, string Key, byte[] Payload, string Headers)>();
        var now = time.GetUtcNow();
        var after = now >= _fullPassDue ? 0 : _after;
        if (after == 0)
        {
            _fullPassDue = now + PollInterval;
        }

        await using (var select = new NpgsqlCommand($"SELECT id, topic, key, payload, headers::text FROM {schema.Schema}.outbox WHERE id > @after ORDER BY id LIMIT 500 FOR UPDATE SKIP LOCKED", conn, tx))
        {
            select.Parameters.AddWithValue("after", after);
            await using var reader = await select.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                rows.Add((reader.GetInt64(0), reader.GetString(1), reader.GetString(2), (byte[])reader[3], reader.GetString(4)));
            }
        }

        if (rows.Count == 0)
        {
            return 0;
        }

        var deliveries = rows.Select(r =>
        {
            var headers = new Headers();
            foreach (var (k, v) in JsonSerializer.Deserialize<Dictionary<string, string>>(r.Headers) ?? [])
            {
                headers.AddString(k, v);
            }

            return producer.ProduceAsync(r.Topic, r.Key, r.Payload, headers, ct);
        }).ToList();
        await Task.WhenAll(deliveries);

        // The delete need not wait for its WAL flush: if a crash loses it, the rows are published again, which the
        // relay already allows (at least once; consumers dedupe by id). The next round starts an fsync sooner.
        await using (var delete = new NpgsqlBatch(conn, tx))
        {
            delete.BatchCommands.Add(new NpgsqlBatchCommand("SET LOCAL synchronous_commit = off"));
            var command = new NpgsqlBatchCommand($"DELETE FROM {schema.Schema}.outbox WHERE id = ANY($1)");
            command.Parameters.Add(new NpgsqlParameter { Value = rows.Select(r => r.Id).ToArray() });
            delete.BatchCommands.Add(command);
            await delete.ExecuteNonQueryAsync(ct);
        }

        await tx.CommitAsync(ct);
        // Only once they are gone: rows that failed are the next round's first, ahead of any later row for their key.
        _after = Math.Max(_after, rows[^1].Id);
        return rows.Count;
    }
}
