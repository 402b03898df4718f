using System.Text.Json;
using Confluent.Kafka;
using DemandCenter.Contracts;
using DemandCenter.EventStore;
using DemandCenter.Journey.Accounts;
using DemandCenter.Journey.Domain;
using DemandCenter.Journey.Prompts;
using DemandCenter.Kafka;
using DemandCenter.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DemandCenter.Journey.Signals;

/// <summary>
/// Turns forwarded signals into account events. One store session per batch holds the appended events, the inline
/// projections, the prompt read model, the outbox rows and the consumed offsets: a crash anywhere leaves either all
/// of a batch or none of it, and a restart resumes from the stored offsets. Signals already in the store are skipped.
/// </summary>
public sealed class JourneySignalConsumer(
    KafkaClients clients,
    EventStore.EventStore store,
    ConsumerOffsets offsets,
    AccountProjection accounts,
    PromptProjection prompts,
    AccountDirectory directory,
    TimeProvider time,
    IOptions<JourneyOptions> options,
    ILogger<JourneySignalConsumer> logger) : BatchConsumer(clients, logger)
{
    private readonly Playbook _playbook = Playbook.Default with { Cooldown = options.Value.PromptCooldown };

    protected override string GroupId => options.Value.ConsumerGroup;

    protected override IReadOnlyCollection<string> Topics => [Contracts.Topics.JourneySignals];

    protected override bool CommitToKafka => false;

    protected override IReadOnlyDictionary<TopicPartition, long>? LoadStoredOffsets(IReadOnlyCollection<TopicPartition> partitions) =>
        offsets.Load(GroupId, partitions);

    protected override async Task HandleBatchAsync(IReadOnlyList<ConsumeResult<string, byte[]>> batch, CancellationToken ct)
    {
        var signals = new List<(JourneySignal Signal, ConsumeResult<string, byte[]> Message)>(batch.Count);
        var unreadable = new List<OutboxMessage>();
        foreach (var message in batch)
        {
            if (TryRead(message, out var signal, out var error))
            {
                signals.Add((signal, message));
            }
            else
            {
                unreadable.Add(DeadLetter(message, error));
            }
        }

        var accountIds = signals.Select(s => s.Signal.AccountId).Distinct(StringComparer.Ordinal).ToList();
        await using var session = await store.BeginSessionAsync(accountIds.Select(JourneyEventTypes.StreamId), ct);
        var tx = await session.TransactionAsync(ct);
        var known = await session.KnownAsync(signals.Select(s => s.Signal.SignalId).ToList(), ct);
        var fresh = signals.Where(s => known.Add(s.Signal.SignalId)).ToList(); // Add also drops repeats within the batch
        var states = await accounts.LoadAsync(tx, accountIds, ct);
        var decided = new Dictionary<string, (long From, List<NewEvent> Events)>(StringComparer.Ordinal);
        var raised = new List<(PromptRaised Prompt, JourneySignal Signal)>();

        foreach (var (signal, message) in fresh)
        {
            var state = states.GetValueOrDefault(signal.AccountId) ?? AccountJourney.Empty(signal.AccountId);
            var command = new RecordSignal(signal.AccountId, signal.SignalId, signal.Type, signal.Channel, signal.OccurredAt, signal.ContactId, signal.Url, signal.Category, signal.LateAttributed);
            var events = JourneyDecider.Decide(command, state, directory.Profile(signal.AccountId), _playbook, time);
            if (!decided.TryGetValue(signal.AccountId, out var pending))
            {
                pending = (state.Version, []);
                decided[signal.AccountId] = pending;
            }

            var metadata = new EventMetadata
            {
                CorrelationId = signal.SignalId.ToString(),
                CausationId = signal.SignalId.ToString(),
                TraceParent = message.Message.Headers.GetString(MessageHeaders.TraceParent),
                SourceTopic = message.Topic,
                SourcePartition = message.Partition.Value,
                SourceOffset = message.Offset.Value,
            };
            pending.Events.AddRange(events.Select(e => new NewEvent(e.EventId, e, metadata)));
            raised.AddRange(events.OfType<PromptRaised>().Select(p => (p, signal)));
            states[signal.AccountId] = events.Aggregate(state, JourneyDecider.Evolve);
        }

        foreach (var (accountId, (from, events)) in decided)
        {
            session.Append(JourneyEventTypes.StreamId(accountId), from, events);
            DemandMetrics.EventsAppended.Add(events.Count);
        }

        foreach (var (prompt, signal) in raised)
        {
            var message = await prompts.AddAsync(tx, prompt, directory.Profile(prompt.AccountId), [Evidence(signal)], ct);
            session.Enqueue(new OutboxMessage(Contracts.Topics.Prompts, prompt.AccountId, ContractJson.Serialize(message), new Dictionary<string, string>()));
            DemandMetrics.PromptsRaised.Add(1, new KeyValuePair<string, object?>("action", prompt.Action));
        }

        await accounts.SaveAsync(tx, decided.Keys.Select(id => states[id]), ct);
        foreach (var message in unreadable)
        {
            session.Enqueue(message);
        }

        session.StoreOffsets(GroupId, batch.GroupBy(m => m.TopicPartition).Select(g => new TopicPartitionOffset(g.Key, g.Max(m => m.Offset.Value) + 1)));
        await session.CommitAsync(ct);
    }

    private static EvidenceItem Evidence(JourneySignal s) =>
        new(s.SignalId.ToString(), s.Type, s.Channel, s.OccurredAt, s.Category is null ? s.Type : $"{s.Category} page {s.Url}");

    private static bool TryRead(ConsumeResult<string, byte[]> message, out JourneySignal signal, out string error)
    {
        try
        {
            signal = ContractJson.Deserialize<JourneySignal>(message.Message.Value);
            error = "";
            return !string.IsNullOrEmpty(signal.AccountId) || Fail("accountId is missing", out error);
        }
        catch (JsonException ex)
        {
            signal = null!;
            error = "journey signal is not readable: " + ex.Message;
            return false;
        }
    }

    private static bool Fail(string reason, out string error)
    {
        error = reason;
        return false;
    }

    /// <summary>The original bytes, key and headers, plus the reason and where it came from, as every dead letter carries.</summary>
    private static OutboxMessage DeadLetter(ConsumeResult<string, byte[]> message, string reason)
    {
        var headers = message.Message.Headers.ToText();
        foreach (var (key, value) in DeadLetters.OriginHeaders(message, "journey.unreadable: " + reason))
        {
            headers[key] = value;
        }

        return new OutboxMessage(Contracts.Topics.DeadLetter, message.Message.Key ?? "", message.Message.Value ?? [], headers);
    }
}
