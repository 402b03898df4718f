using System.Text.Json;
using DemandCenter.Contracts;
using DemandCenter.EventStore;
using DemandCenter.Journey.Domain;
using Npgsql;
using NpgsqlTypes;

namespace DemandCenter.Journey.Prompts;

/// <summary>
/// The prompts read model (table prompts): what sellers' inboxes, catch-up and the REST API read.
/// Its sequence column gives each prompt its place in a seller's feed (monotonic; gaps are allowed).
/// </summary>
public sealed class PromptProjection(EventStoreSchema schema)
{
    public static SchemaExtension Ddl { get; } = new("prompts", s => $"""
        CREATE TABLE IF NOT EXISTS {s}.prompts (
            prompt_id   uuid PRIMARY KEY,
            sequence    bigserial NOT NULL UNIQUE,
            seller_id   text NOT NULL,
            account_id  text NOT NULL,
            status      text NOT NULL,
            payload     jsonb NOT NULL,
            created_at  timestamptz NOT NULL DEFAULT now());
        CREATE INDEX IF NOT EXISTS prompts_seller_sequence ON {s}.prompts (seller_id, sequence);
        CREATE INDEX IF NOT EXISTS prompts_account ON {s}.prompts (account_id);
        """);

    /// <summary>Inserts the prompt and returns it as sellers will see it, with its sequence.</summary>
    public async Task<PromptMessage> AddAsync(NpgsqlTransaction tx, PromptRaised raised, AccountProfile profile, IReadOnlyList<EvidenceItem> evidence, CancellationToken ct)
    {
        var prompt = new PromptMessage(
            raised.PromptId.ToString(),
            0, // assigned by the insert below
            raised.SellerId,
            raised.AccountId,
            profile.Name,
            raised.ContactId,
            raised.Action,
            raised.Role,
            raised.Priority,
            raised.DueBy,
            new TimeWindow(raised.BestFrom, raised.BestTo),
            raised.Reason,
            evidence,
            raised.FocusJob,
            raised.At,
            PromptStatus.Open);
        // One round trip: take the next sequence, write it into the row and its payload, return it.
        await using var cmd = new NpgsqlCommand(
            $$"""
            INSERT INTO {{schema.Schema}}.prompts (prompt_id, sequence, seller_id, account_id, status, payload, created_at)
            SELECT @id, s, @seller, @account, @status, jsonb_set(@payload, '{sequence}', to_jsonb(s)), @at
            FROM nextval(pg_get_serial_sequence('{{schema.Schema}}.prompts', 'sequence')) AS s
            RETURNING sequence
            """,
            tx.Connection, tx);
        cmd.Parameters.AddWithValue("id", raised.PromptId);
        cmd.Parameters.AddWithValue("seller", raised.SellerId);
        cmd.Parameters.AddWithValue("account", raised.AccountId);
        cmd.Parameters.AddWithValue("status", PromptStatus.Open);
        cmd.Parameters.Add(new NpgsqlParameter("payload", NpgsqlDbType.Jsonb) { Value = JsonSerializer.Serialize(prompt, ContractJson.Options) });
        cmd.Parameters.AddWithValue("at", raised.At);
        return prompt with { Sequence = (long)(await cmd.ExecuteScalarAsync(ct))! };
    }
}
