using System.Text.Json;
using Confluent.Kafka;
using DemandCenter.Contracts;
using DemandCenter.Journey.Domain;

namespace DemandCenter.Journey.Signals;

/// <summary>A consumed message as a domain command, with the seller action it answers (if any).</summary>
public sealed record JourneyInput(JourneyCommand Command, ConsumeResult<string, byte[]> Message, Guid? CommandId, Guid? SignalId);

/// <summary>Reads the journey's two input topics: forwarded signals and commands from the Hub and the clock.</summary>
public static class JourneyInputs
{
    public static bool TryRead(ConsumeResult<string, byte[]> message, out JourneyInput input, out string error)
    {
        input = null!;
        try
        {
            if (message.Topic == Topics.JourneyCommands)
            {
                var c = ContractJson.Deserialize<JourneyCommandMessage>(message.Message.Value);
                error = Check(c);
                if (error.Length > 0)
                {
                    return false;
                }

                input = new JourneyInput(ToCommand(c), message, c.CommandId, null);
                return true;
            }

            var s = ContractJson.Deserialize<JourneySignal>(message.Message.Value);
            if (string.IsNullOrEmpty(s.AccountId))
            {
                error = "accountId is missing";
                return false;
            }

            input = new JourneyInput(ToCommand(s), message, null, s.SignalId);
            error = "";
            return true;
        }
        catch (JsonException ex)
        {
            error = $"{message.Topic} message is not readable: {ex.Message}";
            return false;
        }
    }

    public static RecordSignal ToCommand(JourneySignal s) =>
        new(s.AccountId, s.SignalId, s.Type, s.Channel, s.OccurredAt, s.ContactId, s.Url, s.Category, s.LateAttributed)
        {
            FormKind = s.Detail?.FormKind,
            Intents = s.Detail?.Intents,
            ReplyKind = s.Detail?.ReplyKind,
            MeetingMode = s.Detail?.MeetingMode,
            Attendees = s.Detail?.Attendees,
            Profile = s.Type == SignalTypes.CrmAccountUpdated && s.Detail is { } d
                ? new ProfileOverrides(d.AccountName, d.OwnerSellerId, d.Territory, d.Segment, d.AnnualRevenue, d.Tier)
                : null,
        };

    private static string Check(JourneyCommandMessage c)
    {
        if (string.IsNullOrEmpty(c.AccountId))
        {
            return "accountId is missing";
        }

        var needsPrompt = c.Kind is not (JourneyCommandKinds.Tick or JourneyCommandKinds.ReassignAccount);
        if (needsPrompt && !Guid.TryParse(c.PromptId, out _))
        {
            return "promptId is missing or not a uuid";
        }

        return c.Kind is JourneyCommandKinds.ReassignPrompt or JourneyCommandKinds.ReassignAccount && string.IsNullOrEmpty(c.ToSellerId)
            ? "toSellerId is missing"
            : "";
    }

    private static JourneyCommand ToCommand(JourneyCommandMessage c) => c.Kind switch
    {
        JourneyCommandKinds.Tick => new Tick(c.AccountId, c.CommandId),
        JourneyCommandKinds.ReassignPrompt => new ReassignPrompt(c.AccountId, c.CommandId, Guid.Parse(c.PromptId!), c.ToSellerId!, c.ActorId),
        JourneyCommandKinds.ReassignAccount => new ReassignAccount(c.AccountId, c.CommandId, c.ToSellerId!, c.ActorId),
        // Unknown kinds reach the decider, which refuses them with a reason the caller sees.
        _ => new ActOnPrompt(c.AccountId, c.CommandId, c.Kind, Guid.Parse(c.PromptId!), c.ActorId, c.ByOrchestrator)
        {
            Until = c.Until,
            Reason = c.Reason,
            Outcome = c.Outcome,
        },
    };
}
