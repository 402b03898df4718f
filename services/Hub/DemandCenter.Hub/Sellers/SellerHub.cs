using DemandCenter.Contracts;
using DemandCenter.Hub.Auth;
using DemandCenter.Hub.Commands;
using DemandCenter.Journey.Prompts;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;

namespace DemandCenter.Hub.Sellers;

/// <summary>What the server calls on a seller's client.</summary>
public interface ISellerClient
{
    Task PromptReceived(PromptMessage prompt);

    Task PromptUpdated(PromptUpdate update);
}

/// <summary>
/// /hubs/sellers: each connection joins its own seller's group and the groups of its pools' feeds, so a prompt is
/// pushed only to the people it is for. The seller id comes from the token's subject, never from the client.
/// Actions are sent to the Journey service and return once it has confirmed them (every tab sees the same update).
/// </summary>
[Authorize(Policy = AuthServiceCollectionExtensions.SellerPolicy)]
public sealed class SellerHub(PromptQueries prompts, SellerFeeds feeds, JourneyCommands commands, TimeProvider time) : Hub<ISellerClient>
{
    /// <summary>How far ahead a prompt may be snoozed.</summary>
    public static readonly TimeSpan MaxSnooze = TimeSpan.FromDays(30);

    public static string GroupOf(string feedId) => "seller:" + feedId;

    public override async Task OnConnectedAsync()
    {
        foreach (var feed in feeds.Of(SellerId))
        {
            await Groups.AddToGroupAsync(Context.ConnectionId, GroupOf(feed));
        }

        await base.OnConnectedAsync();
    }

    /// <summary>
    /// The prompts of the caller's feeds (own and pools) whose sequence is above <paramref name="afterSequence"/>, oldest
    /// first: what a reconnecting client missed, new prompts and changes alike. At most <see cref="PromptQueries.MaxPage"/>;
    /// a client that gets a full page asks again from the last sequence.
    /// </summary>
    public Task<IReadOnlyList<PromptMessage>> CatchUp(long afterSequence) =>
        prompts.AfterAsync(feeds.Of(SellerId), Math.Max(0, afterSequence), Context.ConnectionAborted);

    [RateLimited]
    public Task<PromptUpdate> Accept(string promptId) =>
        ActAsync(promptId, JourneyCommandKinds.Accept, c => c);

    [RateLimited]
    public Task<PromptUpdate> Snooze(string promptId, DateTimeOffset until)
    {
        var now = time.GetUtcNow();
        if (until <= now || until > now + MaxSnooze)
        {
            throw new HubException($"A prompt can be snoozed until a time in the next {MaxSnooze.TotalDays:0} days.");
        }

        return ActAsync(promptId, JourneyCommandKinds.Snooze, c => c with { Until = until });
    }

    [RateLimited]
    public Task<PromptUpdate> Dismiss(string promptId, string reason)
    {
        if (!DismissReasons.All.Contains(reason))
        {
            throw new HubException($"Unknown dismiss reason '{reason}'; use one of {string.Join(", ", DismissReasons.All)}.");
        }

        return ActAsync(promptId, JourneyCommandKinds.Dismiss, c => c with { Reason = reason });
    }

    [RateLimited]
    public Task<PromptUpdate> Complete(string promptId, string outcome)
    {
        if (!PromptOutcomes.All.Contains(outcome))
        {
            throw new HubException($"Unknown outcome '{outcome}'; use one of {string.Join(", ", PromptOutcomes.All)}.");
        }

        return ActAsync(promptId, JourneyCommandKinds.Complete, c => c with { Outcome = outcome });
    }

    private async Task<PromptUpdate> ActAsync(string promptId, string kind, Func<JourneyCommandMessage, JourneyCommandMessage> details)
    {
        var seller = SellerId;
        var prompt = await PromptAccess.FindAsync(prompts, promptId, Context.ConnectionAborted);
        // Not found and not yours read alike, so prompt ids of other sellers cannot be probed.
        if (prompt is null || !feeds.Of(seller).Contains(prompt.SellerId))
        {
            throw new HubException(PromptAccess.NotYours);
        }

        var command = details(new JourneyCommandMessage(Guid.NewGuid(), kind, prompt.AccountId, seller, time.GetUtcNow()) { PromptId = prompt.PromptId });
        var outcome = await commands.SendAsync(command, Context.ConnectionAborted);
        return outcome.Update ?? throw new HubException("The Journey answered without the prompt's update.");
    }

    private string SellerId => Context.User?.FindFirst("sub")?.Value ?? throw new HubException("The token has no subject.");
}
