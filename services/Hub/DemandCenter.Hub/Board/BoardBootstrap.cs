using System.Text.Json;
using DemandCenter.Contracts;
using DemandCenter.EventStore;
using DemandCenter.Hub.Sellers;
using DemandCenter.Journey.Accounts;
using DemandCenter.Kafka;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace DemandCenter.Hub.Board;

/// <summary>
/// Fills the board's memory from the read models once the live tails hold their partitions (so nothing falls
/// between the load and the tail; overlaps are resolved by card version and prompt sequence). Retries until
/// PostgreSQL answers.
/// </summary>
public sealed class BoardBootstrap(
    BoardState board,
    PromptLedger ledger,
    BoardFanout boardTail,
    PromptFanout promptTail,
    AccountQueries accounts,
    NpgsqlDataSource dataSource,
    EventStoreSchema schema,
    ILogger<BoardBootstrap> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!(boardTail.IsAssigned && promptTail.IsAssigned))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(50), stoppingToken);
        }

        for (var failures = 1; ; failures++)
        {
            try
            {
                ledger.BeginLoad();
                ledger.Load(await ActivePromptsAsync(stoppingToken));
                board.Load(await accounts.BoardAsync(stoppingToken));
                logger.LogInformation("Board loaded: {Cards} accounts, {Prompts} active prompts", board.Cards().Count, ledger.Count);
                return;
            }
            catch (NpgsqlException ex)
            {
                var delay = Backoff.After(failures);
                logger.LogWarning(ex, "Could not load the board from PostgreSQL; retrying in {Delay}", delay);
                await Task.Delay(delay, stoppingToken);
            }
        }
    }

    private async Task<List<PromptMessage>> ActivePromptsAsync(CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand($"SELECT payload, status FROM {schema.Schema}.prompts WHERE status = ANY(@active)");
        cmd.Parameters.AddWithValue("active", PromptStatus.Active.ToArray());
        var list = new List<PromptMessage>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            list.Add(JsonSerializer.Deserialize<PromptMessage>(reader.GetString(0), ContractJson.Options)! with { Status = reader.GetString(1) });
        }

        return list;
    }
}
