using System.Text.RegularExpressions;
using Npgsql;

namespace DemandCenter.EventStore;

/// <summary>DDL a component adds to the store's schema (read models, directories); given the schema name. Must be idempotent.</summary>
public sealed record SchemaExtension(string Name, Func<string, string> Ddl);

/// <summary>Creates the store's tables, then each registered extension's, idempotently at start-up.</summary>
public sealed partial class EventStoreSchema(NpgsqlDataSource dataSource, EventStoreOptions options, IEnumerable<SchemaExtension> extensions)
{
    private readonly List<SchemaExtension> _extensions = extensions.ToList();

    public string Schema { get; } = ValidSchema(options.Schema);

    public async Task EnsureAsync(CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        // One migrator at a time across processes that share the database.
        await using (var lockCmd = new NpgsqlCommand("SELECT pg_advisory_lock(hashtext(@s))", conn))
        {
            lockCmd.Parameters.AddWithValue("s", "demand-schema:" + Schema);
            await lockCmd.ExecuteNonQueryAsync(ct);
        }

        try
        {
            foreach (var ddl in _extensions.Select(e => e.Ddl(Schema)).Prepend(CoreDdl(Schema)))
            {
                await using var cmd = new NpgsqlCommand(ddl, conn);
                await cmd.ExecuteNonQueryAsync(ct);
            }
        }
        finally
        {
            await using var unlock = new NpgsqlCommand("SELECT pg_advisory_unlock(hashtext(@s))", conn);
            unlock.Parameters.AddWithValue("s", "demand-schema:" + Schema);
            await unlock.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    private static string CoreDdl(string s) => $$"""
        CREATE SCHEMA IF NOT EXISTS {{s}};
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
            created_at  timestamptz NOT NULL DEFAULT now());
        """;

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex SchemaPattern();

    private static string ValidSchema(string schema) =>
        SchemaPattern().IsMatch(schema) ? schema : throw new ArgumentException($"Schema name '{schema}' must match [a-z_][a-z0-9_]*.", nameof(schema));
}
