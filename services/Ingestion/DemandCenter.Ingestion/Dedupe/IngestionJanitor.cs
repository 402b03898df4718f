using DemandCenter.EventStore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace DemandCenter.Ingestion.Dedupe;

/// <summary>Drops dedupe entries past the window and pending signals nobody claimed in time, once an hour.</summary>
public sealed class IngestionJanitor(NpgsqlDataSource dataSource, EventStoreSchema schema, IOptions<IngestionOptions> options, ILogger<IngestionJanitor> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromHours(1));
        do
        {
            try
            {
                await using var cmd = dataSource.CreateCommand(
                    $"""
                    DELETE FROM {schema.Schema}.ingestion_seen WHERE seen_at < now() - @seen;
                    DELETE FROM {schema.Schema}.identity_pending WHERE received_at < now() - @pending;
                    """);
                cmd.Parameters.AddWithValue("seen", options.Value.DedupeWindow);
                cmd.Parameters.AddWithValue("pending", options.Value.PendingRetention);
                await cmd.ExecuteNonQueryAsync(stoppingToken);
            }
            catch (NpgsqlException ex)
            {
                logger.LogWarning(ex, "Ingestion clean-up failed; trying again in an hour");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
