using DemandCenter.Contracts;
using DemandCenter.EventStore;
using DemandCenter.Journey.Domain.Model;
using Microsoft.Extensions.Options;
using Npgsql;

namespace DemandCenter.Journey.Team;

/// <summary>
/// The sellers (from the roster) with their current load (active prompts each, from the prompts read model) and the
/// revenue threshold of the top accounts. Refreshed at most every <see cref="MaxAge"/>; between refreshes the
/// journey consumer adds what its own batches raised, so capacity holds within a batch and roughly across them.
/// </summary>
public sealed class TeamDirectory(NpgsqlDataSource dataSource, EventStoreSchema schema, IOptionsMonitor<RosterOptions> roster, TimeProvider time)
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(1);

    private Domain.Model.Team _team = Domain.Model.Team.Empty;
    private decimal? _topRevenue;
    private DateTimeOffset _loadedAt = DateTimeOffset.MinValue;
    private DateTimeOffset _revenueAt = DateTimeOffset.MinValue;

    /// <summary>Revenues move slowly; the threshold is recomputed at most this often.</summary>
    public static readonly TimeSpan RevenueMaxAge = TimeSpan.FromMinutes(1);

    public async Task<(Domain.Model.Team Team, decimal? TopRevenueThreshold)> CurrentAsync(double topShare, CancellationToken ct)
    {
        if (!Stale)
        {
            return Cached;
        }

        var (team, top) = await LoadAsync(topShare, ct);
        Refreshed(team, top);
        return (team, top);
    }

    /// <summary>Whether the load is older than <see cref="MaxAge"/>.</summary>
    public bool Stale => time.GetUtcNow() - _loadedAt >= MaxAge;

    /// <summary>The load and threshold as last refreshed or remembered.</summary>
    public (Domain.Model.Team Team, decimal? TopRevenueThreshold) Cached => (_team, _topRevenue);

    /// <summary>Reads the load (and, when due, the revenue threshold) from the store, without keeping it: see <see cref="Refreshed"/>.</summary>
    public async Task<(Domain.Model.Team Team, decimal? TopRevenueThreshold)> LoadAsync(double topShare, CancellationToken ct)
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

    /// <summary>Keeps what <see cref="LoadAsync"/> read.</summary>
    public void Refreshed(Domain.Model.Team team, decimal? topRevenue)
    {
        _team = team;
        _topRevenue = topRevenue;
        _loadedAt = time.GetUtcNow();
    }

    /// <summary>Carries a batch's own load changes forward until the next refresh.</summary>
    public void Remember(Domain.Model.Team team) => _team = team;

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
