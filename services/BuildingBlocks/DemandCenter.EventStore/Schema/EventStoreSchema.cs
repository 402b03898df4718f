using System.Text.RegularExpressions;
using Npgsql;

namespace DemandCenter.EventStore;

/// <summary>DDL a component adds to the store's schema (read models, directories); given the schema name. Must be idempotent.</summary>
public sealed record SchemaExtension(string Name, Func<string, string> Ddl);

/// <summary>
/// Creates and migrates the store's tables at start-up: numbered migrations recorded in schema_migrations, applied
/// once each under an advisory lock (so replicas may start together), then each registered extension's DDL.
/// </summary>
public sealed partial class EventStoreSchema(NpgsqlDataSource dataSource, EventStoreOptions options, IEnumerable<SchemaExtension> extensions)
{
    private readonly List<SchemaExtension> _extensions = extensions.ToList();

    public string Schema { get; } = ValidSchema(options.Schema);

    /// <summary>NOTIFY channel raised by every commit that appended events (wakes the projection daemon).</summary>
    public string EventsChannel => Schema + "_events";

    /// <summary>NOTIFY channel raised by every commit that queued outbox messages (wakes the relay).</summary>
    public string OutboxChannel => Schema + "_outbox";

    public async Task EnsureAsync(CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using (var lockCmd = new NpgsqlCommand("SELECT pg_advisory_lock(hashtextextended(@s, 0))", conn))
        {
            lockCmd.Parameters.AddWithValue("s", "demand-schema:" + Schema);
            await lockCmd.ExecuteNonQueryAsync(ct);
        }

        try
        {
            await ExecuteAsync(conn, $"CREATE SCHEMA IF NOT EXISTS {Schema}; CREATE TABLE IF NOT EXISTS {Schema}.schema_migrations (version int PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now());", ct);
            var applied = new HashSet<int>();
            await using (var cmd = new NpgsqlCommand($"SELECT version FROM {Schema}.schema_migrations", conn))
            await using (var reader = await cmd.ExecuteReaderAsync(ct))
            {
                while (await reader.ReadAsync(ct))
                {
                    applied.Add(reader.GetInt32(0));
                }
            }

            foreach (var (version, ddl) in Migrations(Schema).Where(m => !applied.Contains(m.Version)))
            {
                await using var tx = await conn.BeginTransactionAsync(ct);
                await ExecuteAsync(conn, ddl + $"; INSERT INTO {Schema}.schema_migrations (version) VALUES ({version});", ct);
                await tx.CommitAsync(ct);
            }

            foreach (var extension in _extensions)
            {
                await ExecuteAsync(conn, extension.Ddl(Schema), ct);
            }
        }
        finally
        {
            await using var unlock = new NpgsqlCommand("SELECT pg_advisory_unlock(hashtextextended(@s, 0))", conn);
            unlock.Parameters.AddWithValue("s", "demand-schema:" + Schema);
            await unlock.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection conn, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Append-only list: never edit a shipped migration, add the next number.</summary>
    private static IEnumerable<(int Version, string Ddl)> Migrations(string s) =>
    [
        (1, $$"""
            CREATE TABLE IF NOT EXISTS {{s}}.streams (
                stream_id   text PRIMARY KEY,
                version     bigint NOT NULL,
                updated_at  timestamptz NOT NULL DEFAULT now());
            CREATE TABLE IF NOT EXISTS {{s}}.events (
                seq         bigserial PRIMARY KEY,
                stream_id   text NOT NULL,
                version     bigint NOT NULL,
                event_id    uuid NOT NULL UNIQUE,
                type        text NOT NULL,
                data        jsonb NOT NULL,
                metadata    jsonb NOT NULL DEFAULT '{}'::jsonb,
                recorded_at timestamptz NOT NULL DEFAULT now(),
                UNIQUE (stream_id, version));
            CREATE TABLE IF NOT EXISTS {{s}}.consumer_offsets (
                consumer_group text NOT NULL,
                topic          text NOT NULL,
                partition      int NOT NULL,
                next_offset    bigint NOT NULL,
                PRIMARY KEY (consumer_group, topic, partition));
            CREATE TABLE IF NOT EXISTS {{s}}.outbox (
                id          bigserial PRIMARY KEY,
                topic       text NOT NULL,
                key         text NOT NULL,
                payload     bytea NOT NULL,
                headers     jsonb NOT NULL DEFAULT '{}'::jsonb,
                created_at  timestamptz NOT NULL DEFAULT now())
            """),
        (2, $$"""
            -- The committing transaction's id: the projection daemon reads in (tx_id, seq) order below the oldest
            -- running transaction, which is gap-free (see ProjectionDaemon).
            ALTER TABLE {{s}}.events ADD COLUMN IF NOT EXISTS tx_id xid8 NOT NULL DEFAULT pg_current_xact_id();
            CREATE INDEX IF NOT EXISTS events_tx_seq ON {{s}}.events (tx_id, seq);
            CREATE TABLE IF NOT EXISTS {{s}}.snapshots (
                stream_id   text NOT NULL,
                version     bigint NOT NULL,
                state       jsonb NOT NULL,
                created_at  timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (stream_id, version));
            CREATE TABLE IF NOT EXISTS {{s}}.projection_checkpoints (
                name        text PRIMARY KEY,
                tx_id       xid8 NOT NULL DEFAULT '0',
                seq         bigint NOT NULL DEFAULT 0,
                status      text NOT NULL DEFAULT 'running',
                error       text,
                failures    int NOT NULL DEFAULT 0,
                updated_at  timestamptz NOT NULL DEFAULT now());
            CREATE TABLE IF NOT EXISTS {{s}}.personal_keys (
                subject     text PRIMARY KEY,
                key         bytea NOT NULL,
                created_at  timestamptz NOT NULL DEFAULT now());
            CREATE TABLE IF NOT EXISTS {{s}}.erased_subjects (
                subject     text PRIMARY KEY,
                erased_at   timestamptz NOT NULL DEFAULT now());
            CREATE TABLE IF NOT EXISTS {{s}}.store_settings (
                name        text PRIMARY KEY,
                value       bytea NOT NULL)
            """),
        (3, $$"""
            -- A stream's version is its last event's (read on the (stream_id, version) index under the session's lock);
            -- a table kept in step with it cost a row update per stream per append.
            DROP TABLE IF EXISTS {{s}}.streams
            """),
        (4, $$"""
            -- The daemon's (tx_id, seq) order becomes the primary key: one index fewer to maintain on every append
            -- (seq stays unique by its sequence; nothing looks events up by seq alone).
            ALTER TABLE {{s}}.events DROP CONSTRAINT IF EXISTS events_pkey;
            DROP INDEX IF EXISTS {{s}}.events_tx_seq;
            ALTER TABLE {{s}}.events ADD PRIMARY KEY (tx_id, seq)
            """),
        (5, $$"""
            -- Events are written once and always read whole, as text: plain json keeps them exactly as written and spares
            -- every append jsonb's parse (a fifth to a quarter of an event's insert). `->>` still works on json. Rewrites
            -- the table once.
            ALTER TABLE {{s}}.events
                ALTER COLUMN metadata DROP DEFAULT,
                ALTER COLUMN data TYPE json USING data::json,
                ALTER COLUMN metadata TYPE json USING metadata::json,
                ALTER COLUMN metadata SET DEFAULT '{}'::json
            """),
    ];

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex SchemaPattern();

    private static string ValidSchema(string schema) =>
        SchemaPattern().IsMatch(schema) ? schema : throw new ArgumentException($"Schema name '{schema}' must match [a-z_][a-z0-9_]*.", nameof(schema));
}
