using System.Text.Json;
using DemandCenter.Contracts;
using DemandCenter.EventStore;
using DemandCenter.Journey.Domain;
using DemandCenter.Journey.Domain.Playbooks;
using Npgsql;
using NpgsqlTypes;

namespace DemandCenter.Journey.Accounts;

/// <summary>An account's state as the journey consumer leaves it after a batch, with what the board and the clock read.</summary>
public sealed record AccountRow(AccountJourney State, BoardCard Card, DateTimeOffset? NextCheckAt, decimal? AnnualRevenue);

/// <summary>
/// The inline projection of each account's journey (table account_journeys), written in the same transaction as
/// the events, so the position the Hub reads never lags the events it came from. It is also where the consumer's
/// hot state comes from after a restart or a rebalance, the board's snapshot (card) and the clock's agenda (next_check_at).
/// </summary>
public sealed class AccountProjection(EventStoreSchema schema, EventSerializer serializer, Playbook playbook)
{
    public static SchemaExtension Ddl { get; } = new("account_journeys", s => $"""
        CREATE TABLE IF NOT EXISTS {s}.account_journeys (
            account_id     text PRIMARY KEY,
            version        bigint NOT NULL,
            state          jsonb NOT NULL,
            card           jsonb NOT NULL,
            focus_job      text,
            next_check_at  timestamptz,
            annual_revenue numeric,
            updated_at     timestamptz NOT NULL DEFAULT now());
        CREATE INDEX IF NOT EXISTS account_journeys_next_check ON {s}.account_journeys (next_check_at) WHERE next_check_at IS NOT NULL;
        CREATE INDEX IF NOT EXISTS account_journeys_updated ON {s}.account_journeys (updated_at DESC);
        """);

    public static AccountJourney Read(string json) => JsonSerializer.Deserialize<AccountJourney>(json, ContractJson.Options)!;

    public static string Write(AccountJourney state) => JsonSerializer.Serialize(state, ContractJson.Options);

    /// <summary>For the event store's snapshots of an account stream.</summary>
    public static SnapshotCodec<AccountJourney> Codec { get; } = new(
        s => JsonSerializer.SerializeToElement(s, ContractJson.Options),
        e => e.Deserialize<AccountJourney>(ContractJson.Options)!);

    public async Task<Dictionary<string, AccountJourney>> LoadAsync(NpgsqlTransaction tx, IReadOnlyCollection<string> accountIds, CancellationToken ct)
    {
        var result = new Dictionary<string, AccountJourney>(StringComparer.Ordinal);
        if (accountIds.Count == 0)
        {
            return result;
        }

        await using (var cmd = new NpgsqlCommand($"SELECT account_id, state::text FROM {schema.Schema}.account_journeys WHERE account_id = ANY(@ids)", tx.Connection, tx))
        {
            cmd.Parameters.AddWithValue("ids", accountIds.ToArray());
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                result[reader.GetString(0)] = Read(reader.GetString(1));
            }
        }

        // A stream without a row (the read model was dropped, or written by an older version): rebuild it from its events.
        foreach (var (id, state) in await ReplayAsync(tx, [.. accountIds.Where(id => !result.ContainsKey(id))], ct))
        {
            result[id] = state;
        }

        return result;
    }

    /// <summary>Folds the accounts' streams from their first event, in one round trip; accounts without events are left out.</summary>
    public async Task<Dictionary<string, AccountJourney>> ReplayAsync(NpgsqlTransaction tx, IReadOnlyCollection<string> accountIds, CancellationToken ct)
    {
        var states = new Dictionary<string, AccountJourney>(StringComparer.Ordinal);
        if (accountIds.Count == 0)
        {
            return states;
        }

        var settings = ModelSettings.Of(playbook);
        await using var cmd = new NpgsqlCommand(
            $"SELECT stream_id, type, data::text FROM {schema.Schema}.events WHERE stream_id = ANY(@ids) ORDER BY stream_id, version", tx.Connection, tx);
        cmd.Parameters.AddWithValue("ids", accountIds.Select(JourneyEventTypes.StreamId).ToArray());
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var id = reader.GetString(0)["account-".Length..];
            var state = states.GetValueOrDefault(id) ?? AccountJourney.Empty(id, settings);
            var e = (JourneyEvent)serializer.Deserialize(reader.GetString(1), System.Text.Encoding.UTF8.GetBytes(reader.GetString(2)));
            states[id] = JourneyDecider.Evolve(state, e);
        }

        return states;
    }

    /// <summary>One round trip for the whole batch: arrays unnested into an upsert.</summary>
    public async Task SaveAsync(NpgsqlTransaction tx, IReadOnlyCollection<AccountRow> rows, CancellationToken ct)
    {
        if (rows.Count == 0)
        {
            return;
        }

        await using var cmd = new NpgsqlCommand(
            $"""
            INSERT INTO {schema.Schema}.account_journeys (account_id, version, state, card, focus_job, next_check_at, annual_revenue)
            SELECT * FROM unnest(@ids, @versions, @states::jsonb[], @cards::jsonb[], @focus, @next, @revenue)
            ON CONFLICT (account_id) DO UPDATE SET version = EXCLUDED.version, state = EXCLUDED.state, card = EXCLUDED.card,
                focus_job = EXCLUDED.focus_job, next_check_at = EXCLUDED.next_check_at, annual_revenue = EXCLUDED.annual_revenue, updated_at = now()
            """, tx.Connection, tx);
        cmd.Parameters.AddWithValue("ids", rows.Select(r => r.State.AccountId).ToArray());
        cmd.Parameters.AddWithValue("versions", rows.Select(r => r.State.Version).ToArray());
        cmd.Parameters.Add(new NpgsqlParameter("states", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = rows.Select(r => Write(r.State)).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter("cards", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = rows.Select(r => JsonSerializer.Serialize(r.Card, ContractJson.Options)).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter("focus", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = rows.Select(r => r.State.FocusJob).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter("next", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { Value = rows.Select(r => r.NextCheckAt).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter("revenue", NpgsqlDbType.Array | NpgsqlDbType.Numeric) { Value = rows.Select(r => r.AnnualRevenue).ToArray() });
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
