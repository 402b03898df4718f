using System.Collections.Immutable;
using System.Text.Json;
using DemandCenter.Contracts;
using DemandCenter.EventStore;
using DemandCenter.Journey.Domain;
using Npgsql;
using NpgsqlTypes;

namespace DemandCenter.Journey.Accounts;

/// <summary>
/// The inline projection of each account's journey (table journey_accounts), written in the same transaction as
/// the events, so the position the Hub reads never lags the events it came from. It also serves as the snapshot
/// the decider starts from. Rows are written only under the store session's stream locks.
/// </summary>
public sealed class AccountProjection(EventStoreSchema schema)
{
    public static SchemaExtension Ddl { get; } = new("journey_accounts", s => $"""
        CREATE TABLE IF NOT EXISTS {s}.journey_accounts (
            account_id  text PRIMARY KEY,
            version     bigint NOT NULL,
            state       jsonb NOT NULL,
            updated_at  timestamptz NOT NULL DEFAULT now());
        """);

    public async Task<Dictionary<string, AccountJourney>> LoadAsync(NpgsqlTransaction tx, IReadOnlyCollection<string> accountIds, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"SELECT account_id, state FROM {schema.Schema}.journey_accounts WHERE account_id = ANY(@ids)", tx.Connection, tx);
        cmd.Parameters.AddWithValue("ids", accountIds.ToArray());
        var result = new Dictionary<string, AccountJourney>(StringComparer.Ordinal);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            result[reader.GetString(0)] = JsonSerializer.Deserialize<AccountSnapshot>(reader.GetString(1), ContractJson.Options)!.ToState();
        }

        return result;
    }

    public async Task SaveAsync(NpgsqlTransaction tx, IEnumerable<AccountJourney> states, CancellationToken ct)
    {
        await using var batch = new NpgsqlBatch(tx.Connection, tx);
        foreach (var state in states)
        {
            var cmd = new NpgsqlBatchCommand(
                $"""
                INSERT INTO {schema.Schema}.journey_accounts (account_id, version, state) VALUES ($1, $2, $3)
                ON CONFLICT (account_id) DO UPDATE SET version = EXCLUDED.version, state = EXCLUDED.state, updated_at = now()
                """);
            cmd.Parameters.Add(new NpgsqlParameter { Value = state.AccountId });
            cmd.Parameters.Add(new NpgsqlParameter { Value = state.Version });
            cmd.Parameters.Add(new NpgsqlParameter { Value = JsonSerializer.Serialize(AccountSnapshot.From(state), ContractJson.Options), NpgsqlDbType = NpgsqlDbType.Jsonb });
            batch.BatchCommands.Add(cmd);
        }

        if (batch.BatchCommands.Count > 0)
        {
            await batch.ExecuteNonQueryAsync(ct);
        }
    }
}

/// <summary>The stored JSON shape of an <see cref="AccountJourney"/> (plain collections, stable names).</summary>
public sealed record AccountSnapshot(
    string AccountId,
    long Version,
    int SignalCount,
    DateTimeOffset? LastSignalAt,
    string? FocusJob,
    Dictionary<string, int> CategoryViews,
    List<string> Contacts,
    Dictionary<string, OpenPrompt> OpenPrompts)
{
    /// <summary>For the event store's snapshots of an account stream.</summary>
    public static SnapshotCodec<AccountJourney> Codec { get; } = new(
        s => JsonSerializer.SerializeToElement(From(s), ContractJson.Options),
        e => e.Deserialize<AccountSnapshot>(ContractJson.Options)!.ToState());

    public static AccountSnapshot From(AccountJourney s) => new(
        s.AccountId, s.Version, s.SignalCount, s.LastSignalAt, s.FocusJob,
        new(s.CategoryViews, StringComparer.Ordinal), [.. s.Contacts], new(s.OpenPrompts, StringComparer.Ordinal));

    public AccountJourney ToState() => AccountJourney.Empty(AccountId) with
    {
        Version = Version,
        SignalCount = SignalCount,
        LastSignalAt = LastSignalAt,
        FocusJob = FocusJob,
        CategoryViews = CategoryViews.ToImmutableDictionary(StringComparer.Ordinal),
        Contacts = Contacts.ToImmutableSortedSet(StringComparer.Ordinal),
        OpenPrompts = OpenPrompts.ToImmutableDictionary(StringComparer.Ordinal),
    };
}
