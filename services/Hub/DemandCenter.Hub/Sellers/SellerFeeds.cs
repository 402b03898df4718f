using DemandCenter.Contracts;
using Microsoft.Extensions.Options;

namespace DemandCenter.Hub.Sellers;

/// <summary>Whose prompts a seller sees: their own, and the unassigned prompts of the specialist pool they belong to.</summary>
public sealed class SellerFeeds(IOptionsMonitor<RosterOptions> roster)
{
    public IReadOnlyList<string> Of(string sellerId) =>
        roster.CurrentValue.Person(sellerId)?.Specialty is { Length: > 0 } specialty
            ? [sellerId, PromptPools.FeedOf(specialty)]
            : [sellerId];
}
