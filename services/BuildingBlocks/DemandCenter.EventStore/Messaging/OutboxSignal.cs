namespace DemandCenter.EventStore;

/// <summary>
/// Wakes this process's outbox relay. A session that committed outbox rows raises it directly, which is sooner than
/// the NOTIFY the relay also listens for (that one first has to wake the listening server process, a scheduling delay
/// of its own on a busy machine); the NOTIFY still wakes relays in other processes.
/// </summary>
public sealed class OutboxSignal : IDisposable
{
    private readonly SemaphoreSlim _wake = new(0);

    public void Raise()
    {
        if (_wake.CurrentCount == 0)
        {
            _wake.Release();
        }
    }

    /// <summary>Until raised or <paramref name="timeout"/> has passed; true when raised.</summary>
    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct) => _wake.WaitAsync(timeout, ct);

    public void Dispose() => _wake.Dispose();
}
