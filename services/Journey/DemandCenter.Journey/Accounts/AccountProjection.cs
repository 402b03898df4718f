using System.Text.Json;
using DemandCenter.Contracts;
using DemandCenter.EventStore;
using DemandCenter.Journey.Domain;
using DemandCenter.Journey.Domain.Playbooks;
using Npgsql;
using NpgsqlTypes;

namespace DemandCenter.Journey.Accounts;

/// <summary>
/// An account after a batch: its state, whether to write it (a snapshot) this time, and what the board and the clock
/// read. The card's JSON is made once, for the row and for the board's message alike.
/// </summary>
public sealed record AccountRow(AccountJourney State, bool WithState, BoardCard Card, byte[] CardJson, DateTimeOffset? NextCheckAt, decimal? AnnualRevenue);

/// <summary>
/// An account's state, the version of its last written snapshot and, once this process has decided on it, the card the
/// board was last sent (an account loaded from the store has none: its card as loaded stands in) and the time of the
/// last clock tick it decided for the account (what that tick weighed is not due again at once; see
/// <see cref="JourneyDecider.NextCheck"/>).
/// </summary>
public sealed record LoadedAccount(AccountJourney State, long SnapshotVersion, BoardCard? Board = null, DateTimeOffset? TickedAt = null);

/// <summary>
/// The inline projection of each account's journey (table account_journeys), written in the same transaction as
/// the events: the board's card, the clock's agenda (next_check_at), the contacts (for erasure) on every change, and
/// a snapshot of the state every <see cref="SnapshotEvery"/> events. Loading an account reads its snapshot and
/// replays the events after it, so what the Hub reads never lags the events and the consumer's hot state can be
/// rebuilt after a restart or a rebalance, while a busy batch does not rewrite every account's whole state.
/// </summary>
public sealed class AccountProjection(EventStoreSchema schema, EventSerializer serializer, Playbook playbook)
{
    public const int SnapshotEvery = 25;

    public static SchemaExtension Ddl { get; } = new("account_journeys", s => $"""
        CREATE TABLE IF NOT EXISTS {s}.account_journeys (
            account_id     text PRIMARY KEY,
            version        bigint NOT NULL,
            state          json,
            state_version  bigint NOT NULL DEFAULT 0,
            contacts       text[] NOT NULL DEFAULT ARRAY[]::text[],
            card           json NOT NULL,
            focus_job      text,
            next_check_at  timestamptz,
            annual_revenue numeric,
            updated_at     timestamptz NOT NULL DEFAULT now());
        ALTER TABLE {s}.account_journeys ADD COLUMN IF NOT EXISTS state_version bigint NOT NULL DEFAULT 0;
        ALTER TABLE {s}.account_journeys ADD COLUMN IF NOT EXISTS contacts text[] NOT NULL DEFAULT ARRAY[]::text[];
        ALTER TABLE {s}.account_journeys ALTER COLUMN state DROP NOT NULL;
        CREATE INDEX IF NOT EXISTS account_journeys_next_check ON {s}.account_journeys (next_check_at) WHERE next_check_at IS NOT NULL;
        CREATE INDEX IF NOT EXISTS account_journeys_updated ON {s}.account_journeys (updated_at DESC);
        -- A row is rewritten with every batch that touches its account. Written with the minute of the change as
        -- updated_at, and a next check that a burst of signals leaves in place, it keeps its indexed columns, so with room
        -- on its page for the next version the update is heap-only: no new entry in any of the three indexes (a fifth of
        -- the journey's index entries, BENCHMARKS.md). Applies to pages written from now on.
        DO $$ BEGIN
            IF NOT coalesce((SELECT reloptions FROM pg_class WHERE oid = '{s}.account_journeys'::regclass) @> ARRAY['fillfactor=50'], false) THEN
                ALTER TABLE {s}.account_journeys SET (fillfactor = 50);
            END IF;
        END $$;
        -- State and card are plain json, lz4-compressed: both are written whole on every batch and read whole, never
        -- searched inside but for the board's owner and territory filters, so jsonb's parse on every write bought
        -- nothing. Upserting a batch's rows took 41 ms in PostgreSQL as jsonb with pglz, 23 ms as json with lz4.
        DO $$ BEGIN
            IF (SELECT data_type FROM information_schema.columns WHERE table_schema = '{s}' AND table_name = 'account_journeys' AND column_name = 'card') = 'jsonb' THEN
                ALTER TABLE {s}.account_journeys ALTER COLUMN state TYPE json USING state::json, ALTER COLUMN card TYPE json USING card::json;
            END IF;
        END $$;
        -- Only when not yet set: the ALTER locks the table, and every replica runs this at start. A server built without
        -- lz4 keeps its default compression.
        DO $$ BEGIN
            IF (SELECT attcompression FROM pg_attribute WHERE attrelid = '{s}.account_journeys'::regclass AND attname = 'state') <> 'l' THEN
                ALTER TABLE {s}.account_journeys ALTER COLUMN state SET COMPRESSION lz4;
            END IF;
        EXCEPTION WHEN feature_not_supported THEN NULL;
        END $$;
        -- Retired: the account_activity projection, which nothing read; installations from before keep neither its
        -- table nor its checkpoint.
        DROP TABLE IF EXISTS {s}.account_activity;
        DELETE FROM {s}.projection_checkpoints WHERE name = 'account_activity';
        """);

