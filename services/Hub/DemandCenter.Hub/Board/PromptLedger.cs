using DemandCenter.Contracts;

namespace DemandCenter.Hub.Board;

/// <summary>What the load panel needs of one active prompt; strings from small sets are interned, as there may be many.</summary>
public sealed record LedgerEntry(string SellerId, string Role, string AccountId, string Status, DateTimeOffset DueBy, long Sequence);

/// <summary>
/// The active prompts (open, accepted, snoozed) of all sellers and pools, kept in memory from demand.prompts for
/// the board's load panel. Loaded once from the prompts read model; the fan-out keeps it current. A change with a
/// lower sequence than the one held is stale and ignored, so the load and the live tail can overlap safely.
/// </summary>
public sealed class PromptLedger
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, LedgerEntry> _active = new(StringComparer.Ordinal);

    /// <summary>While the initial load runs: prompts seen closing, so the load does not bring them back.</summary>
    private Dictionary<string, long>? _closedDuringLoad;

    private long _version;

    /// <summary>Moves on every change; the board re-sends the load when it has moved.</summary>
    public long Version => Interlocked.Read(ref _version);

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _active.Count;
            }
        }
    }

    public void Apply(PromptMessage prompt)
    {
        lock (_gate)
        {
            if (_active.TryGetValue(prompt.PromptId, out var held) && held.Sequence > prompt.Sequence)
            {
                return;
            }

            if (PromptStatus.Active.Contains(prompt.Status))
            {
                _active[prompt.PromptId] = Entry(prompt);
            }
            else
            {
                _active.Remove(prompt.PromptId);
                _closedDuringLoad?.TryAdd(prompt.PromptId, prompt.Sequence);
            }

            _version++;
        }
    }

    public void BeginLoad()
    {
        lock (_gate)
        {
            _closedDuringLoad = new(StringComparer.Ordinal);
        }
    }

    /// <summary>The read model's active prompts; what the live tail has already applied wins when it is newer.</summary>
    public void Load(IEnumerable<PromptMessage> prompts)
    {
        lock (_gate)
        {
            foreach (var prompt in prompts)
            {
                var closed = _closedDuringLoad is not null && _closedDuringLoad.TryGetValue(prompt.PromptId, out var at) && at >= prompt.Sequence;
                var newer = _active.TryGetValue(prompt.PromptId, out var held) && held.Sequence >= prompt.Sequence;
                if (!closed && !newer)
                {
                    _active[prompt.PromptId] = Entry(prompt);
                }
            }

            _closedDuringLoad = null;
            _version++;
        }
    }

    public List<LedgerEntry> Snapshot()
    {
        lock (_gate)
        {
            return [.. _active.Values];
        }
    }

    private static LedgerEntry Entry(PromptMessage p) =>
        new(string.Intern(p.SellerId), string.Intern(p.Role), string.Intern(p.AccountId), string.Intern(p.Status), p.DueBy, p.Sequence);
}
