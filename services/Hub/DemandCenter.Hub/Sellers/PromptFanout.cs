using Confluent.Kafka;
using DemandCenter.Contracts;
using DemandCenter.Hub.Board;
using DemandCenter.Hub.Commands;
using DemandCenter.Kafka;
using DemandCenter.Telemetry;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging;

namespace DemandCenter.Hub.Sellers;

/// <summary>
/// Kafka is the SignalR backplane: every Hub instance tails all partitions of the prompts topic and pushes each
/// new prompt or change to its feed's group on its own connections (and, for a move, to the feed it left). Changes
/// also answer waiting actions and feed the board's load panel. A client that was away calls catchUp for what it missed.
/// </summary>
public sealed class PromptFanout(
    KafkaClients clients,
    IHubContext<SellerHub, ISellerClient> hub,
    JourneyCommands commands,
    PromptLedger ledger,
    GroupSends pushes,
    ILogger<PromptFanout> logger)
    : BatchConsumer(clients, logger)
{
    protected override string GroupId => "demand-hub-fanout";

    protected override IReadOnlyCollection<string> Topics => [Contracts.Topics.Prompts];

    protected override bool TailAllPartitions => true;

    protected override bool CommitToKafka => false;

    protected override async Task HandleBatchAsync(IReadOnlyList<ConsumeResult<string, byte[]>> batch, CancellationToken ct)
    {
        var sends = new List<Task>(batch.Count);
        foreach (var message in batch)
        {
            try
            {
                if (TypeOf(message) == MessageHeaders.PromptUpdatedType)
                {
                    sends.Add(UpdatedAsync(ContractJson.Deserialize<PromptUpdate>(message.Message.Value)));
                }
                else
                {
                    var prompt = ContractJson.Deserialize<PromptMessage>(message.Message.Value);
                    ledger.Apply(prompt);
                    sends.Add(hub.Clients.Group(SellerHub.GroupOf(prompt.SellerId)).PromptReceived(prompt));
                    DemandMetrics.PromptsPushed.Add(1);
                }
            }
            catch (System.Text.Json.JsonException ex)
            {
                // Only the Journey's outbox writes this topic; an unreadable message is a bug to log, not a reason to stop pushing.
                logger.LogError(ex, "Unreadable prompt message at {Partition}@{Offset}", message.Partition.Value, message.Offset.Value);
            }
        }

        await pushes.TrackAsync(Task.WhenAll(sends), ct);
        // Handed to the connections (their writes may still be under way: see GroupSends).
        var now = DateTime.UtcNow;
        foreach (var message in batch)
        {
            DemandMetrics.HubFanoutLag.Record((now - message.Message.Timestamp.UtcDateTime).TotalMilliseconds);
        }
    }

    private Task UpdatedAsync(PromptUpdate update)
    {
        ledger.Apply(update.Prompt);
        commands.Answer(update);
        var seller = update.Prompt.SellerId;
        return update.PreviousSellerId is { } previous && previous != seller
            ? Task.WhenAll(hub.Clients.Group(SellerHub.GroupOf(seller)).PromptUpdated(update), hub.Clients.Group(SellerHub.GroupOf(previous)).PromptUpdated(update))
            : hub.Clients.Group(SellerHub.GroupOf(seller)).PromptUpdated(update);
    }

    /// <summary>dc-type; a message without it is a raised prompt (what the outbox wrote before updates existed).</summary>
    private static string TypeOf(ConsumeResult<string, byte[]> message) =>
        message.Message.Headers.GetString(MessageHeaders.MessageType) ?? MessageHeaders.PromptRaisedType;
}
