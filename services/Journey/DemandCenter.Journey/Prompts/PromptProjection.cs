using System.Text.Json;
using DemandCenter.Contracts;
using DemandCenter.EventStore;
using DemandCenter.Journey.Domain;
using Npgsql;
using NpgsqlTypes;

namespace DemandCenter.Journey.Prompts;

/// <summary>
/// The prompts read model (table prompts): what sellers' inboxes, catch-up, the board's load panel and the REST API
/// read. Its sequence column is the prompt's place in its seller's feed; every change takes a new one, so
/// catchUp(afterSequence) returns what is new and what changed (gaps are allowed).
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
        CREATE INDEX IF NOT EXISTS prompts_active ON {s}.prompts (seller_id) WHERE status IN ('open', 'accepted', 'snoozed');
        """);

    private static readonly JsonSerializerOptions PatchJson = new(JsonSerializerDefaults.Web);

    /// <summary>The prompt as sellers will see it (its sequence is assigned by <see cref="AddAsync"/>).</summary>
    public static PromptMessage Message(PromptRaised raised, string accountName, IReadOnlyList<EvidenceItem> evidence) =>
        new(
            raised.PromptId.ToString(),
            0,
            raised.SellerId,
            raised.AccountId,
            accountName,
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
            PromptStatus.Open)
        {
            Scores = raised.Scores,
            SlaBy = raised.SlaBy,
            Overflow = raised.Overflow,
            UpdatedAt = raised.At,
        };

    /// <summary>
    /// Inserts a batch's new prompts in one statement, each taking a new sequence into its row and payload, and returns
    /// them with their sequences, in one round trip with the session's stream locks when it has not taken them yet. A
    /// prompt already there is left as it is and not returned.
    /// </summary>
    public async Task<IReadOnlyList<PromptMessage>> AddAsync(EventSession session, IReadOnlyList<PromptMessage> prompts, CancellationToken ct)
    {
        if (prompts.Count == 0)
        {
            return [];
        }

        var cmd = new NpgsqlBatchCommand(
            $$"""
            INSERT INTO {{schema.Schema}}.prompts (prompt_id, sequence, seller_id, account_id, status, payload, created_at)
            SELECT q.id, q.n, q.seller, q.account, @status, jsonb_set(q.payload, '{sequence}', to_jsonb(q.n)), q.at
            FROM (SELECT p.*, nextval(pg_get_serial_sequence('{{schema.Schema}}.prompts', 'sequence')) AS n
                  FROM unnest(@ids, @sellers, @accounts, @payloads::jsonb[], @ats) AS p(id, seller, account, payload, at)) q
            ON CONFLICT (prompt_id) DO NOTHING
            RETURNING prompt_id, sequence
            """);
        cmd.Parameters.AddWithValue("ids", prompts.Select(p => Guid.Parse(p.PromptId)).ToArray());
        cmd.Parameters.AddWithValue("sellers", prompts.Select(p => p.SellerId).ToArray());
        cmd.Parameters.AddWithValue("accounts", prompts.Select(p => p.AccountId).ToArray());
        cmd.Parameters.Add(new NpgsqlParameter("payloads", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = prompts.Select(p => JsonSerializer.Serialize(p, ContractJson.Options)).ToArray() });
        cmd.Parameters.AddWithValue("ats", prompts.Select(p => p.CreatedAt).ToArray());
        cmd.Parameters.AddWithValue("status", PromptStatus.Open);
        var sequences = await session.QueryAsync(cmd, async (reader, token) =>
        {
            var read = new Dictionary<string, long>(StringComparer.Ordinal);
            while (await reader.ReadAsync(token))
            {
                read[reader.GetGuid(0).ToString()] = reader.GetInt64(1);
            }

            return read;
        }, ct);

        return [.. prompts.Where(p => sequences.ContainsKey(p.PromptId)).Select(p => p with { Sequence = sequences[p.PromptId] })];
    }

    /// <summary>
    /// Applies a change to a prompt: new status and fields, a new sequence in its (possibly new) seller's feed.
    /// Returns the prompt as it now is and the seller it was with before, or null when the prompt is unknown.
    /// </summary>
    /// <remarks>A null <paramref name="status"/> or <paramref name="sellerId"/> keeps the current one.</remarks>
    public async Task<(PromptMessage Prompt, string PreviousSellerId)?> ChangeAsync(NpgsqlTransaction tx, Guid promptId, string? status, string? sellerId, IReadOnlyDictionary<string, object?> fields, CancellationToken ct)
    {
        var patch = new Dictionary<string, object?>(fields);
        await using var cmd = new NpgsqlCommand(
            $"""
            WITH old AS (SELECT seller_id, status FROM {schema.Schema}.prompts WHERE prompt_id = @id FOR UPDATE),
                 s AS (SELECT nextval(pg_get_serial_sequence('{schema.Schema}.prompts', 'sequence')) AS n)
            UPDATE {schema.Schema}.prompts p SET status = coalesce(@status, old.status), seller_id = coalesce(@seller, old.seller_id), sequence = s.n,
                   payload = p.payload || @patch || jsonb_build_object('sequence', s.n, 'status', coalesce(@status, old.status), 'sellerId', coalesce(@seller, old.seller_id))
            FROM old, s WHERE p.prompt_id = @id
            RETURNING p.payload::text, old.seller_id
            """, tx.Connection, tx);
        cmd.Parameters.AddWithValue("id", promptId);
        cmd.Parameters.Add(new NpgsqlParameter("status", NpgsqlDbType.Text) { Value = (object?)status ?? DBNull.Value });
        cmd.Parameters.Add(new NpgsqlParameter("seller", NpgsqlDbType.Text) { Value = (object?)sellerId ?? DBNull.Value });
        cmd.Parameters.Add(new NpgsqlParameter("patch", NpgsqlDbType.Jsonb) { Value = JsonSerializer.Serialize(patch, PatchJson) });
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct)
            ? (JsonSerializer.Deserialize<PromptMessage>(reader.GetString(0), ContractJson.Options)!, reader.GetString(1))
            : null;
    }

    /// <summary>The prompt as it is (for answering a refused action), or null.</summary>
    public async Task<PromptMessage?> GetAsync(NpgsqlTransaction tx, Guid promptId, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"SELECT payload::text FROM {schema.Schema}.prompts WHERE prompt_id = @id", tx.Connection, tx);
        cmd.Parameters.AddWithValue("id", promptId);
        return await cmd.ExecuteScalarAsync(ct) is string json ? JsonSerializer.Deserialize<PromptMessage>(json, ContractJson.Options) : null;
    }
}
