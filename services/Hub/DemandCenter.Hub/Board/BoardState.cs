using DemandCenter.Contracts;
using DemandCenter.Hub.Commands;

namespace DemandCenter.Hub.Board;

/// <summary>How many accounts moved from one focus job to another in the last hour (From null: newly on the board).</summary>
public sealed record FlowEntry(string? From, string To, int Count);

/// <summary>
/// The board in memory: the latest card of every account (from the read model at start, then demand.board), the
/// cards changed since the last frame (latest per account, so a burst of changes to one account is one entry), and
/// the focus moves of the last hour.
/// </summary>
public sealed class BoardState(JourneyCommands commands, TimeProvider time)
{
    public static readonly TimeSpan FlowWindow = TimeSpan.FromHours(1);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, BoardCard> _cards = new(StringComparer.Ordinal);
    private Dictionary<string, BoardCard> _changed = new(StringComparer.Ordinal);
    private readonly Queue<(DateTimeOffset At, string? From, string To)> _moves = new();
    private readonly TaskCompletionSource _loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _flowVersion;

    /// <summary>Completes once the initial cards are in; board connections wait for it before their snapshot.</summary>
    public Task Loaded => _loaded.Task;

    public long FlowVersion => Interlocked.Read(ref _flowVersion);

    public void Apply(BoardCard card)
    {
        lock (_gate)
        {
            _cards.TryGetValue(card.AccountId, out var held);
            if (held is not null && held.Version > card.Version)
            {
                return;
            }

            RecordMove(held, card, live: true);
            _cards[card.AccountId] = card;
            _changed[card.AccountId] = card;
        }

        commands.Answer(card);
    }

    /// <summary>The read model's cards; cards the live tail already delivered are newer and stay.</summary>
    public void Load(IEnumerable<BoardCard> cards)
    {
        lock (_gate)
        {
            foreach (var card in cards)
            {
                if (_cards.TryAdd(card.AccountId, card))
                {
                    RecordMove(null, card, live: false);
                }
            }
        }

        _loaded.TrySetResult();
    }

    public List<BoardCard> Cards()
    {
        lock (_gate)
        {
            return [.. _cards.Values];
        }
    }

    public BoardCard? Card(string accountId)
    {
        lock (_gate)
        {
            return _cards.GetValueOrDefault(accountId);
        }
    }

    /// <summary>The cards changed since the last call, the latest per account.</summary>
    public List<BoardCard> TakeChanges()
    {
        Dictionary<string, BoardCard> changed;
        lock (_gate)
        {
            if (_changed.Count == 0)
            {
                return [];
            }

            changed = _changed;
            _changed = new(StringComparer.Ordinal);
        }

        return [.. changed.Values];
    }

    public List<FlowEntry> Flow()
    {
        var since = time.GetUtcNow() - FlowWindow;
        lock (_gate)
        {
            while (_moves.TryPeek(out var oldest) && oldest.At < since)
            {
                _moves.Dequeue();
            }

            return _moves.Where(m => m.At >= since)
                .GroupBy(m => (m.From, m.To))
                .Select(g => new FlowEntry(g.Key.From, g.Key.To, g.Count()))
                .OrderByDescending(f => f.Count)
                .ToList();
        }
    }

    /// <summary>
    /// A move is dated by the card's FocusChangedAt when the Journey sets it (so the last hour survives a restart of
    /// this process); otherwise by when this process saw the focus change.
    /// </summary>
    private void RecordMove(BoardCard? before, BoardCard after, bool live)
    {
        if (after.FocusJob is null)
        {
            return;
        }

        if (after.FocusChangedAt is { } at)
        {
            if (before?.FocusChangedAt != at && at >= time.GetUtcNow() - FlowWindow)
            {
                Enqueue(at, after.PreviousFocusJob, after.FocusJob);
            }
        }
        else if (live && before?.FocusJob != after.FocusJob)
        {
            Enqueue(time.GetUtcNow(), before?.FocusJob, after.FocusJob);
        }
    }

    private void Enqueue(DateTimeOffset at, string? from, string to)
    {
        _moves.Enqueue((at, from, to));
        Interlocked.Increment(ref _flowVersion);
    }
}
