using Confluent.Kafka;
using DemandCenter.Contracts;
using DemandCenter.Kafka;
using DemandCenter.Telemetry;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging;

namespace DemandCenter.Hub.Sellers;

/// <summary>
/// Kafka is the SignalR backplane: every Hub instance tails all partitions of the prompts topic and pushes each
/// prompt to its seller's group on its own connections. A client that was away calls catchUp for what it missed.
/// </summary>
public sealed class PromptFanout(KafkaClients clients, IHubContext<SellerHub, ISellerClient> hub, ILogger<PromptFanout> logger)
    : BatchConsumer(clients, logger)
{
    protected override string GroupId => "demand-hub-fanout";

    protected override IReadOnlyCollection<string> Topics => [Contracts.Topics.Prompts];

    protected override bool TailAllPartitions => true;

    protected override bool CommitToKafka => false;

    protected override async Task HandleBatchAsync(IReadOnlyList<ConsumeResult<string, byte[]>> batch, CancellationToken ct)
    {
        foreach (var message in batch)
        {
            PromptMessage prompt;
            try
            {
                prompt = ContractJson.Deserialize<PromptMessage>(message.Message.Value);
            }
            catch (System.Text.Json.JsonException ex)
            {
                // Only the Journey's outbox writes this topic; an unreadable message is a bug to log, not a reason to stop pushing.
                logger.LogError(ex, "Unreadable prompt at {Partition}@{Offset}", message.Partition.Value, message.Offset.Value);
                continue;
            }

            await hub.Clients.Group(SellerHub.GroupOf(prompt.SellerId)).PromptReceived(prompt);
            DemandMetrics.PromptsPushed.Add(1);
        }
    }
}
