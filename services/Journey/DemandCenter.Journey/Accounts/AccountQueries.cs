using System.Text.Json;
using DemandCenter.Contracts;
using DemandCenter.EventStore;
using DemandCenter.Journey.Domain;
using DemandCenter.Journey.Domain.Model;
using DemandCenter.Journey.Domain.Playbooks;
using DemandCenter.Journey.Forecast;
using DemandCenter.Journey.Prompts;
using Npgsql;

namespace DemandCenter.Journey.Accounts;

/// <summary>Reads of the account read model: one account's position, and the board's cards.</summary>
public sealed class AccountQueries(
    NpgsqlDataSource dataSource,
    AccountProjection projection,
    EventStoreSchema schema,
    PromptQueries prompts,
    AccountDirectory directory,
    TransitionModelCache transitions,
    Playbook playbook,
    TimeProvider time)
{
    public const int MaxCards = 20_000;

    public async Task<AccountPosition?> GetAsync(string accountId, CancellationToken ct)
    {
        AccountJourney? state;
        await using (var connection = await dataSource.OpenConnectionAsync(ct))
        {
            state = (await projection.LoadAsync(connection, null, [accountId], ct)).GetValueOrDefault(accountId)?.State;
        }

        var profile = directory.Profile(accountId);
        if (state is null && profile.OwnerSellerId is null)
        {
            return null;
        }

        state ??= AccountJourney.Empty(accountId, ModelSettings.Of(playbook));
        var all = await prompts.ForAccountAsync(accountId, ct);
        return await PositionAsync(state, profile, time.GetUtcNow(), all, ct);
    }

    /// <summary>The position of a journey state at a moment: what the account page and time travel show.</summary>
    public async Task<AccountPosition> PositionAsync(AccountJourney state, AccountProfile directoryProfile, DateTimeOffset at, IReadOnlyList<PromptMessage> allPrompts, CancellationToken ct)
    {
        var profile = directoryProfile.With(state.Overrides);
        var model = await transitions.CurrentAsync(ct);
        var jobs = BuyingJobs.All.Select((job, i) =>
        {
            var s = state.Jobs[i].At(at, playbook.Engagement);
            return new JobEngagementView(job, (int)Math.Round(Math.Clamp(100 * (1 - Math.Exp(-s.Level / 4)), 0, 100)), (int)Math.Round(s.Evidence), s.LastEvidenceAt);
        }).ToList();
        var group = state.BuyingGroup.OrderByDescending(m => m.Value.LastActive)
            .Select(m => new BuyingGroupMemberView(m.Key, m.Value.FirstSeen, m.Value.LastActive, ChannelBits.Names(m.Value.Channels), m.Value.Signals)).ToList();
        var contact = group.FirstOrDefault()?.ContactId;
        var transactional = profile.Segment is { } segment && playbook.TransactionalSegments.Contains(segment);
        return new AccountPosition(
            state.AccountId, profile.Name, profile.OwnerSellerId, profile.Territory, profile.Segment, profile.Tier, profile.AnnualRevenue, transactional,
            state.Version, state.SignalCount, state.LastSignalAt, state.FocusJob, state.FocusSince, state.FurthestJob,
            jobs,
            Scoring.Explain(state, at, playbook),
            group,
            ForwardEcho.Predict(state.FocusJob, model, playbook),
            state.SignalCount == 0 ? null : BestTime.For(state, contact, profile, playbook, at),
            [.. allPrompts.Where(p => PromptStatus.Active.Contains(p.Status))],
            [.. allPrompts.Where(p => !PromptStatus.Active.Contains(p.Status))]);
    }

    /// <summary>Every account's board card, most recently changed first (the board's snapshot and GET /accounts).</summary>
    public Task<IReadOnlyList<BoardCard>> BoardAsync(CancellationToken ct) => ListAsync(null, null, null, ct);

    public async Task<IReadOnlyList<BoardCard>> ListAsync(string? focus, string? owner, string? territory, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand(
            $"""
            SELECT card::text FROM {schema.Schema}.account_journeys
            WHERE (@focus::text IS NULL OR focus_job = @focus)
              AND (@owner::text IS NULL OR card->>'ownerSellerId' = @owner)
              AND (@territory::text IS NULL OR card->>'territory' = @territory)
            ORDER BY updated_at DESC, account_id LIMIT {MaxCards}
            """);
        cmd.Parameters.Add(new NpgsqlParameter("focus", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)focus ?? DBNull.Value });
        cmd.Parameters.Add(new NpgsqlParameter("owner", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)owner ?? DBNull.Value });
        cmd.Parameters.Add(new NpgsqlParameter("territory", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)territory ?? DBNull.Value });
        var cards = new List<BoardCard>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            cards.Add(JsonSerializer.Deserialize<BoardCard>(reader.GetString(0), ContractJson.Options)!);
        }

        return cards;
    }
}
