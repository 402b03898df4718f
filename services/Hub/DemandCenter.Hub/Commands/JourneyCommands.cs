using System.Collections.Concurrent;
using DemandCenter.Contracts;
using DemandCenter.Kafka;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace DemandCenter.Hub.Commands;

/// <summary>How the Journey service answered a command: the prompt update carrying its id, or the account's card (new, or with a refusal).</summary>
public sealed record CommandOutcome(PromptUpdate? Update, BoardCard? Card, string? Rejected = null);

/// <summary>
/// Sends people's actions to the Journey service (the account's single writer) and waits for its answer. Every Hub
/// instance tails all of demand.prompts and demand.board, so the instance that holds the caller's connection sees the
/// answer whichever partition it lands on; the pending registry matches it by command id.
/// </summary>
public sealed class JourneyCommands(SharedProducer producer, IOptionsMonitor<HubOptions> options)
{
    private readonly ConcurrentDictionary<Guid, TaskCompletionSource<CommandOutcome>> _pending = new();

    /// <summary>Account reassignments also count as confirmed when the account's card shows the new owner: an account without open prompts yields no prompt update.</summary>
    private readonly ConcurrentDictionary<Guid, (string AccountId, string ToSellerId)> _ownerWatches = new();

    public int Pending => _pending.Count;

    /// <summary>Publishes the command and returns the Journey's answer; a refusal or a missing answer becomes a HubException for the caller.</summary>
    public async Task<CommandOutcome> SendAsync(JourneyCommandMessage command, CancellationToken ct)
    {
        var answer = new TaskCompletionSource<CommandOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[command.CommandId] = answer;
        if (command.Kind == JourneyCommandKinds.ReassignAccount && command.ToSellerId is not null)
        {
            _ownerWatches[command.CommandId] = (command.AccountId, command.ToSellerId);
        }

        try
        {
            await producer.ProduceAsync(Topics.JourneyCommands, command.AccountId, ContractJson.Serialize(command), ct: ct);
            var outcome = await answer.Task.WaitAsync(options.CurrentValue.CommandTimeout, ct);
            if ((outcome.Update?.Rejected ?? outcome.Rejected) is { } reason)
            {
                throw new HubException("Refused: " + reason);
            }

            return outcome;
        }
        catch (TimeoutException)
        {
            throw new HubException("The action was sent but not confirmed in time; it may still take effect. Reload to see the prompt as it is.");
        }
        catch (Confluent.Kafka.ProduceException<string, byte[]> ex)
        {
            throw new HubException("The action could not be sent (" + ex.Error.Reason + "); try again.");
        }
        finally
        {
            _pending.TryRemove(command.CommandId, out _);
            _ownerWatches.TryRemove(command.CommandId, out _);
        }
    }

    /// <summary>Called by the prompts fan-out for every update; completes the command it answers, if it is waiting here.</summary>
    public void Answer(PromptUpdate update)
    {
        if (update.CommandId is { } id && _pending.TryGetValue(id, out var waiting))
        {
            waiting.TrySetResult(new CommandOutcome(update, null));
        }
    }

    /// <summary>Called by the board fan-out for a card that answers a refused command naming no prompt.</summary>
    public void Refused(Guid commandId, BoardCard card, string reason)
    {
        if (_pending.TryGetValue(commandId, out var waiting))
        {
            waiting.TrySetResult(new CommandOutcome(null, card, reason));
        }
    }

    /// <summary>Called by the board fan-out for every card; confirms account reassignments waiting for this owner.</summary>
    public void Answer(BoardCard card)
    {
        if (_ownerWatches.IsEmpty)
        {
            return;
        }

        foreach (var (id, watch) in _ownerWatches)
        {
            if (watch.AccountId == card.AccountId && watch.ToSellerId == card.OwnerSellerId && _pending.TryGetValue(id, out var waiting))
            {
                waiting.TrySetResult(new CommandOutcome(null, card));
            }
        }
    }
}
