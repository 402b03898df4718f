using Microsoft.Extensions.Logging;

namespace DemandCenter.Hub.Sellers;

/// <summary>
/// A send to a group completes when every connection's transport has taken the message. A client that stops reading
/// (a frozen tab, a saturated link) fills its buffer and its write waits; awaited, it would hold up every other
/// seller's pushes behind it. So pushes are not awaited one by one: each connection still writes its messages in order
/// (it writes under a first-come lock), and only when very many sends are outstanding does the sender wait (back-pressure
/// for a consumer that would otherwise pile up memory).
/// </summary>
public sealed class GroupSends(ILogger<GroupSends> logger)
{
    /// <summary>Outstanding group sends above which a sender waits for its send.</summary>
    public const int Limit = 10_000;

    private int _outstanding;

    public int Outstanding => Volatile.Read(ref _outstanding);

    public async Task TrackAsync(Task send, CancellationToken ct)
    {
        if (send.IsCompleted)
        {
            await send;
            return;
        }

        Interlocked.Increment(ref _outstanding);
        _ = send.ContinueWith(Done, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        if (Outstanding > Limit)
        {
            await send.WaitAsync(ct);
        }
    }

    private void Done(Task send)
    {
        Interlocked.Decrement(ref _outstanding);
        if (send.Exception is { } ex)
        {
            logger.LogWarning(ex, "A push to a hub group failed");
        }
    }
}
