using DemandCenter.EventStore;
using DemandCenter.Journey.Domain;

namespace DemandCenter.Journey.Accounts;

/// <summary>One entry of an account's timeline: an event as it was stored, with its data as the current type reads it.</summary>
public sealed record TimelineEntry(long Version, string Type, DateTimeOffset RecordedAt, object Data);

/// <summary>An account's events and its position as of a moment: time travel by replaying its stream.</summary>
public sealed record AccountTimeline(string AccountId, DateTimeOffset? AsOf, long Version, AccountSnapshot Position, IReadOnlyList<TimelineEntry> Events);

public sealed class AccountTimelineQuery(EventStore.EventStore store)
{
    public async Task<AccountTimeline> GetAsync(string accountId, DateTimeOffset? asOf, CancellationToken ct)
    {
        var stream = JourneyEventTypes.StreamId(accountId);
        var position = await store.AggregateStreamAsync(
            stream, AccountJourney.Empty(accountId), (s, e) => JourneyDecider.Evolve(s, (JourneyEvent)e), asOf: asOf, snapshots: AccountSnapshot.Codec, ct: ct);
        var events = await store.ReadStreamAsync(stream, until: asOf, ct: ct);
        return new AccountTimeline(accountId, asOf, position.Version, AccountSnapshot.From(position.State),
            events.Select(e => new TimelineEntry(e.Version, e.Type, e.RecordedAt, e.Data)).ToList());
    }
}