    public static AccountJourney Read(string json) => JsonSerializer.Deserialize<AccountJourney>(json, ContractJson.Stored)!;

    /// <summary>A snapshot's JSON, UTF-8 as it is sent: never a string in between.</summary>
    public static byte[] Write(AccountJourney state) => JsonSerializer.SerializeToUtf8Bytes(state, ContractJson.Stored);

    /// <summary>For the event store's snapshots of an account stream.</summary>
    public static SnapshotCodec<AccountJourney> Codec { get; } = new(
        s => JsonSerializer.SerializeToElement(s, ContractJson.Stored),
        e => e.Deserialize<AccountJourney>(ContractJson.Stored)!);

    /// <summary>Whether this batch should write the account's state: when it has moved far enough past its last snapshot.</summary>
    public static bool SnapshotDue(AccountJourney state, long snapshotVersion) => state.Version - snapshotVersion >= SnapshotEvery;

    /// <summary>
    /// The accounts' states: each snapshot plus the events after it (every event, for an account without one), in at most
    /// two round trips for the whole set. Accounts with no events are left out.
    /// </summary>
    public async Task<Dictionary<string, LoadedAccount>> LoadAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, IReadOnlyCollection<string> accountIds, CancellationToken ct)
    {
        var snapshots = new Dictionary<string, LoadedAccount>(StringComparer.Ordinal);
        if (accountIds.Count == 0)
        {
            return snapshots;
        }

        // Every account with events has a row, written in the same transaction with its version: only accounts whose
        // row is ahead of their snapshot have events to replay (new accounts have no row and need no probe).
        var behind = new List<string>(accountIds.Count);
        await using (var cmd = new NpgsqlCommand($"SELECT account_id, state::text, state_version, version FROM {schema.Schema}.account_journeys WHERE account_id = ANY(@ids)", connection, tx))
        {
            cmd.Parameters.AddWithValue("ids", accountIds.ToArray());
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var id = reader.GetString(0);
                var snapshot = reader.IsDBNull(1) ? null : new LoadedAccount(Read(reader.GetString(1)), reader.GetInt64(2));
                if (snapshot is not null)
                {
                    snapshots[id] = snapshot;
                }

                if (reader.GetInt64(3) > (snapshot?.State.Version ?? 0))
                {
                    behind.Add(id);
                }
            }
        }

        var states = await ReplayAsync(connection, tx, behind, snapshots.ToDictionary(kv => kv.Key, kv => kv.Value.State, StringComparer.Ordinal), ct);
        return states.ToDictionary(kv => kv.Key, kv => new LoadedAccount(kv.Value, snapshots.GetValueOrDefault(kv.Key)?.SnapshotVersion ?? 0), StringComparer.Ordinal);
    }

    /// <summary>Folds the accounts' streams from their first event (no snapshots), in one round trip: what erasure rebuilds from.</summary>
    public Task<Dictionary<string, AccountJourney>> ReplayAsync(NpgsqlTransaction tx, IReadOnlyCollection<string> accountIds, CancellationToken ct) =>
        ReplayAsync(tx.Connection!, tx, accountIds, new Dictionary<string, AccountJourney>(StringComparer.Ordinal), ct);

    private async Task<Dictionary<string, AccountJourney>> ReplayAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, IReadOnlyCollection<string> accountIds, Dictionary<string, AccountJourney> from, CancellationToken ct)
    {
        var states = new Dictionary<string, AccountJourney>(from, StringComparer.Ordinal);
        if (accountIds.Count == 0)
        {
            return states;
        }

        var settings = ModelSettings.Of(playbook);
        var ids = accountIds.ToArray();
        await using var cmd = new NpgsqlCommand(
            $"""
            SELECT e.stream_id, e.type, e.data::text
            FROM unnest(@streams, @after) AS x(stream_id, after)
            JOIN {schema.Schema}.events e ON e.stream_id = x.stream_id AND e.version > x.after
            ORDER BY e.stream_id, e.version
            """, connection, tx);
        cmd.Parameters.AddWithValue("streams", ids.Select(JourneyEventTypes.StreamId).ToArray());
        cmd.Parameters.AddWithValue("after", ids.Select(id => from.GetValueOrDefault(id)?.Version ?? 0L).ToArray());
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

    /// <summary>One round trip for the whole batch: arrays unnested into an upsert. A row without a new snapshot keeps its old one.</summary>
    public async Task SaveAsync(NpgsqlTransaction tx, IReadOnlyCollection<AccountRow> rows, CancellationToken ct)
    {
        if (rows.Count > 0)
        {
            await using var batch = new NpgsqlBatch(tx.Connection, tx) { BatchCommands = { SaveCommand(rows) } };
            await batch.ExecuteNonQueryAsync(ct);
        }
    }

    /// <summary>The upsert of <see cref="SaveAsync"/> as a command, for a session to send with its other writes.</summary>
    public NpgsqlBatchCommand SaveCommand(IReadOnlyCollection<AccountRow> rows)
    {
        var s = schema.Schema;
        var cmd = new NpgsqlBatchCommand(
            $"""
            INSERT INTO {s}.account_journeys (account_id, version, state, state_version, contacts, card, focus_job, next_check_at, annual_revenue, updated_at)
            SELECT id, v, st, CASE WHEN st IS NULL THEN 0 ELSE v END, string_to_array(c, E'\n'), card, f, n, r, date_trunc('minute', now())
            FROM unnest($1, $2, $3, $4, $5, $6, $7, $8) AS x(id, v, st, c, card, f, n, r)
            ON CONFLICT (account_id) DO UPDATE SET version = EXCLUDED.version,
                state = coalesce(EXCLUDED.state, {s}.account_journeys.state),
                state_version = CASE WHEN EXCLUDED.state IS NULL THEN {s}.account_journeys.state_version ELSE EXCLUDED.state_version END,
                contacts = EXCLUDED.contacts, card = EXCLUDED.card, focus_job = EXCLUDED.focus_job,
                next_check_at = EXCLUDED.next_check_at, annual_revenue = EXCLUDED.annual_revenue, updated_at = EXCLUDED.updated_at
            """);
        // A snapshot's JSON is the bulk of what this writes, and pure.
        var states = Signals.BatchWork.Map(rows, r => r.WithState ? Write(r.State) : null).ToArray();
        cmd.Parameters.Add(new NpgsqlParameter { Value = rows.Select(r => r.State.AccountId).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter { Value = rows.Select(r => r.State.Version).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Json, Value = states });
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = rows.Select(r => string.Join('\n', r.State.BuyingGroup.Keys)).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Json, Value = rows.Select(r => r.CardJson).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = rows.Select(r => r.State.FocusJob).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz, Value = rows.Select(r => r.NextCheckAt).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Numeric, Value = rows.Select(r => r.AnnualRevenue).ToArray() });
        return cmd;
    }
}
