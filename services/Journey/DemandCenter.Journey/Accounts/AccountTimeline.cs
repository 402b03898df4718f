using DemandCenter.Contracts;
using DemandCenter.EventStore;
using DemandCenter.Journey.Domain;
using DemandCenter.Journey.Domain.Playbooks;
using DemandCenter.Journey.Prompts;

namespace DemandCenter.Journey.Accounts;

/// <summary>One entry of an account's timeline: an event as it was stored, with its data as the current type reads it.</summary>
public sealed record TimelineEntry(long Version, string Type, DateTimeOffset RecordedAt, object Data);

/// <summary>An account's events and its position as of a moment: time travel by replaying its stream.</summary>
public sealed record AccountTimeline(string AccountId, DateTimeOffset? AsOf, long Version, AccountPosition Position, IReadOnlyList<TimelineEntry> Events);

public sealed class AccountTimelineQuery(EventStore.EventStore store, AccountQueries accounts, AccountDirectory directory, PromptQueries prompts, Playbook playbook, TimeProvider time)
{
    public async Task<AccountTimeline> GetAsync(string accountId, DateTimeOffset? asOf, CancellationToken ct)
    {
        var stream = JourneyEventTypes.StreamId(accountId);
        var position = await store.AggregateStreamAsync(
            stream, AccountJourney.Empty(accountId, ModelSettings.Of(playbook)), (s, e) => JourneyDecider.Evolve(s, (JourneyEvent)e), asOf: asOf, snapshots: AccountProjection.Codec, ct: ct);
        var events = await store.ReadStreamAsync(stream, until: asOf, ct: ct);
        var at = asOf ?? time.GetUtcNow();
        // Prompts as they were then: raised by then, with the status their events had given them by then.
        var raisedBy = (await prompts.ForAccountAsync(accountId, ct)).Where(p => p.CreatedAt <= at).ToList();
        var asThen = raisedBy.Select(p => position.State.Prompts.TryGetValue(Guid.Parse(p.PromptId), out var s)
            ? p with { Status = s.Status, SellerId = s.SellerId }
            : asOf is null ? p : p with { Status = p.UpdatedAt <= at ? p.Status : PromptStatus.Open }).ToList();
        return new AccountTimeline(accountId, asOf, position.Version,
            await accounts.PositionAsync(position.State, directory.Profile(accountId), at, asThen, ct),
            [.. events.Select(e => new TimelineEntry(e.Version, e.Type, e.RecordedAt, e.Data))]);
    }
}
