using Microsoft.Extensions.Logging;
using Npgsql;

namespace DemandCenter.EventStore;

/// <summary>LISTENs on a channel and calls back on every NOTIFY, reconnecting after failures. Pollers use it only to wake early.</summary>
public static class NotificationListener
{
    public static async Task ListenAsync(NpgsqlDataSource dataSource, string channel, Action onNotify, ILogger logger, CancellationToken ct)
    {
        var failures = 0;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await using var conn = await dataSource.OpenConnectionAsync(ct);
                failures = 0;
                conn.Notification += (_, _) => onNotify();
                await using (var listen = new NpgsqlCommand($"LISTEN {channel}", conn))
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
                // Polling still runs meanwhile; only the wake-up latency suffers.
                logger.LogInformation(ex, "Listener on {Channel} lost its connection; reconnecting", channel);
                await Task.Delay(Kafka.Backoff.After(++failures), ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }
}
