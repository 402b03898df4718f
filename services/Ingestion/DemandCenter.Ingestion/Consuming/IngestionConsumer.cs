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
/// them, marked late-attributed), and dead-letters what is invalid. The batch's dedupe entries, identities and
/// pending signals are written after every forward was acknowledged; Kafka offsets are committed after that.
/// A database outage fails the batch, which is retried with the partitions paused: nothing is lost.
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
    protected override string GroupId => options.Value.ConsumerGroup;

    protected override IReadOnlyCollection<string> Topics => Contracts.Topics.Inbound;

    /// <summary>
    /// Large batches under a backlog: every stage (the dedupe and identity look-ups, the forwards' acknowledgements,
    /// the record) costs about one round trip per batch, whatever its size. Live traffic makes small batches anyway.
    /// </summary>
    protected override int MaxBatchSize => 5_000;

    protected override async Task HandleBatchAsync(IReadOnlyList<ConsumeResult<string, byte[]>> batch, CancellationToken ct)
    {
        var deliveries = new List<Task>(batch.Count);
        var accepted = new List<(Accepted Signal, string? TraceParent)>(batch.Count);
        // Evaluation is pure and the costliest step per message: spread it over the cores, keep the batch's order.
        var evaluated = batch.AsParallel().AsOrdered().Select(message =>
        {
            var headers = message.Message.Headers.ToText();
            headers.TryGetValue(MessageHeaders.TraceParent, out var parent);
            return (Message: message, Parent: parent, Result: intake.Evaluate(new InboundMessage(message.Message.Value ?? [], headers, message.Topic)));
        }).ToList();
        foreach (var (message, parent, result) in evaluated)
        {
            switch (result)
            {
                case Accepted a:
                    accepted.Add((a, parent));
                    break;
                case Rejected rejected:
                    logger.LogInformation("Dead-lettering {Topic}/{Partition}@{Offset}: {Code}", message.Topic, message.Partition.Value, message.Offset.Value, rejected.Code);
                    deliveries.Add(router.DeadLetterAsync(message, rejected, ct));
                    break;
            }
        }

        // Dedupe needs the store, the facts do not: learn from every accepted event, then ask the store once.
        var facts = accepted.Select(a => IdentityResolver.Learn(a.Signal.Signal.Type, a.Signal.Data)).ToArray();
        var lookup = await identity.LookupAsync(
            accepted.Select(a => a.Signal.Signal.SignalId).ToList(),
            accepted.Select(a => IdentityResolver.Anonymous(a.Signal.Data.AnonymousId)).OfType<string>().ToList(),
            accepted.Select(a => IdentityResolver.Contact(a.Signal.Data.Email)).OfType<string>().Concat(facts.Select(f => f.Visitor?.ContactId).OfType<string>()).ToList(),
            facts, ct);
        var fresh = accepted.Where(a => lookup.Seen.Add(a.Signal.Signal.SignalId)).ToList(); // Add also drops repeats within the batch

        var pending = new List<JourneySignal>();
        foreach (var (signal, parent) in fresh)
        {
            using var activity = DemandTelemetry.Source.StartActivity("ingest " + signal.Signal.Type, ActivityKind.Consumer, parent);
            var who = resolver.Resolve(signal.Data, lookup);
            var attributed = signal.Signal with { AccountId = who.AccountId ?? "", ContactId = who.ContactId };
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
        var delivered = new List<Guid>();
        foreach (var old in lookup.Waiting)
        {
            var contact = old.ContactId ?? (old.AnonymousId is null ? null : lookup.ContactOf(old.AnonymousId));
            var account = contact is null ? null : lookup.AccountOf(contact) ?? resolver.Inferred(contact);
            if (account is not null)
            {
                deliveries.Add(router.ForwardAsync(old with { AccountId = account, ContactId = contact, LateAttributed = true }, null, ct));
                delivered.Add(old.SignalId);
            }
        }

        // Write the batch's record while the broker acknowledges the forwards; commit it only once every one is acknowledged.
        var recording = identity.PrepareRecordAsync(new IngestionBatchOutcome(fresh.Select(a => a.Signal.Signal.SignalId).ToList(), visitors, contacts, pending, delivered), ct);
        try
        {
            await Task.WhenAll(deliveries);
        }
        finally
        {
            await using var record = await recording;
            if (deliveries.TrueForAll(d => d.IsCompletedSuccessfully))
            {
                await record.CommitAsync(ct);
            }
        }
    }
}
