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

    public async Task<(Domain.Model.Team Team, decimal? TopRevenueThreshold)> CurrentAsync(double topShare, CancellationToken ct)
    {
        if (time.GetUtcNow() - _loadedAt < MaxAge)
        {
            return (_team, _topRevenue);
        }

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

        await using (var cmd = dataSource.CreateCommand(
            $"SELECT percentile_disc(@q) WITHIN GROUP (ORDER BY annual_revenue) FROM {schema.Schema}.account_journeys WHERE annual_revenue IS NOT NULL"))
        {
            cmd.Parameters.AddWithValue("q", 1 - topShare);
            var fromStreams = await cmd.ExecuteScalarAsync(ct) as decimal?;
            var fromRoster = Percentile(roster.CurrentValue.Accounts.Select(a => a.AnnualRevenue).OfType<decimal>().ToList(), 1 - topShare);
            _topRevenue = fromStreams ?? fromRoster;
        }

        _team = new Domain.Model.Team(Members(roster.CurrentValue), load);
        _loadedAt = time.GetUtcNow();
        return (_team, _topRevenue);
    }

    /// <summary>Carries a batch's own load changes forward until the next refresh.</summary>
    public void Remember(Domain.Model.Team team) => _team = team;

    public static IReadOnlyList<TeamMember> Members(RosterOptions roster) =>
        [.. roster.People.Where(p => p.Role == RosterRoles.Seller).Select(p => new TeamMember(p.Id, p.Specialty ?? PromptRoles.Owner, p.Capacity, p.Territory))];

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
