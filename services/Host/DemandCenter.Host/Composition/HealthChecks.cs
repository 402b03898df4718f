using DemandCenter.Kafka;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace DemandCenter.Host.Composition;

public sealed class PostgresHealthCheck(NpgsqlDataSource dataSource) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var cmd = dataSource.CreateCommand("SELECT 1");
            await cmd.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (NpgsqlException ex)
        {
            return HealthCheckResult.Unhealthy("PostgreSQL is unreachable.", ex);
        }
    }
}

/// <summary>Ready once every Kafka consumer of this process holds its partitions, so a signal sent now is handled now.</summary>
public sealed class ConsumersHealthCheck(IEnumerable<IHostedService> hosted) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var waiting = hosted.OfType<BatchConsumer>().Where(c => !c.IsAssigned).Select(c => c.GetType().Name).ToList();
        return Task.FromResult(waiting.Count == 0
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy("Waiting for partition assignment: " + string.Join(", ", waiting)));
    }
}
