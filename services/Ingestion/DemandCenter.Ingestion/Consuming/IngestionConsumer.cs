using System.Diagnostics;
using Confluent.Kafka;
using DemandCenter.Contracts;
using DemandCenter.Ingestion.Dedupe;
using DemandCenter.Ingestion.Domain;
using DemandCenter.Ingestion.Forwarding;
using DemandCenter.Ingestion.Identity;
using DemandCenter.Kafka;
using DemandCenter.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DemandCenter.Ingestion.Consuming;

/// <summary>
/// Reads every inbound contract topic, a batch at a time: validates, drops what was seen before, learns identity,
/// forwards attributed signals to the Journey, keeps the rest pending until their visitor is known (then forwards
/// them, marked late-attributed), and dead-letters what is invalid. A batch's record (dedupe claims, identities,
/// pending signals) is committed after every forward was acknowledged and after the batch before it committed; Kafka
/// offsets are committed after that, in order. The next batch starts while one waits for its acknowledgements and
/// commit. A database outage fails the batch (and the one after it), which are retried with the partitions paused:
/// nothing is lost.
/// </summary>
public sealed class IngestionConsumer(
    KafkaClients clients,
    SignalIntake intake,
    IdentityResolver resolver,
    IdentityStore identity,
    SignalRouter router,
    IOptions<IngestionOptions> options,
    ILogger<IngestionConsumer> logger) : BatchConsumer(clients, logger)
{
    private static readonly IReadOnlyDictionary<string, string> NoHeaders = new Dictionary<string, string>();

    /// <summary>The batches started and not yet durable, oldest first: what they learned counts for the next one.</summary>
    private readonly List<(IngestionBatchOutcome Outcome, Task Writing, Task Durable)> _unsettled = [];

    protected override string GroupId => options.Value.ConsumerGroup;

    protected override IReadOnlyCollection<string> Topics => Contracts.Topics.Inbound;

    /// <summary>
    /// Large batches under a backlog: every stage (the dedupe and identity look-ups, the forwards' acknowledgements,
    /// the record) costs about one round trip per batch, whatever its size. Live traffic makes small batches anyway.
    /// </summary>
    protected override int MaxBatchSize => 5_000;

    /// <summary>Two: one batch is evaluated, looked up and forwarded while the one before waits for its acknowledgements and commit.</summary>
    protected override int MaxBatchesInFlight => 2;

    protected override async Task HandleBatchAsync(IReadOnlyList<ConsumeResult<string, byte[]>> batch, CancellationToken ct) =>
        await await StartBatchAsync(batch, ct);

    protected override async Task<Task> StartBatchAsync(IReadOnlyList<ConsumeResult<string, byte[]>> batch, CancellationToken ct)
    {
        var deliveries = new List<Task>(batch.Count);
        var accepted = new List<Intake>(batch.Count);
        // Evaluation is pure and the costliest step per message: spread it over the cores (when there is enough of it to pay
        // for the hand-off; live traffic makes batches of a few), keep the batch's order. Only what the later steps need is
        // kept (not the parsed envelope), so that a batch in flight holds little memory.
        (ConsumeResult<string, byte[]> Message, Intake? Accepted, Rejected? Rejected) Evaluate(ConsumeResult<string, byte[]> message)
        {
            var headers = message.Message.Headers is { Count: > 0 } h ? h.ToText() : NoHeaders; // most messages carry none
            headers.TryGetValue(MessageHeaders.TraceParent, out var parent);
            var result = intake.Evaluate(new InboundMessage(message.Message.Value ?? [], headers, message.Topic));
            return (message, result is Accepted a ? new Intake(a.Signal, a.Data, IdentityResolver.Learn(a.Signal.Type, a.Data), parent) : null, result as Rejected);
        }

        var evaluated = batch.Count >= 64 ? batch.AsParallel().AsOrdered().Select(Evaluate).ToList() : batch.Select(Evaluate).ToList();
        foreach (var (message, signal, rejected) in evaluated)
        {
            if (signal is not null)
            {
                accepted.Add(signal);
            }
            else if (rejected is not null)
            {
                logger.LogInformation("Dead-lettering {Topic}/{Partition}@{Offset}: {Code}", message.Topic, message.Partition.Value, message.Offset.Value, rejected.Code);
                deliveries.Add(router.DeadLetterAsync(message, rejected, ct));
            }
        }

        // Dedupe needs the store, the facts do not (they were learned above, from every accepted event): ask the store once.
        _unsettled.RemoveAll(u => u.Durable.IsCompleted); // committed, or failed (and then this batch is a retry)
        var facts = accepted.Select(a => a.Facts).ToArray();
        var lookup = await identity.LookupAsync(
            new BatchQuery(
                accepted.Select(a => a.Signal.SignalId).ToList(),
                accepted.Select(a => IdentityResolver.Anonymous(a.Data.AnonymousId)).OfType<string>().ToList(),
                accepted.Select(a => IdentityResolver.Contact(a.Data.Email)).OfType<string>().Concat(facts.Select(f => f.Visitor?.ContactId).OfType<string>()).ToList(),
                facts,
                _unsettled.Select(u => u.Outcome).ToList()),
            ct);
        var fresh = accepted.Where(a => lookup.Seen.Add(a.Signal.SignalId)).ToList(); // Add also drops repeats within the batch

        var pending = new List<JourneySignal>();
        foreach (var (signal, data, _, parent) in fresh)
        {
            using var activity = DemandTelemetry.Source.StartActivity("ingest " + signal.Type, ActivityKind.Consumer, parent);
            var who = resolver.Resolve(data, lookup);
            var attributed = signal with { AccountId = who.AccountId ?? "", ContactId = who.ContactId };
            DemandMetrics.SignalsAccepted.Add(1, new KeyValuePair<string, object?>("type", attributed.Type));
            if (who.AccountId is null)
            {
                pending.Add(attributed);
            }
            else
            {
                deliveries.Add(router.ForwardAsync(attributed, activity?.Id, ct));
            }
        }

        // Identities learned now may attribute signals kept earlier: the visitor's anonymous history, a free-mail contact the CRM now places.
        // The last word within a batch wins (and each identity is written once).
        var visitors = facts.Select(f => f.Visitor).OfType<VisitorFact>().GroupBy(v => v.AnonymousId).Select(g => g.Last()).Where(lookup.IsNews).ToList();
        var contacts = facts.Select(f => f.Crm).OfType<ContactFact>().GroupBy(c => c.ContactId).Select(g => g.Last()).Where(lookup.IsNews).ToList();
        var delivered = ForwardLate(lookup, lookup.Waiting, deliveries, ct);
        var settled = ForwardLate(lookup, lookup.WaitingUnsettled, deliveries, ct);
        var outcome = new IngestionBatchOutcome(fresh.Select(a => a.Signal.SignalId).ToList(), visitors, contacts, pending, delivered);

        // The record is written while the broker acknowledges, after the batch before wrote its own (so that one never
        // waits for this one's row locks), and committed once every forward is acknowledged and the batch before committed.
        var previous = _unsettled.Count > 0 ? _unsettled[^1] : (Outcome: outcome, Writing: Task.CompletedTask, Durable: Task.CompletedTask);
        var writing = PrepareAfterAsync(previous.Writing, outcome, ct);
        var durable = SettleAsync(writing, deliveries, previous.Durable, settled, ct);
        _unsettled.Add((outcome, writing, durable));
        return durable;
    }

    private async Task<BatchRecord> PrepareAfterAsync(Task previous, IngestionBatchOutcome outcome, CancellationToken ct)
    {
        await previous;
        return await identity.PrepareRecordAsync(outcome, ct);
    }

    /// <summary>Commits the batch's record once it is written, its forwards are acknowledged and the batch before committed; rolls it back otherwise.</summary>
    private static async Task SettleAsync(Task<BatchRecord> writing, List<Task> deliveries, Task previous, List<Guid> settled, CancellationToken ct)
    {
        await using var record = await writing;
        await Task.WhenAll(deliveries);
        await previous;
        await record.CommitAsync(settled, ct);
    }

    /// <summary>Forwards, marked late-attributed, the waiting signals the batch's identities now attribute; returns their ids.</summary>
    private List<Guid> ForwardLate(BatchLookup lookup, List<JourneySignal> waiting, List<Task> deliveries, CancellationToken ct)
    {
        var delivered = new List<Guid>();
        foreach (var old in waiting)
        {
            var contact = old.ContactId ?? (old.AnonymousId is null ? null : lookup.ContactOf(old.AnonymousId));
            var account = contact is null ? null : lookup.AccountOf(contact) ?? resolver.Inferred(contact);
            if (account is not null)
            {
                deliveries.Add(router.ForwardAsync(old with { AccountId = account, ContactId = contact, LateAttributed = true }, null, ct));
                delivered.Add(old.SignalId);
            }
        }

        return delivered;
    }

    /// <summary>An accepted event, as far as the batch still needs it.</summary>
    private sealed record Intake(JourneySignal Signal, SignalData Data, IdentityFacts Facts, string? TraceParent);
}
