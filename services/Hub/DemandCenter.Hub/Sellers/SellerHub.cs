using DemandCenter.Contracts;
using DemandCenter.Hub.Auth;
using DemandCenter.Journey.Prompts;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;

namespace DemandCenter.Hub.Sellers;

/// <summary>What the server calls on a seller's client.</summary>
public interface ISellerClient
{
    Task PromptReceived(PromptMessage prompt);
}

/// <summary>
/// /hubs/sellers: each connection joins its own seller's group, so a prompt is pushed only to its seller.
/// The seller id comes from the token's subject, never from the client.
/// </summary>
[Authorize(Policy = AuthServiceCollectionExtensions.SellerPolicy)]
public sealed class SellerHub(PromptQueries prompts) : Hub<ISellerClient>
{
    public static string GroupOf(string sellerId) => "seller:" + sellerId;

    public override async Task OnConnectedAsync()
    {
        await Groups.AddToGroupAsync(Context.ConnectionId, GroupOf(SellerId));
        await base.OnConnectedAsync();
    }

    /// <summary>The caller's prompts with a sequence above <paramref name="afterSequence"/>: what a reconnecting client missed.</summary>
    public Task<IReadOnlyList<PromptMessage>> CatchUp(long afterSequence) =>
        prompts.AfterAsync([SellerId], Math.Max(0, afterSequence), Context.ConnectionAborted);

    private string SellerId => Context.User?.FindFirst("sub")?.Value ?? throw new HubException("The token has no subject.");
}
