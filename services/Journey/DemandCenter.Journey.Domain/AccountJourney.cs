using System.Collections.Immutable;

namespace DemandCenter.Journey.Domain;

/// <summary>An account's journey as its events leave it. Immutable; changed only by <see cref="JourneyDecider.Evolve"/>.</summary>
public sealed record AccountJourney(
    string AccountId,
    long Version,
    int SignalCount,
    DateTimeOffset? LastSignalAt,
    string? FocusJob,
    ImmutableDictionary<string, int> CategoryViews,
    ImmutableSortedSet<string> Contacts,
    ImmutableDictionary<string, OpenPrompt> OpenPrompts)
{
    public static AccountJourney Empty(string accountId) => new(
        accountId, 0, 0, null, null,
        ImmutableDictionary<string, int>.Empty.WithComparers(StringComparer.Ordinal),
        ImmutableSortedSet<string>.Empty.WithComparer(StringComparer.Ordinal),
        ImmutableDictionary<string, OpenPrompt>.Empty.WithComparers(StringComparer.Ordinal));
}

/// <summary>The latest prompt per action; used for the one-open-prompt-per-account-and-action rule.</summary>
public sealed record OpenPrompt(Guid PromptId, string SellerId, DateTimeOffset RaisedAt);

/// <summary>What the account's owner and name are, from the CRM or the roster; an input to decisions, not part of the stream.</summary>
public sealed record AccountProfile(string AccountId, string Name, string? OwnerSellerId);
