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
/// <para>
/// A batch is decided (and its events serialized) while the one before is written and committed: the later batch
/// starts from the earlier one's resulting account states, held in memory until that commits, and writes only after
/// it. The hot cache takes only committed states; a failure redoes every batch not yet durable.
/// </para>
/// <para>
/// A process runs <see cref="JourneyOptions.Lanes"/> of these, each with its share of the partitions (so of the
/// accounts), its own pipeline and its own session per batch. The sellers' load is the one thing lanes share: each
/// batch settles its routing against the <see cref="TeamDirectory"/>'s load with every lane's claims on it.
/// </para>
/// </summary>
public sealed class JourneyConsumer(
    KafkaClients clients,
    EventStore.EventStore store,
    Npgsql.NpgsqlDataSource dataSource,
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

    /// <summary>Batches started and not yet durable, oldest first (consume loop only): what they decided counts for the next.</summary>
    private readonly List<Unsettled> _unsettled = [];

    /// <summary>
    /// Inputs (signals and commands, by id) that an earlier attempt found decided before: a batch's session refuses any
    /// event already stored, so a batch holding an input resent from upstream (say, a marketing system resending past
    /// Ingestion's dedupe window) writes nothing and is redone without it. Asking the store about every batch's inputs
    /// instead cost each batch a round trip before deciding and about a twentieth of its PostgreSQL time, for what is rare.
    /// Each entry drops its input once.
    /// </summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Guid, byte> _resent = new();

    protected override string GroupId => options.Value.ConsumerGroup;

    protected override IReadOnlyCollection<string> Topics => [Contracts.Topics.JourneySignals, Contracts.Topics.JourneyCommands];

    protected override bool CommitToKafka => false;

    protected override int MaxBatchSize => options.Value.MaxBatchSize;

    /// <summary>Two: one batch is decided and serialized while the one before is written and committed.</summary>
    protected override int MaxBatchesInFlight => 2;

    protected override IReadOnlyDictionary<TopicPartition, long>? LoadStoredOffsets(IReadOnlyCollection<TopicPartition> partitions, Exception? failure)
    {
        // Whoever owned these partitions before may have written since our copies were taken, and a failed write may
        // mean the store lost what the cache holds. A batch redone without inputs resent from upstream (the store
        // refused them, so it has them) leaves the cache as right as it was.
        if (failure is not BatchRedoException)
        {
            hot.Clear();
        }

        return offsets.Load(GroupId, partitions);
    }

    protected override async Task HandleBatchAsync(IReadOnlyList<ConsumeResult<string, byte[]>> batch, CancellationToken ct) =>
        await await StartBatchAsync(batch, ct);

    protected override async Task<Task> StartBatchAsync(IReadOnlyList<ConsumeResult<string, byte[]>> batch, CancellationToken ct)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        // Completed ones are committed, or failed (and then this batch fails after them and all are redone).
        _unsettled.RemoveAll(u => u.Durable.IsCompleted);
        var ahead = _unsettled.ToList();

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
        // Each input is decided once: not again within the batch, nor when a batch ahead (about to commit) holds it, nor
        // when the store has it already (see _resent).
        var seen = new HashSet<Guid>(inputs.Count);
        var fresh = inputs.Where(i => InputId(i) is not { } id || (seen.Add(id) && !ahead.Exists(u => u.InputIds.Contains(id)) && !_resent.TryRemove(id, out _))).ToList();
        var loaded = await LoadAsync(ahead, accountIds, ct);
        var (team, topRevenue) = await teams.CurrentAsync(playbook.TopAccounts.RevenueTopShare, ct);
        var model = await transitions.CurrentAsync(ct);
        var (outcomes, claim) = Decide(fresh, loaded, team, model, topRevenue);

        Unsettled unsettled;
        try
        {
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

            var now = time.GetUtcNow();
            var held = BatchWork.Map(decided.Keys.Where(loaded.ContainsKey).ToList(), id => (Id: id, Card: loaded[id].Board ?? accountRows.Card(loaded[id].State, now)))
                .ToDictionary(c => c.Id, c => c.Card, StringComparer.Ordinal);

            await store.PrepareAsync(decided.Values.SelectMany(d => d.Events), ct);
            // Serializing and sealing is pure and costs about as much as deciding: spread over the cores too (unless the lanes fill them).
            var appends = BatchWork.Map(
                decided.Where(d => d.Value.Events.Count > 0).ToList(),
                d => (StreamId: JourneyEventTypes.StreamId(d.Key), d.Value.From, Events: store.Serializer.ToRaw(d.Value.Events)));
            var raised = Raised(outcomes, states);
            // A clock tick decided for an account weighed its checks due by then: they move on if nothing came of them, and a
            // signal decided later does not make them due again.
            var ticked = fresh.Where(i => i.Command is Tick).Select(i => i.Command.AccountId).ToHashSet(StringComparer.Ordinal);
            DateTimeOffset? TickedAt(string id) => ticked.Contains(id) ? now : loaded.GetValueOrDefault(id)?.TickedAt;
            var rows = BatchWork.Map(
                decided.Keys.ToList(),
                id => accountRows.Row(states[id], AccountProjection.SnapshotDue(states[id], loaded.GetValueOrDefault(id)?.SnapshotVersion ?? 0), now, TickedAt(id)));
            var published = rows.ConvertAll(r => (Row: r, Board: BoardCards.Publish(held.GetValueOrDefault(r.State.AccountId), r.Card)));
            var board = published.Where(p => p.Board.Send)
                .Select(p => new OutboxMessage(Contracts.Topics.Board, p.Row.State.AccountId, p.Row.CardJson, new Dictionary<string, string>()))
                .ToList();
            var results = published.ToDictionary(
                p => p.Row.State.AccountId,
                p => new LoadedAccount(p.Row.State, p.Row.WithState ? p.Row.State.Version : loaded.GetValueOrDefault(p.Row.State.AccountId)?.SnapshotVersion ?? 0, p.Board.Held, TickedAt(p.Row.State.AccountId)),
                StringComparer.Ordinal);
            var next = NextOffsets(batch);

            var previous = ahead.Count > 0 ? ahead[^1].Durable : Task.CompletedTask;
            // Every input id this batch saw: those it decided, and those it dropped as decided elsewhere.
            unsettled = new Unsettled(results, seen, claim);
            // What the write needs of the decisions, taken now: the decisions themselves (inputs, events, states before)
            // would otherwise live until the commit, and a collection meanwhile would copy them all.
            var changes = outcomes.SelectMany(d => d.Events.Select(e => (d.Input.CommandId, Event: e, Change: PromptChanges.Of(e, d.Before))))
                .Where(c => c.Change is not null)
                .Select(c => new PendingChange(c.CommandId, c.Event, c.Change!))
                .ToList();
            // The rows' upsert is made here, snapshots serialized, so the batch's write (which one batch at a time does in
            // each lane, and which bounds a lane's rate) only sends it.
            var save = rows.Count > 0 ? accounts.SaveCommand(rows) : null;
            DemandMetrics.JourneyBatchDecide.Record(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            unsettled.Durable = WriteAfterAsync(previous, unsettled, new BatchWrite(accountIds, appends, changes, raised, rows, save, board.Concat(unreadable).ToList(), next), ct);
        }
        catch
        {
            // Failed before its write began: nothing of it is written, and deciding it again claims again.
            teams.Abandon(claim);
            throw;
        }

        _unsettled.Add(unsettled);
        if (batch.Count < BatchWork.LargeFrom)
        {
            // Live traffic: the next batch would only queue behind this one's commit, smaller and so with more commits in
            // all. Messages arriving meanwhile make one batch instead (the Hub benchmark's p50 went from 36-50 to 68-78 ms
            // with every batch pipelined).
            await unsettled.Durable;
        }

        return unsettled.Durable;
    }

    /// <summary>
    /// Writes the batch in one store session once the batch before is durable (its rows, prompts and stream versions
    /// are what this one builds on, and opened earlier this session would only wait on its stream locks), then lets the
    /// hot cache and the team directory take its results. Fails, writing nothing, when the batch before failed.
    /// </summary>
    private async Task WriteAfterAsync(Task previous, Unsettled batch, BatchWrite write, CancellationToken ct)
    {
        try
        {
            await previous;
            var writing = System.Diagnostics.Stopwatch.GetTimestamp();
            await WriteAsync(write, ct);
            DemandMetrics.JourneyBatchWrite.Record(System.Diagnostics.Stopwatch.GetElapsedTime(writing).TotalMilliseconds);
        }
        catch (RepeatedEventException ex)
        {
            teams.Abandon(batch.Claim);
            var resent = CausesOf(ex.Known, write.Appends);
            foreach (var id in resent)
            {
                _resent[id] = 0;
            }

            throw new BatchRedoException($"{resent.Count} of its inputs were decided before (resent from upstream); it is redone without them", ex);
        }
        catch
        {
            // Decided again when redone, and claims again then.
            teams.Abandon(batch.Claim);
            throw;
        }

        teams.Committed(batch.Claim);

        // Only what is committed becomes hot state; a failed batch leaves the cache as it was before it.
        hot.Put(batch.States.Values);
        foreach (var prompt in write.Raised)
        {
            // Counted once committed: a batch that fails is decided again.
            DemandMetrics.PromptsRaised.Add(1, new KeyValuePair<string, object?>("action", prompt.Action));
        }

        batch.Release();
    }

    /// <summary>The batch's one store session: its events, prompts, account rows, outbox messages and offsets, committed together.</summary>
    private async Task WriteAsync(BatchWrite write, CancellationToken ct)
    {
        var (accountIds, appends, changes, raised, rows, save, messages, next) = write;
        await using var session = await store.BeginSessionAsync(accountIds.Select(JourneyEventTypes.StreamId), ct);
        // The batch's states, rows and prompts count every input as new: one decided before must fail the batch (to be
        // redone without it), not have its events skipped.
        session.RefuseRepeats();
        foreach (var (streamId, from, events) in appends)
        {
            session.AppendRaw(streamId, from, events);
            DemandMetrics.EventsAppended.Add(events.Count);
        }

        // Prompts' sequences go into their messages, so they are read back before the commit (with the stream locks, in
        // one round trip); most live batches raise or change none and so write everything in the commit's round trips.
        foreach (var message in await prompts.AddAsync(session, raised, ct))
        {
            session.Enqueue(PromptMessages.Raised(message));
        }

        if (changes.Count > 0)
        {
            var tx = await session.TransactionAsync(ct);
            foreach (var change in changes)
            {
                await PublishPromptChangeAsync(session, tx, change, rows, ct);
            }
        }

        if (save is not null)
        {
            session.Write(save);
        }

        foreach (var message in messages)
        {
            session.Enqueue(message);
        }

        session.StoreOffsets(GroupId, next);
        await session.CommitAsync(ct);
    }

    /// <summary>
    /// Decides every input, in input order per account, and threads the sellers' load through the batch in input order,
    /// exactly as deciding one input after the other would. Accounts are independent but for that load, so each
    /// account's inputs are first decided on both cores against the load the batch started with. Only a decision that
    /// routed a prompt (one raised, or a tick's escalation) read the load: walking the batch in order against the load as
    /// it then is (another lane may have claimed since), such a decision is taken again when the load differs from the
    /// one it was decided with, and so is every later input of its account (its state may then differ). The walk's
    /// change to the load is claimed before another batch can walk.
    /// </summary>
    private (Decision[] Decisions, LoadClaim Claim) Decide(List<JourneyInput> inputs, Dictionary<string, LoadedAccount> loaded, Domain.Model.Team start, TransitionModel model, decimal? topRevenue)
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

        void DecideChain(KeyValuePair<string, List<int>> chain)
        {
            var state = loaded.TryGetValue(chain.Key, out var l) ? l.State : AccountJourney.Empty(chain.Key, _settings);
            foreach (var i in chain.Value)
            {
                decisions[i] = DecideOne(inputs[i], state, start, model, topRevenue);
                state = decisions[i].After;
            }
        }

        if (BatchWork.Spread(inputs.Count))
        {
            // No buffering: a hot account's long chain should not hold back a queue of others behind it on the same core.
            Parallel.ForEach(System.Collections.Concurrent.Partitioner.Create(chains, System.Collections.Concurrent.EnumerablePartitionerOptions.NoBuffering), DecideChain);
        }
        else
        {
            foreach (var chain in chains)
            {
                DecideChain(chain);
            }
        }

        // Settled against the load as it is now, another lane's batches included, while no other batch settles.
        var claim = teams.Claim(current =>
        {
            var team = SameLoad(current, start) ? start : current;
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

            return team;
        });
        return (decisions, claim);
    }

    /// <summary>The same sellers with the same load: what was decided with one holds for the other.</summary>
    private static bool SameLoad(Domain.Model.Team a, Domain.Model.Team b) =>
        ReferenceEquals(a, b)
        || (a.Members.SequenceEqual(b.Members)
            && a.Load.Where(l => l.Value != 0).Count() == b.Load.Count(l => l.Value != 0)
            && a.Load.All(l => l.Value == b.LoadOf(l.Key)));

    private Decision DecideOne(JourneyInput input, AccountJourney state, Domain.Model.Team team, TransitionModel model, decimal? topRevenue)
    {
        var context = new JourneyContext(directory.Profile(input.Command.AccountId), playbook, team, model, topRevenue, time);
        var (events, after) = JourneyDecider.DecideAndEvolve(input.Command, state, context);
        return new Decision(input, state, events, after);
    }

    /// <summary>The accounts' states: as the pending batches left them, else hot, else from the store.</summary>
    private async Task<Dictionary<string, LoadedAccount>> LoadAsync(List<Unsettled> ahead, IReadOnlyList<string> accountIds, CancellationToken ct)
    {
        var states = new Dictionary<string, LoadedAccount>(StringComparer.Ordinal);
        var cold = new List<string>();
        foreach (var id in accountIds)
        {
            LoadedAccount? pending = null;
            for (var k = ahead.Count - 1; k >= 0 && pending is null; k--)
            {
                pending = ahead[k].States.GetValueOrDefault(id);
            }

            if (pending is not null)
            {
                states[id] = pending;
            }
            else if (hot.TryGet(id, out var state))
            {
                states[id] = state;
            }
            else
            {
                cold.Add(id);
            }
        }

        if (cold.Count > 0)
        {
            // Outside the batch's transaction: this instance is the accounts' only writer, and the batches ahead did not touch these.
            await using var connection = await dataSource.OpenConnectionAsync(ct);
            foreach (var (id, state) in await accounts.LoadAsync(connection, null, cold, ct))
            {
                states[id] = state;
            }
        }

        return states;
    }

    /// <summary>The batch's new prompts, as the read model and the Hub get them.</summary>
    private List<PromptMessage> Raised(IEnumerable<Decision> outcomes, Dictionary<string, AccountJourney> states)
    {
        var raised = new List<PromptMessage>();
        foreach (var prompt in outcomes.SelectMany(o => o.Events).OfType<PromptRaised>())
        {
            var after = states[prompt.AccountId];
            var evidence = prompt.EvidenceSignalIds.Select(id => after.Recent.LastOrDefault(r => r.SignalId == id)).OfType<RecentSignal>()
                .Select(r => new EvidenceItem(r.SignalId.ToString(), r.Type, r.Channel, r.OccurredAt, $"{Rules.NameOf(r.ContactId)}: {r.Summary ?? r.Type}"))
                .ToList();
            raised.Add(PromptProjection.Message(prompt, directory.Profile(prompt.AccountId).With(after.Overrides).Name, evidence));
        }

        return raised;
    }

    /// <summary>Writes a change to a prompt into the read model and queues the update the Hub pushes (or the refusal it answers).</summary>
    private async Task PublishPromptChangeAsync(EventSession session, Npgsql.NpgsqlTransaction tx, PendingChange pending, List<AccountRow> rows, CancellationToken ct)
    {
        var (commandId, e, change) = pending;
        if (change.Refusal is { } refusal)
        {
            var current = change.RefusedPromptId is { } pid ? await prompts.GetAsync(tx, pid, ct) : null;
            if (current is not null)
            {
                session.Enqueue(PromptMessages.Updated(new PromptUpdate(current.PromptId, current.AccountId, current.Status, e.At, current)
                {
                    CommandId = commandId,
                    Rejected = refusal.Why,
                }));
            }
            else if (commandId is { } id && rows.Find(r => r.State.AccountId == e.AccountId) is { } row)
            {
                // No prompt to answer with (a reassign_account, or a prompt unknown here): the account's card answers.
                session.Enqueue(new OutboxMessage(Contracts.Topics.Board, e.AccountId, row.CardJson, new Dictionary<string, string>
                {
                    [MessageHeaders.CommandId] = id.ToString(),
                    [MessageHeaders.Rejected] = refusal.Why,
                }));
            }

            return;
        }

        var changed = await prompts.ChangeAsync(tx, change.PromptId, change.Status, change.SellerId, change.Fields, ct);
        if (changed is { } c)
        {
            session.Enqueue(PromptMessages.Updated(new PromptUpdate(c.Prompt.PromptId, c.Prompt.AccountId, c.Prompt.Status, e.At, c.Prompt)
            {
                CommandId = commandId,
                PreviousSellerId = c.PreviousSellerId != c.Prompt.SellerId ? c.PreviousSellerId : null,
            }));
        }
    }

    /// <summary>A signal's or command's own id: what its events derive theirs from, and their metadata's causation.</summary>
    private static Guid? InputId(JourneyInput input) => input.SignalId ?? input.CommandId;

    /// <summary>The inputs that caused these events, as each event's metadata names it.</summary>
    private static HashSet<Guid> CausesOf(IReadOnlyCollection<Guid> eventIds, List<(string StreamId, long From, List<RawNewEvent> Events)> appends)
    {
        var wanted = eventIds.ToHashSet();
        return appends.SelectMany(a => a.Events)
            .Where(e => wanted.Contains(e.EventId) && e.MetadataJson is not null)
            .Select(e => System.Text.Json.JsonSerializer.Deserialize<EventMetadata>(e.MetadataJson!, ContractJson.Options)?.CausationId)
            .Select(cause => Guid.TryParse(cause, out var id) ? id : (Guid?)null)
            .OfType<Guid>()
            .ToHashSet();
    }

    private static EventMetadata Metadata(JourneyInput input)
    {
        // No correlation id: it would repeat the causation (the input that started this), about 55 bytes on every event.
        return new EventMetadata
        {
            CausationId = InputId(input)?.ToString(),
            TraceParent = input.Message.Message.Headers.GetString(MessageHeaders.TraceParent),
            SourceTopic = input.Message.Topic,
            SourcePartition = input.Message.Partition.Value,
            SourceOffset = input.Message.Offset.Value,
        };
    }

    /// <summary>
    /// What a batch's write needs of its decisions: the accounts (their streams, locked), the events to append after the
    /// versions they were decided on, the prompts raised and changed, the account rows and their upsert, the outbox
    /// messages and the offsets to store.
    /// </summary>
    private sealed record BatchWrite(
        List<string> AccountIds,
        List<(string StreamId, long From, List<RawNewEvent> Events)> Appends,
        List<PendingChange> Changes,
        List<PromptMessage> Raised,
        List<AccountRow> Rows,
        Npgsql.NpgsqlBatchCommand? Save,
        List<OutboxMessage> Messages,
        List<TopicPartitionOffset> Next);

    /// <summary>A prompt change or refusal a batch must write and publish, and the command it answers.</summary>
    private sealed record PendingChange(Guid? CommandId, JourneyEvent Event, PromptChange Change);

    /// <summary>An input, the account's state before it, the events decided and the state after them.</summary>
    private sealed record Decision(JourneyInput Input, AccountJourney Before, IReadOnlyList<JourneyEvent> Events, AccountJourney After);

    /// <summary>A batch started and not yet durable: its resulting accounts, the inputs it saw and its change to the sellers' load.</summary>
    private sealed class Unsettled(Dictionary<string, LoadedAccount> states, HashSet<Guid> inputIds, LoadClaim claim)
    {
        private static readonly Dictionary<string, LoadedAccount> None = [];
        private volatile Dictionary<string, LoadedAccount> _states = states;

        /// <summary>Read by the next batch on the consume loop while this one is written; replaced, never changed.</summary>
        public Dictionary<string, LoadedAccount> States => _states;

        public HashSet<Guid> InputIds { get; } = inputIds;

        /// <summary>What the batch changed in the sellers' load, claimed in the team directory until a refresh includes it.</summary>
        public LoadClaim Claim { get; } = claim;

        /// <summary>Completes once the batch is committed and its results are in the hot cache.</summary>
        public Task Durable { get; set; } = Task.CompletedTask;

        /// <summary>Once committed the hot cache holds these states (or, evicted, the store does): a finished batch must not pin them.</summary>
        public void Release() => _states = None;
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
