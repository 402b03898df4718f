using System.Text.Json;
using Confluent.Kafka;
using DemandCenter.Kafka;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace DemandCenter.EventStore;

/// <summary>Messages to publish once the transaction that decided them commits.</summary>
public sealed class Outbox(EventStoreSchema schema)
{
    internal string Channel => schema.Schema + "_outbox";

    public async Task EnqueueAsync(NpgsqlTransaction tx, IReadOnlyList<OutboxMessage> messages, CancellationToken ct)
    {
        if (messages.Count == 0)
        {
            return;
        }

        await using var batch = new NpgsqlBatch(tx.Connection, tx);
        foreach (var m in messages)
        {
            var cmd = new NpgsqlBatchCommand($"INSERT INTO {schema.Schema}.outbox (topic, key, payload, headers) VALUES ($1, $2, $3, $4::jsonb)");
            cmd.Parameters.Add(new NpgsqlParameter { Value = m.Topic });
            cmd.Parameters.Add(new NpgsqlParameter { Value = m.Key });
            cmd.Parameters.Add(new NpgsqlParameter { Value = m.Payload });
            cmd.Parameters.Add(new NpgsqlParameter { Value = JsonSerializer.Serialize(m.Headers) });
            batch.BatchCommands.Add(cmd);
        }

        // Delivered at commit, so the relay wakes at once instead of waiting for its next poll.
        batch.BatchCommands.Add(new NpgsqlBatchCommand($"SELECT pg_notify('{Channel}', '')"));
        await batch.ExecuteNonQueryAsync(ct);
    }
}

public sealed record OutboxMessage(string Topic, string Key, byte[] Payload, IReadOnlyDictionary<string, string> Headers);

/// <summary>
/// Publishes committed outbox rows to Kafka, then deletes them. Rows are locked with SKIP LOCKED so several
/// instances can relay side by side; a crash between publish and delete republishes (at least once), and
/// consumers dedupe by the ids the messages carry.
/// </summary>
public sealed class OutboxRelay(NpgsqlDataSource dataSource, Outbox outbox, EventStoreSchema schema, SharedProducer producer, ILogger<OutboxRelay> logger) : BackgroundService
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);
    private readonly SemaphoreSlim _wake = new(0);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _ = ListenAsync(stoppingToken);
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var relayed = await RelayBatchAsync(stoppingToken);
                failures = 0;
                if (relayed == 0)
                {
                    await _wake.WaitAsync(PollInterval, stoppingToken);
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
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(30_000, 200 * Math.Pow(2, Math.Min(failures, 8)))), stoppingToken);
            }
        }
    }

    public async Task<int> RelayBatchAsync(CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var rows = new List<(long Id, string Topic, string Key, byte[] Payload, string Headers)>();
        await using (var select = new NpgsqlCommand($"SELECT id, topic, key, payload, headers::text FROM {schema.Schema}.outbox ORDER BY id LIMIT 500 FOR UPDATE SKIP LOCKED", conn, tx))
        await using (var reader = await select.ExecuteReaderAsync(ct))
        {
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

        await using (var delete = new NpgsqlCommand($"DELETE FROM {schema.Schema}.outbox WHERE id = ANY(@ids)", conn, tx))
        {
            delete.Parameters.AddWithValue("ids", rows.Select(r => r.Id).ToArray());
            await delete.ExecuteNonQueryAsync(ct);
        }

        await tx.CommitAsync(ct);
        return rows.Count;
    }

    private async Task ListenAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await using var conn = await dataSource.OpenConnectionAsync(ct);
                conn.Notification += (_, _) => _wake.Release();
                await using (var listen = new NpgsqlCommand($"LISTEN {outbox.Channel}", conn))
                {
                    await listen.ExecuteNonQueryAsync(ct);
                }

                while (!ct.IsCancellationRequested)
                {
                    await conn.WaitAsync(ct);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (NpgsqlException ex)
            {
                // Polling still relays meanwhile; only the wake-up latency suffers.
                logger.LogInformation(ex, "Outbox listener lost its connection; reconnecting");
                await Task.Delay(TimeSpan.FromSeconds(1), ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    public override void Dispose()
    {
        _wake.Dispose();
        base.Dispose();
    }
}
