using DemandCenter.Hub.Sellers;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace DemandCenter.Hub.Board;

/// <summary>
/// One timer for all board clients: each tick sends the accounts changed since the last tick as one accountsChanged
/// frame to clients that asked for frames, or as accountChanged per account to the others (so a client gets at most
/// one round of deltas per interval however busy the journeys are), and the
/// load panel when prompts or flow changed (at most once per LoadMinInterval) or LoadMaxInterval passed (overdue
/// counts move with the clock).
/// </summary>
public sealed class BoardBroadcaster(
    BoardState board,
    PromptLedger ledger,
    SellerLoadCalculator load,
    BoardAudience audience,
    GroupSends pushes,
    IHubContext<BoardHub, IBoardClient> hub,
    IOptions<HubOptions> options,
    TimeProvider time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        using var timer = new PeriodicTimer(o.BoardFrameInterval, time);
        var lastLoad = DateTimeOffset.MinValue;
        var lastFrame = DateTimeOffset.MinValue;
        (long Ledger, long Flow) sent = (-1, -1);
        while (await Tick(timer, stoppingToken))
        {
            // A tick that comes at once after a slow one (the timer catching up) waits for the next: frames stay apart.
            if (time.GetUtcNow() - lastFrame < o.BoardFrameInterval / 2)
            {
                continue;
            }

            lastFrame = time.GetUtcNow();
            // Taken even with nobody watching, so changes do not pile up; a client that connects gets a snapshot.
            var changes = board.TakeChanges();
            if (audience.Count == 0)
            {
                continue;
            }

            var clients = hub.Clients.Groups(BoardHub.AllGroups);
            if (changes.Count > 0)
            {
                await pushes.TrackAsync(hub.Clients.Group(BoardHub.Group).AccountsChanged(changes), stoppingToken);
                var cards = hub.Clients.Group(BoardHub.CardGroup);
                foreach (var card in changes)
                {
                    await pushes.TrackAsync(cards.AccountChanged(card), stoppingToken);
                }
            }

            var now = time.GetUtcNow();
            var versions = (ledger.Version, board.FlowVersion);
            if ((versions != sent && now - lastLoad >= o.LoadMinInterval) || now - lastLoad >= o.LoadMaxInterval)
            {
                await pushes.TrackAsync(clients.LoadChanged(load.Compute()), stoppingToken);
                lastLoad = now;
                sent = versions;
            }
        }
    }

    private static async Task<bool> Tick(PeriodicTimer timer, CancellationToken ct)
    {
        try
        {
            return await timer.WaitForNextTickAsync(ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return false;
        }
    }
}

/// <summary>How many board connections this instance holds; the broadcaster does no work for an empty room.</summary>
public sealed class BoardAudience
{
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public void Joined() => Interlocked.Increment(ref _count);

    public void Left() => Interlocked.Decrement(ref _count);
}
