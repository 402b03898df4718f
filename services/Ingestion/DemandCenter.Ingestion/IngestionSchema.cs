using DemandCenter.EventStore;

namespace DemandCenter.Ingestion;

/// <summary>The Ingestion service's tables: what it has seen (dedupe), what it knows of identity, what it could not attribute yet, publisher keys.</summary>
public static class IngestionSchema
{
    public static SchemaExtension Ddl { get; } = new("ingestion", s => $"""
        CREATE TABLE IF NOT EXISTS {s}.ingestion_seen (
            signal_id    uuid PRIMARY KEY,
            seen_at      timestamptz NOT NULL DEFAULT now());
        CREATE INDEX IF NOT EXISTS ingestion_seen_at ON {s}.ingestion_seen (seen_at);
        CREATE TABLE IF NOT EXISTS {s}.identity_visitors (
            anonymous_id text PRIMARY KEY,
            contact_id   text NOT NULL,
            learned_from text NOT NULL,
            learned_at   timestamptz NOT NULL DEFAULT now());
        CREATE INDEX IF NOT EXISTS identity_visitors_contact ON {s}.identity_visitors (contact_id);
        CREATE TABLE IF NOT EXISTS {s}.identity_contacts (
            contact_id   text PRIMARY KEY,
            account_id   text NOT NULL,
            updated_at   timestamptz NOT NULL DEFAULT now());
        CREATE TABLE IF NOT EXISTS {s}.identity_pending (
            signal_id    uuid PRIMARY KEY,
            anonymous_id text,
            contact_id   text,
            signal       jsonb NOT NULL,
            received_at  timestamptz NOT NULL DEFAULT now());
        CREATE INDEX IF NOT EXISTS identity_pending_anonymous ON {s}.identity_pending (anonymous_id);
        CREATE INDEX IF NOT EXISTS identity_pending_contact ON {s}.identity_pending (contact_id);
        CREATE TABLE IF NOT EXISTS {s}.api_keys (
            id           uuid PRIMARY KEY,
            name         text NOT NULL,
            sha256       text NOT NULL UNIQUE,
            created_at   timestamptz NOT NULL DEFAULT now(),
            revoked_at   timestamptz);
        """);
}
