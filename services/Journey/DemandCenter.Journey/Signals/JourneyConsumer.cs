using Confluent.Kafka;
using DemandCenter.Contracts;
using DemandCenter.EventStore;
using DemandCenter.Journey.Accounts;
using DemandCenter.Journey.Domain;
using DemandCenter.Journey.Domain.Model;
using DemandCenter.Journey.Domain.Playbooks;
using DemandCenter.Journey.Forecast;
using DemandCenter.Journey.Prompts;
using DemandCenter.Journey.Team;
using DemandCenter.Kafka;
using DemandCenter.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DemandCenter.Journey.Signals;

/// <summary>
/// The accounts' single writer: turns forwarded signals and commands (seller actions, reassignments, the clock's
/// ticks) into account events. One store session per batch holds the appended events, the account and prompt read
/// models, the outbox rows (prompts, prompt updates, board cards) and the consumed offsets: a crash anywhere leaves
/// either all of a batch or none of it, and a restart resumes from the stored offsets. Both topics are keyed by
/// account and have the same partitions, so one instance owns all input for an account and keeps it hot in memory.
/// </summary>
public sealed class JourneyConsumer(
    KafkaClients clients,
    EventStore.EventStore store,
    ConsumerOffsets offsets,
    AccountProjection accounts,
    AccountRows accountRows,
    PromptProjection prompts,
    AccountDirectory directory,
    TeamDirectory teams,
    TransitionModelCache transitions,
    HotAccounts hot,
    Playbook playbook,
    TimeProvider time,
    IOptions<JourneyOptions> options,
    ILogger<JourneyConsumer> logger) : BatchConsumer(clients, logger)
{
    private readonly ModelSettings _settings = ModelSettings.Of(playbook);

    protected override string GroupId => options.Value.ConsumerGroup;

    protected override IReadOnlyCollection<string> Topics => [Contracts.Topics.JourneySignals, Contracts.Topics.JourneyCommands];

    protected override bool CommitToKafka => false;

    protected override int MaxBatchSize => options.Value.MaxBatchSize;

    protected override IReadOnlyDictionary<TopicPartition, long>? LoadStoredOffsets(IReadOnlyCollection<TopicPartition> partitions)
    {
        // Whoever owned these partitions before may have written since our copies were taken.
        hot.Clear();
        return offsets.Load(GroupId, partitions);
    }

    protected override async Task HandleBatchAsync(IReadOnlyList<ConsumeResult<string, byte[]>> batch, CancellationToken ct)
    {
        var inputs = new List<JourneyInput>(batch.Count);
        var unreadable = new List<OutboxMessage>();
        foreach (var message in batch)
        {
            if (JourneyInputs.TryRead(message, out var input, out var error))
            {
                inputs.Add(input);
            }
            else
            {
                unreadable.Add(DeadLetter(message, error));
            }
        }

        var accountIds = inputs.Select(i => i.Command.AccountId).Distinct(StringComparer.Ordinal).ToList();
        await using var session = await store.BeginSessionAsync(accountIds.Select(JourneyEventTypes.StreamId), ct);
        var tx = await session.TransactionAsync(ct);
        var signalIds = inputs.Where(i => i.SignalId is not null).Select(i => i.SignalId!.Value).ToList();
        var known = signalIds.Count == 0 ? [] : await session.KnownAsync(signalIds, ct);
        // Add also drops repeats within the batch.
        var fresh = inputs.Where(i => i.SignalId is not { } id || known.Add(id)).ToList();
        var loaded = await LoadAsync(tx, accountIds, ct);
        var (team, topRevenue) = await teams.CurrentAsync(playbook.TopAccounts.RevenueTopShare, ct);
        var model = await transitions.CurrentAsync(ct);
        var (outcomes, teamAfter) = Decide(fresh, loaded, team, model, topRevenue);
        team = teamAfter;

        // Each account's events in input order, appended after the version it was loaded at.
        var decided = new Dictionary<string, (long From, List<NewEvent> Events)>(StringComparer.Ordinal);
        var states = new Dictionary<string, AccountJourney>(StringComparer.Ordinal);
        foreach (var d in outcomes)
        {
            var id = d.Input.Command.AccountId;
            if (!decided.TryGetValue(id, out var pending))
            {
                pending = (d.Before.Version, []);
                decided[id] = pending;
            }

            var metadata = Metadata(d.Input);
            pending.Events.AddRange(d.Events.Select(e => new NewEvent(e.EventId, e, metadata)));
            states[id] = d.After;
        }

        var cardsAt = time.GetUtcNow();
        var loadedCards = decided.Keys.Where(loaded.ContainsKey).ToList().AsParallel()
            .ToDictionary(id => id, id => accountRows.Card(loaded[id].State, cardsAt), StringComparer.Ordinal);

        await store.PrepareAsync(decided.Values.SelectMany(d => d.Events), ct);
        // Serializing and sealing is pure and costs about as much as deciding: spread it over the cores too.
        foreach (var (streamId, from, events) in decided.Where(d => d.Value.Events.Count > 0).ToList().AsParallel().AsOrdered()
            .Select(d => (JourneyEventTypes.StreamId(d.Key), d.Value.From, d.Value.Events.Select(store.Serializer.ToRaw).ToList())).ToList())
        {
            session.AppendRaw(streamId, from, events);
            DemandMetrics.EventsAppended.Add(events.Count);
        }

        await PublishRaisedAsync(session, tx, outcomes, states, ct);
        foreach (var d in outcomes)
        {
            await PublishPromptChangesAsync(session, tx, d.Input, d.Events, d.Before, ct);
        }

        var now = time.GetUtcNow();
        var changed = decided.Keys.Select(id => states[id]).ToList();
        var rows = changed.AsParallel().AsOrdered().Select(s => accountRows.Row(s, AccountProjection.SnapshotDue(s, loaded.GetValueOrDefault(s.AccountId)?.SnapshotVersion ?? 0), now)).ToList();
        await accounts.SaveAsync(tx, rows, ct);
        foreach (var row in rows.Where(r => BoardCards.Moved(loadedCards.GetValueOrDefault(r.State.AccountId), r.Card)))
        {
            session.Enqueue(new OutboxMessage(Contracts.Topics.Board, row.State.AccountId, ContractJson.Serialize(row.Card), new Dictionary<string, string>()));
        }

        foreach (var message in unreadable)
        {
            session.Enqueue(message);
        }

        session.StoreOffsets(GroupId, batch.GroupBy(m => m.TopicPartition).Select(g => new TopicPartitionOffset(g.Key, g.Max(m => m.Offset.Value) + 1)));
        await session.CommitAsync(ct);

        // Only what is committed becomes hot state; a failed batch leaves the cache as it was before it.
        hot.Put(rows.Select(r => new LoadedAccount(r.State, r.WithState ? r.State.Version : loaded.GetValueOrDefault(r.State.AccountId)?.SnapshotVersion ?? 0)));
        teams.Remember(team);
    }

    /// <summary>
    /// Decides every input, in input order per account, and threads the sellers' load through the batch in input order,
    /// exactly as deciding one input after the other would. Accounts are independent but for that load, so each
    /// account's inputs are first decided on both cores against the load the batch started with. Only a decision that
    /// routed a prompt (one raised, or a tick's escalation) read the load: walking the batch in order, such a decision is
    /// taken again when the load has moved since the batch began, and so is every later input of its account (its state
    /// may then differ).
    /// </summary>
    private (Decision[] Decisions, Domain.Model.Team Team) Decide(List<JourneyInput> inputs, Dictionary<string, LoadedAccount> loaded, Domain.Model.Team team, TransitionModel model, decimal? topRevenue)
    {
        var decisions = new Decision[inputs.Count];
        var chains = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (var i = 0; i < inputs.Count; i++)
        {
            var id = inputs[i].Command.AccountId;
            if (!chains.TryGetValue(id, out var chain))
            {
                chains[id] = chain = [];
            }

            chain.Add(i);
        }

        var start = team;
        // No buffering: a hot account's long chain should not hold back a queue of others behind it on the same core.
        Parallel.ForEach(System.Collections.Concurrent.Partitioner.Create(chains, System.Collections.Concurrent.EnumerablePartitionerOptions.NoBuffering), chain =>
        {
            var state = loaded.TryGetValue(chain.Key, out var l) ? l.State : AccountJourney.Empty(chain.Key, _settings);
            foreach (var i in chain.Value)
            {
                decisions[i] = DecideOne(inputs[i], state, start, model, topRevenue);
                state = decisions[i].After;
            }
        });

        var redone = new Dictionary<string, AccountJourney>(StringComparer.Ordinal);
        for (var i = 0; i < decisions.Length; i++)
        {
            var d = decisions[i];
            var id = d.Input.Command.AccountId;
            if (redone.TryGetValue(id, out var state))
            {
                d = DecideOne(d.Input, state, team, model, topRevenue);
            }
            else if (!ReferenceEquals(team, start) && (d.Input.Command is Tick || d.Events.Any(e => e is PromptRaised)))
            {
                d = DecideOne(d.Input, d.Before, team, model, topRevenue);
            }

            if (!ReferenceEquals(d, decisions[i]))
            {
                decisions[i] = d;
                redone[id] = d.After;
            }

            team = Load.Apply(team, d.Before, d.Events);
        }

        return (decisions, team);
    }

    private Decision DecideOne(JourneyInput input, AccountJourney state, Domain.Model.Team team, TransitionModel model, decimal? topRevenue)
    {
        var context = new JourneyContext(directory.Profile(input.Command.AccountId), playbook, team, model, topRevenue, time);
        var events = JourneyDecider.Decide(input.Command, state, context);
        var after = state;
        foreach (var e in events)
        {
            after = JourneyDecider.Evolve(after, e);
        }

        return new Decision(input, state, events, after);
    }

    private async Task<Dictionary<string, LoadedAccount>> LoadAsync(Npgsql.NpgsqlTransaction tx, IReadOnlyList<string> accountIds, CancellationToken ct)
    {
        var states = new Dictionary<string, LoadedAccount>(StringComparer.Ordinal);
        var cold = new List<string>();
        foreach (var id in accountIds)
        {
            if (hot.TryGet(id, out var state))
            {
                states[id] = state;
            }
            else
            {
                cold.Add(id);
            }
        }

        foreach (var (id, state) in await accounts.LoadAsync(tx.Connection!, tx, cold, ct))
        {
            states[id] = state;
        }

        return states;
    }

    /// <summary>The batch's new prompts: one insert for all of them, then one outbox message each.</summary>
    private async Task PublishRaisedAsync(EventSession session, Npgsql.NpgsqlTransaction tx, IEnumerable<Decision> outcomes, Dictionary<string, AccountJourney> states, CancellationToken ct)
    {
        var raised = new List<PromptMessage>();
        foreach (var prompt in outcomes.SelectMany(o => o.Events).OfType<PromptRaised>())
        {
            var after = states[prompt.AccountId];
            var evidence = prompt.EvidenceSignalIds.Select(id => after.Recent.LastOrDefault(r => r.SignalId == id)).OfType<RecentSignal>()
                .Select(r => new EvidenceItem(r.SignalId.ToString(), r.Type, r.Channel, r.OccurredAt, $"{Rules.NameOf(r.ContactId)}: {r.Summary ?? r.Type}"))
                .ToList();
            raised.Add(PromptProjection.Message(prompt, directory.Profile(prompt.AccountId).With(after.Overrides).Name, evidence));
            DemandMetrics.PromptsRaised.Add(1, new KeyValuePair<string, object?>("action", prompt.Action));
        }

        foreach (var message in await prompts.AddAsync(tx, raised, ct))
        {
            session.Enqueue(PromptMessages.Raised(message));
        }
    }

    /// <summary>Writes the prompts read model for each change to a prompt and queues the update the Hub pushes (or the refusal it answers).</summary>
    private async Task PublishPromptChangesAsync(EventSession session, Npgsql.NpgsqlTransaction tx, JourneyInput input, IReadOnlyList<JourneyEvent> events, AccountJourney before, CancellationToken ct)
    {
        foreach (var e in events)
        {
            var change = PromptChanges.Of(e, before);
            if (change is null)
            {
                continue;
            }

            if (change.Refusal is { } refusal)
            {
                var current = change.RefusedPromptId is { } pid ? await prompts.GetAsync(tx, pid, ct) : null;
                if (current is not null)
                {
                    session.Enqueue(PromptMessages.Updated(new PromptUpdate(current.PromptId, current.AccountId, current.Status, e.At, current)
                    {
                        CommandId = input.CommandId,
                        Rejected = refusal.Why,
                    }));
                }

                continue;
            }

            var changed = await prompts.ChangeAsync(tx, change.PromptId, change.Status, change.SellerId, change.Fields, ct);
            if (changed is { } c)
            {
                session.Enqueue(PromptMessages.Updated(new PromptUpdate(c.Prompt.PromptId, c.Prompt.AccountId, c.Prompt.Status, e.At, c.Prompt)
                {
                    CommandId = input.CommandId,
                    PreviousSellerId = c.PreviousSellerId != c.Prompt.SellerId ? c.PreviousSellerId : null,
                }));
            }
        }
    }

    private static EventMetadata Metadata(JourneyInput input)
    {
        var cause = (input.SignalId ?? input.CommandId)?.ToString();
        return new EventMetadata
        {
            CorrelationId = cause,
            CausationId = cause,
            TraceParent = input.Message.Message.Headers.GetString(MessageHeaders.TraceParent),
            SourceTopic = input.Message.Topic,
            SourcePartition = input.Message.Partition.Value,
            SourceOffset = input.Message.Offset.Value,
        };
    }

    /// <summary>An input, the account's state before it, the events decided and the state after them.</summary>
    private sealed record Decision(JourneyInput Input, AccountJourney Before, IReadOnlyList<JourneyEvent> Events, AccountJourney After);

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
