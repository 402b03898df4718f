using Confluent.Kafka;
using DemandCenter.Contracts;
using DemandCenter.Hub.Commands;
using DemandCenter.Kafka;
using Microsoft.Extensions.Logging;

namespace DemandCenter.Hub.Board;

/// <summary>Every Hub instance tails all of demand.board into its <see cref="BoardState"/>; the broadcaster sends the changes on its timer.</summary>
public sealed class BoardFanout(KafkaClients clients, BoardState board, JourneyCommands commands, ILogger<BoardFanout> logger) : BatchConsumer(clients, logger)
{
    protected override string GroupId => "demand-hub-board";

    protected override IReadOnlyCollection<string> Topics => [Contracts.Topics.Board];

    protected override bool TailAllPartitions => true;

    protected override bool CommitToKafka => false;

    protected override Task HandleBatchAsync(IReadOnlyList<ConsumeResult<string, byte[]>> batch, CancellationToken ct)
    {
        foreach (var message in batch)
        {
            try
            {
                var card = ContractJson.Deserialize<BoardCard>(message.Message.Value);
                board.Apply(card);
                // A refused command that names no prompt is answered with the account's card.
                if (Guid.TryParse(message.Message.Headers.GetString(MessageHeaders.CommandId), out var commandId))
                {
                    commands.Refused(commandId, card, message.Message.Headers.GetString(MessageHeaders.Rejected) ?? "refused");
                }
            }
            catch (System.Text.Json.JsonException ex)
            {
                // Only the Journey's outbox writes this topic; log the bug and keep the board moving.
                logger.LogError(ex, "Unreadable board card at {Partition}@{Offset}", message.Partition.Value, message.Offset.Value);
            }
        }

        return Task.CompletedTask;
    }
}
