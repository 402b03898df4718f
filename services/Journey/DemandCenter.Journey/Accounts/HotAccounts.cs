using System.Collections.Concurrent;
using DemandCenter.Journey.Domain;

namespace DemandCenter.Journey.Accounts;

/// <summary>
/// Hot state: the journeys of the accounts this instance's partitions own, as of their last committed batch.
/// Entries are put only after a commit, dropped on every partition assignment (another instance may have written
/// since) and on erasure, and the whole cache is dropped when it grows past <see cref="Capacity"/>.
/// </summary>
public sealed class HotAccounts
{
    public const int Capacity = 250_000;

    private readonly ConcurrentDictionary<string, LoadedAccount> _states = new(StringComparer.Ordinal);

    public int Count => _states.Count;

    public bool TryGet(string accountId, out LoadedAccount state) => _states.TryGetValue(accountId, out state!);

    public void Put(IEnumerable<LoadedAccount> states)
    {
        foreach (var state in states)
        {
            _states[state.State.AccountId] = state;
        }

        if (_states.Count > Capacity)
        {
            _states.Clear();
        }
    }

    public void Forget(IEnumerable<string> accountIds)
    {
        foreach (var id in accountIds)
        {
            _states.TryRemove(id, out _);
        }
    }

    public void Clear() => _states.Clear();
}
