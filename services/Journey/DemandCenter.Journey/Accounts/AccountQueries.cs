using System.Text.Json;
using DemandCenter.Contracts;
using DemandCenter.EventStore;
using DemandCenter.Journey.Prompts;
using Microsoft.Extensions.Options;
using Npgsql;

namespace DemandCenter.Journey.Accounts;

/// <summary>An account's journey position as the API shows it.</summary>
public sealed record AccountView(
    string AccountId,
    string Name,
    string? OwnerSellerId,
    string? Territory,
    string? Segment,
    string? Tier,
    long Version,
    int SignalCount,
    DateTimeOffset? LastSignalAt,
    string? FocusJob,
    IReadOnlyDictionary<string, int> CategoryViews,
    IReadOnlyList<string> BuyingGroup,
    IReadOnlyList<PromptMessage> OpenPrompts);

/// <summary>A board card: the summary of one account.</summary>
public sealed record AccountCard(string AccountId, string Name, string? OwnerSellerId, string? Territory, string? FocusJob, int SignalCount, DateTimeOffset? LastSignalAt);

public sealed class AccountQueries(NpgsqlDataSource dataSource, EventStoreSchema schema, PromptQueries prompts, IOptionsMonitor<RosterOptions> roster)
{
    public async Task<AccountView?> GetAsync(string accountId, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand($"SELECT state FROM {schema.Schema}.journey_accounts WHERE account_id = @id");
        cmd.Parameters.AddWithValue("id", accountId);
        var state = await cmd.ExecuteScalarAsync(ct) as string;
        var profile = roster.CurrentValue.Account(accountId);
        if (state is null && profile is null)
        {
            return null;
        }

        var snapshot = state is null ? null : JsonSerializer.Deserialize<AccountSnapshot>(state, ContractJson.Options);
        return new AccountView(
            accountId,
            profile?.Name ?? accountId,
            profile?.OwnerSellerId,
            profile?.Territory,
            profile?.Segment,
            profile?.Tier,
            snapshot?.Version ?? 0,
            snapshot?.SignalCount ?? 0,
            snapshot?.LastSignalAt,
            snapshot?.FocusJob,
            snapshot?.CategoryViews ?? [],
            snapshot?.Contacts ?? [],
            await prompts.OpenForAccountAsync(accountId, ct));
    }

    /// <summary>Every account's board card, most recently changed first (the board's snapshot).</summary>
    public async Task<IReadOnlyList<BoardCard>> BoardAsync(CancellationToken ct) =>
        (await ListAsync(null, null, null, ct)).Select(c =>
        {
            var p = roster.CurrentValue.Account(c.AccountId);
            return new BoardCard(c.AccountId, c.Name, c.OwnerSellerId, c.Territory, p?.Segment, p?.Tier, c.FocusJob, null, null, c.FocusJob,
                new JourneyScores(0, 0, 0, 0), 0, c.SignalCount, c.LastSignalAt, 0);
        }).ToList();

    public async Task<IReadOnlyList<AccountCard>> ListAsync(string? focus, string? owner, string? territory, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand(
            $"SELECT account_id, state FROM {schema.Schema}.journey_accounts WHERE (@focus::text IS NULL OR state->>'focusJob' = @focus) ORDER BY updated_at DESC LIMIT 5000");
        cmd.Parameters.Add(new NpgsqlParameter("focus", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)focus ?? DBNull.Value });
        var cards = new List<AccountCard>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var s = JsonSerializer.Deserialize<AccountSnapshot>(reader.GetString(1), ContractJson.Options)!;
            var p = roster.CurrentValue.Account(s.AccountId);
            var card = new AccountCard(s.AccountId, p?.Name ?? s.AccountId, p?.OwnerSellerId, p?.Territory, s.FocusJob, s.SignalCount, s.LastSignalAt);
            if ((owner is null || card.OwnerSellerId == owner) && (territory is null || card.Territory == territory))
            {
                cards.Add(card);
            }
        }

        return cards;
    }
}
