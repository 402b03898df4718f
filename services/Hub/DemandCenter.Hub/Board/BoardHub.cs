using DemandCenter.Contracts;
using DemandCenter.Hub.Auth;
using DemandCenter.Hub.Commands;
using DemandCenter.Journey.Prompts;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace DemandCenter.Hub.Board;

/// <summary>What the server calls on a board client.</summary>
public interface IBoardClient
{
    /// <summary>On connect: every account's card.</summary>
    Task BoardSnapshot(IReadOnlyList<BoardCard> cards);

    /// <summary>At most one frame per BoardFrameInterval: the latest card of each account changed since the last frame (clients that asked for frames=batched).</summary>
    Task AccountsChanged(IReadOnlyList<BoardCard> cards);

    /// <summary>The contract's per-card delta: the same coalesced changes, one message per account, sent at the same ticks.</summary>
    Task AccountChanged(BoardCard card);

    /// <summary>The seller load panel and the last hour's flow.</summary>
    Task LoadChanged(BoardLoad load);
}

/// <summary>The result of moving an account: its card as the board now knows it (null if the card has not arrived yet).</summary>
public sealed record AccountReassigned(string AccountId, string ToSellerId, BoardCard? Card);

/// <summary>
/// /hubs/board, for orchestrators: a snapshot on connect, then coalesced deltas from <see cref="BoardBroadcaster"/>;
/// reassigning a prompt or an account goes to the Journey service like a seller's action and returns once confirmed.
/// </summary>
[Authorize(Policy = AuthServiceCollectionExtensions.OrchestratorPolicy)]
public sealed class BoardHub(
    BoardState board,
    SellerLoadCalculator load,
    BoardAudience audience,
    PromptQueries prompts,
    JourneyCommands commands,
    IOptionsMonitor<RosterOptions> roster,
    TimeProvider time) : Hub<IBoardClient>
{
    /// <summary>Clients that connected with ?frames=batched: one accountsChanged(cards) per frame.</summary>
    public const string Group = "board";

    /// <summary>Everyone else: accountChanged(card) per changed account, as CONTRACTS.md names it.</summary>
    public const string CardGroup = "board:cards";

    public static readonly IReadOnlyList<string> AllGroups = [Group, CardGroup];

    public override async Task OnConnectedAsync()
    {
        await board.Loaded.WaitAsync(Context.ConnectionAborted);
        // Join first: a delta that overtakes the snapshot carries a card at least as new, and clients keep the higher version.
        var batched = string.Equals(Context.GetHttpContext()?.Request.Query["frames"].ToString(), "batched", StringComparison.Ordinal);
        await Groups.AddToGroupAsync(Context.ConnectionId, batched ? Group : CardGroup);
        audience.Joined();
        await Clients.Caller.BoardSnapshot(board.Cards());
        await Clients.Caller.LoadChanged(load.Compute());
        await base.OnConnectedAsync();
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        audience.Left();
        return base.OnDisconnectedAsync(exception);
    }

    [RateLimited]
    public async Task<PromptUpdate> ReassignPrompt(string promptId, string toSellerId)
    {
        var to = Seller(toSellerId);
        var prompt = await PromptAccess.FindAsync(prompts, promptId, Context.ConnectionAborted) ?? throw new HubException($"No prompt '{promptId}'.");
        if (!PromptStatus.Active.Contains(prompt.Status))
        {
            throw new HubException($"The prompt is {prompt.Status}; only open, accepted or snoozed prompts can be reassigned.");
        }

        if (prompt.SellerId == to.Id)
        {
            throw new HubException($"The prompt is already with {to.Name}.");
        }

        var outcome = await commands.SendAsync(Command(JourneyCommandKinds.ReassignPrompt, prompt.AccountId, to.Id) with { PromptId = prompt.PromptId }, Context.ConnectionAborted);
        return outcome.Update ?? throw new HubException("The Journey answered without the prompt's update.");
    }

    [RateLimited]
    public async Task<AccountReassigned> ReassignAccount(string accountId, string toSellerId)
    {
        var to = Seller(toSellerId);
        var id = accountId.Trim().ToLowerInvariant();
        if (board.Card(id) is null && roster.CurrentValue.Account(id) is null)
        {
            throw new HubException($"No account '{accountId}'.");
        }

        var outcome = await commands.SendAsync(Command(JourneyCommandKinds.ReassignAccount, id, to.Id), Context.ConnectionAborted);
        return new AccountReassigned(id, to.Id, outcome.Card ?? board.Card(id));
    }

    private JourneyCommandMessage Command(string kind, string accountId, string toSellerId) =>
        new(Guid.NewGuid(), kind, accountId, Context.User?.FindFirst("sub")?.Value ?? throw new HubException("The token has no subject."), time.GetUtcNow())
        {
            ToSellerId = toSellerId,
            ByOrchestrator = true,
        };

    private RosterPerson Seller(string sellerId) =>
        roster.CurrentValue.Person(sellerId) is { Role: Roles.Seller } person ? person : throw new HubException($"'{sellerId}' is not a seller in the roster.");
}
