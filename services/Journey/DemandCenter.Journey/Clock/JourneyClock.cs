using Confluent.Kafka;
using DemandCenter.Contracts;
using DemandCenter.EventStore;
using DemandCenter.Kafka;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace DemandCenter.Journey.Clock;

/// <summary>
/// The journey's clock. Every tick interval it finds the accounts whose next check is due (an SLA running out, a
/// snooze ending, a stalled journey) and sends each a tick command on the commands topic, keyed by account, so the
/// account's single writer decides what to do. Only one instance ticks at a time (a PostgreSQL advisory lock);
/// a lost or repeated tick is harmless because the decision depends only on the account's state and the time.
/// </summary>
public sealed partial class JourneyClock(
    NpgsqlDataSource dataSource,
    EventStoreSchema schema,
    SharedProducer producer,
    TimeProvider time,
    IOptions<JourneyOptions> options,
    ILogger<JourneyClock> logger) : BackgroundService
{
    private const int MaxPerTick = 5000;
    private static readonly long LockKey = 0x6A6F75726E6579; // "journey"

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.TickInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var sent = await TickAsync(stoppingToken);
                if (sent > 0)
                {
                    LogTicked(logger, sent);
                }

            }
            catch (Exception ex) when (ex is NpgsqlException or KafkaException or TimeoutException)
            {
                // The database or broker is away: the due accounts stay due and the next tick finds them.
                LogTickFailed(logger, ex);
            }
        }
    }

    public async Task<int> TickAsync(CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using (var tryLock = new NpgsqlCommand("SELECT pg_try_advisory_lock(@k)", connection))
        {
            tryLock.Parameters.AddWithValue("k", LockKey);
            if (await tryLock.ExecuteScalarAsync(ct) is not true)
            {
                return 0;
            }
        }

        try
        {
            var due = new List<string>();
            await using (var cmd = new NpgsqlCommand(
                $"SELECT account_id FROM {schema.Schema}.account_journeys WHERE next_check_at <= @now ORDER BY next_check_at LIMIT {MaxPerTick}", connection))
            {
                cmd.Parameters.AddWithValue("now", time.GetUtcNow());
                await using var reader = await cmd.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct))
                {
                    due.Add(reader.GetString(0));
                }
            }

            var now = time.GetUtcNow();
            var deliveries = due.Select(accountId => producer.ProduceAsync(
                Topics.JourneyCommands,
                accountId,
                ContractJson.Serialize(new JourneyCommandMessage(Guid.NewGuid(), JourneyCommandKinds.Tick, accountId, "clock", now)),
                ct: ct)).ToList();
            await Task.WhenAll(deliveries);
            return due.Count;
        }
        finally
        {
            await using var unlock = new NpgsqlCommand("SELECT pg_advisory_unlock(@k)", connection);
            unlock.Parameters.AddWithValue("k", LockKey);
            await unlock.ExecuteScalarAsync(CancellationToken.None);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Sent {Count} journey ticks")]
    private static partial void LogTicked(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Journey tick failed; the due accounts stay due for the next tick")]
    private static partial void LogTickFailed(ILogger logger, Exception ex);
}
