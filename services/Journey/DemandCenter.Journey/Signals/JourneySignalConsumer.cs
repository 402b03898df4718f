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
using Npgsql;

namespace DemandCenter.Journey.Signals;

/// <summary>
/// Turns forwarded signals into account events. One transaction per batch holds the appended events, the inline
/// projections, the prompt read model, the outbox rows and the consumed offsets: a crash anywhere leaves either all
/// of a batch or none of it, and a restart resumes from the stored offsets. Signals already in the store are skipped.
/// </summary>
public sealed class JourneySignalConsumer(
    KafkaClients clients,
    NpgsqlDataSource dataSource,
    EventStore.EventStore store,
    ConsumerOffsets offsets,
    Outbox outbox,
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
        var outgoing = new List<OutboxMessage>();
        var signals = new List<JourneySignal>(batch.Count);
        foreach (var message in batch)
        {
            if (TryRead(message, out var signal, out var error))
            {
                signals.Add(signal);
            }
            else
            {
                outgoing.Add(DeadLetter(message, error));
            }
        }

        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var known = await store.KnownAsync(tx, signals.Select(s => s.SignalId).ToList(), ct);
        var fresh = signals.Where(s => known.Add(s.SignalId)).ToList(); // Add also drops repeats within the batch
        var states = await accounts.LoadAsync(tx, fresh.Select(s => s.AccountId).Distinct().ToList(), ct);
        var newEvents = new Dictionary<string, (long From, List<JourneyEvent> Events)>(StringComparer.Ordinal);
        var evidence = fresh.ToDictionary(s => s.SignalId, Evidence);

        foreach (var signal in fresh)
        {
            var state = states.GetValueOrDefault(signal.AccountId) ?? AccountJourney.Empty(signal.AccountId);
            var command = new RecordSignal(signal.AccountId, signal.SignalId, signal.Type, signal.Channel, signal.OccurredAt, signal.ContactId, signal.Url, signal.Category);
            var decided = JourneyDecider.Decide(command, state, directory.Profile(signal.AccountId), _playbook, time);
            if (!newEvents.TryGetValue(signal.AccountId, out var pending))
            {
                pending = (state.Version, []);
                newEvents[signal.AccountId] = pending;
            }

            pending.Events.AddRange(decided);
            states[signal.AccountId] = decided.Aggregate(state, JourneyDecider.Evolve);
        }

        foreach (var (accountId, (from, events)) in newEvents)
        {
            await store.AppendAsync(tx, StreamId(accountId), from, events.Select(ToNew).ToList(), ct);
            DemandMetrics.EventsAppended.Add(events.Count);
            foreach (var raised in events.OfType<PromptRaised>())
            {
                var prompt = await prompts.AddAsync(tx, raised, directory.Profile(accountId), raised.EvidenceSignalIds.Select(id => evidence[id]).ToList(), ct);
                outgoing.Add(new OutboxMessage(Contracts.Topics.Prompts, accountId, ContractJson.Serialize(prompt), new Dictionary<string, string>()));
                DemandMetrics.PromptsRaised.Add(1, new KeyValuePair<string, object?>("action", raised.Action));
            }
        }

        await accounts.SaveAsync(tx, newEvents.Keys.Select(id => states[id]), ct);
        await outbox.EnqueueAsync(tx, outgoing, ct);
        await offsets.SaveAsync(tx, GroupId, batch.GroupBy(m => m.TopicPartition).Select(g => new TopicPartitionOffset(g.Key, g.Max(m => m.Offset.Value) + 1)), ct);
        await tx.CommitAsync(ct);
    }

    public static string StreamId(string accountId) => "account-" + accountId;

    private static NewEvent ToNew(JourneyEvent e) =>
        new(e.EventId, JourneyEventSerializer.TypeName(e), JourneyEventSerializer.ToJson(e), new Dictionary<string, string?>());

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

    private static OutboxMessage DeadLetter(ConsumeResult<string, byte[]> message, string reason) =>
        new(Contracts.Topics.DeadLetter, message.Message.Key ?? "", message.Message.Value ?? [], new Dictionary<string, string>
        {
            [MessageHeaders.DeadLetterReason] = reason,
            [MessageHeaders.SourceTopic] = message.Topic,
            [MessageHeaders.SourcePartition] = message.Partition.Value.ToString(System.Globalization.CultureInfo.InvariantCulture),
            [MessageHeaders.SourceOffset] = message.Offset.Value.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
}
