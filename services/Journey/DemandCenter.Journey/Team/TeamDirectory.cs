using DemandCenter.Contracts;
using DemandCenter.EventStore;
using DemandCenter.Journey.Domain.Model;
using Microsoft.Extensions.Options;
using Npgsql;

namespace DemandCenter.Journey.Team;

/// <summary>
/// The sellers (from the roster) with their current load (active prompts each) and the revenue threshold of the top
/// accounts, shared by every lane of the journey consumer. The load is the prompts read model's, refreshed at most every
/// <see cref="MaxAge"/>, plus the claims of the batches decided since: a batch claims what it changes (prompts raised,
/// moved, closed) when its routing is settled, so a lane deciding meanwhile sees what it adds (what it takes away only
/// once it has committed), and the claim goes once a refresh that surely includes its commit is taken (or at once,
/// when the batch fails). Between refreshes the load therefore never counts less than the sellers hold; a claim
/// committed while a refresh was reading may count twice until the next one, which only sends a prompt to a pool
/// where a seller had room.
/// </summary>
public sealed class TeamDirectory(NpgsqlDataSource dataSource, EventStoreSchema schema, IOptionsMonitor<RosterOptions> roster, TimeProvider time)
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(1);

    /// <summary>Revenues move slowly; the threshold is recomputed at most this often.</summary>
    public static readonly TimeSpan RevenueMaxAge = TimeSpan.FromMinutes(1);

    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _refreshing = new(1, 1);
    private volatile bool _read;
    private readonly List<LoadClaim> _claims = [];
    private Domain.Model.Team _team = Domain.Model.Team.Empty;
    private decimal? _topRevenue;
    private DateTimeOffset _loadedAt = DateTimeOffset.MinValue;
    private DateTimeOffset _revenueAt = DateTimeOffset.MinValue;
    private long _commits;
    private long _refreshedAfter;

    /// <summary>Whether the load is older than <see cref="MaxAge"/>.</summary>
    public bool Stale => time.GetUtcNow() - _loadedAt >= MaxAge;

    /// <summary>Claims not yet in a refreshed load (tests read it).</summary>
    public int OpenClaims
    {
        get
        {
            lock (_gate)
            {
                return _claims.Count;
            }
        }
    }

    /// <summary>
    /// The load to decide with and the top accounts' revenue threshold, refreshed first when stale: by one lane at a
    /// time, while the others go on with the load as it is (the count is a scan of the active prompts, and lanes
    /// finding it stale together each ran it). Only a load never read is waited for.
    /// </summary>
    public async Task<(Domain.Model.Team Team, decimal? TopRevenueThreshold)> CurrentAsync(double topShare, CancellationToken ct)
    {
        if (Stale)
        {
            if (!_read ? await _refreshing.WaitAsync(Timeout.Infinite, ct) : _refreshing.Wait(0, CancellationToken.None))
            {
                try
                {
                    if (Stale)
                    {
                        await RefreshAsync(topShare, ct);
                    }
                }
                finally
                {
                    _refreshing.Release();
                }
            }
        }

        lock (_gate)
        {
            return (Claimed(), _topRevenue);
        }
    }

    /// <summary>
    /// Settles a batch's routing against the load as it is now, with no other batch claiming meanwhile, and claims what
    /// it changed. <paramref name="settle"/> gets the load and returns the load after the batch.
    /// </summary>
    public LoadClaim Claim(Func<Domain.Model.Team, Domain.Model.Team> settle)
    {
        lock (_gate)
        {
            var before = Claimed();
            var after = settle(before);
            var claim = new LoadClaim(before.Load.Keys.Union(after.Load.Keys)
                .Select(id => (Id: id, Change: after.LoadOf(id) - before.LoadOf(id)))
                .Where(c => c.Change != 0)
                .ToDictionary(c => c.Id, c => c.Change, StringComparer.Ordinal));
            if (claim.Changes.Count > 0)
            {
                _claims.Add(claim);
            }

            return claim;
        }
    }

    /// <summary>The claim's batch is committed: a refresh begun from now on includes it.</summary>
    public void Committed(LoadClaim claim)
    {
        lock (_gate)
        {
            claim.CommittedAs = ++_commits;
        }
    }

    /// <summary>The claim's batch failed (it is decided again, and claims again).</summary>
    public void Abandon(LoadClaim claim)
    {
        lock (_gate)
        {
            _claims.Remove(claim);
        }
    }

    /// <summary>
    /// Reads the load afresh; the claims committed before the read began leave, being in it. A read begun before the
    /// last one taken is dropped (two lanes may refresh at once): it may lack commits whose claims that one removed.
    /// </summary>
    public async Task RefreshAsync(double topShare, CancellationToken ct)
    {
        long committedBefore;
        lock (_gate)
        {
            committedBefore = _commits;
        }

        var (team, top) = await LoadAsync(topShare, ct);
        lock (_gate)
        {
            if (committedBefore < _refreshedAfter)
            {
                return;
            }

            _refreshedAfter = committedBefore;
            _team = team;
            _topRevenue = top;
            _loadedAt = time.GetUtcNow();
            _read = true;
            _claims.RemoveAll(c => c.CommittedAs is { } n && n <= committedBefore);
        }
    }

    /// <summary>
    /// The refreshed load with every open claim on it (under the gate): what a claim adds at once, what it takes away
    /// (prompts closed or moved off a seller) only once its batch has committed, as a batch that fails gives nothing back.
    /// </summary>
    private Domain.Model.Team Claimed()
    {
        var team = _team;
        foreach (var claim in _claims)
        {
            foreach (var (sellerId, change) in claim.Changes)
            {
                if (change > 0 || claim.CommittedAs is not null)
                {
                    team = team.WithLoad(sellerId, change);
                }
            }
        }

        return team;
    }

    /// <summary>Reads the load (and, when due, the revenue threshold) from the store.</summary>
    private async Task<(Domain.Model.Team Team, decimal? TopRevenueThreshold)> LoadAsync(double topShare, CancellationToken ct)
    {
        var load = new Dictionary<string, int>(StringComparer.Ordinal);
        await using (var cmd = dataSource.CreateCommand(
            $"SELECT seller_id, count(*)::int FROM {schema.Schema}.prompts WHERE status IN ('open', 'accepted', 'snoozed') GROUP BY seller_id"))
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                load[reader.GetString(0)] = reader.GetInt32(1);
            }
        }

        var top = _topRevenue;
        if (time.GetUtcNow() - _revenueAt >= RevenueMaxAge)
        {
            top = await TopRevenueAsync(topShare, ct);
            _revenueAt = time.GetUtcNow();
        }

        return (new Domain.Model.Team(Members(roster.CurrentValue), load), top);
    }

    public static IReadOnlyList<TeamMember> Members(RosterOptions roster) =>
        [.. roster.People.Where(p => p.Role == RosterRoles.Seller).Select(p => new TeamMember(p.Id, p.Specialty ?? PromptRoles.Owner, p.Capacity, p.Territory))];

    /// <summary>The revenue at the top share's boundary over every account known: the directory's and those the CRM told the streams about.</summary>
    private async Task<decimal?> TopRevenueAsync(double topShare, CancellationToken ct)
    {
        var revenues = roster.CurrentValue.Accounts.Where(a => a.AnnualRevenue is not null).ToDictionary(a => a.AccountId, a => a.AnnualRevenue!.Value, StringComparer.Ordinal);
        await using var cmd = dataSource.CreateCommand($"SELECT account_id, annual_revenue FROM {schema.Schema}.account_journeys WHERE annual_revenue IS NOT NULL");
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            revenues[reader.GetString(0)] = reader.GetDecimal(1);
        }

        return Percentile([.. revenues.Values], 1 - topShare);
    }

    private static decimal? Percentile(List<decimal> values, double q)
    {
        if (values.Count == 0)
        {
            return null;
        }

        values.Sort();
        return values[Math.Clamp((int)Math.Ceiling(q * values.Count) - 1, 0, values.Count - 1)];
    }
}

/// <summary>What one batch changed in each seller's load, from when its routing was settled until a refresh includes it.</summary>
public sealed class LoadClaim(IReadOnlyDictionary<string, int> changes)
{
    public IReadOnlyDictionary<string, int> Changes { get; } = changes;

    /// <summary>Set when the batch commits: its place in the order of commits.</summary>
    public long? CommittedAs { get; set; }
}
