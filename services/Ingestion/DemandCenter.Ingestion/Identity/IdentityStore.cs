using System.Collections.Concurrent;
using DemandCenter.Contracts;
using DemandCenter.EventStore;
using DemandCenter.Ingestion.Domain;
using Npgsql;

namespace DemandCenter.Ingestion.Identity;

/// <summary>
/// Identity in PostgreSQL, read a batch at a time: one round trip fetches what is known of every visitor and contact
/// in a batch (known links are cached in memory, so busy visitors cost nothing), one more returns the signals waiting
/// for the identities a batch has just learned.
/// </summary>
public sealed class IdentityStore(NpgsqlDataSource dataSource, EventStoreSchema schema)
{
    private const int CacheLimit = 200_000;
    private readonly ConcurrentDictionary<string, string> _visitors = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _contacts = new(StringComparer.Ordinal);

    /// <summary>What is known of these visitors and contacts, plus the facts this batch learned (which win).</summary>
    public async Task<BatchLookup> LookupAsync(IReadOnlyCollection<string> anonymousIds, IReadOnlyCollection<string> contactIds, IdentityFacts[] learned, CancellationToken ct)
    {
        var lookup = new BatchLookup(_visitors, _contacts);
        var anonymous = anonymousIds.Where(a => !_visitors.ContainsKey(a)).Distinct(StringComparer.Ordinal).ToArray();
        var contacts = contactIds.Where(c => !_contacts.ContainsKey(c)).Distinct(StringComparer.Ordinal).ToArray();
        if (anonymous.Length + contacts.Length > 0)
        {
            await using var batch = dataSource.CreateBatch();
            var v = new NpgsqlBatchCommand($"SELECT anonymous_id, contact_id FROM {schema.Schema}.identity_visitors WHERE anonymous_id = ANY($1)");
            v.Parameters.Add(new NpgsqlParameter { Value = anonymous });
            var c = new NpgsqlBatchCommand($"SELECT contact_id, account_id FROM {schema.Schema}.identity_contacts WHERE contact_id = ANY($1)");
            c.Parameters.Add(new NpgsqlParameter { Value = contacts });
            batch.BatchCommands.Add(v);
            batch.BatchCommands.Add(c);
            await using var reader = await batch.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                Remember(_visitors, reader.GetString(0), reader.GetString(1));
            }

            await reader.NextResultAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                Remember(_contacts, reader.GetString(0), reader.GetString(1));
            }
        }

        foreach (var facts in learned)
        {
            if (facts.Visitor is { } visitor)
            {
                lookup.Learned(visitor);
            }

            if (facts.Crm is { } crm)
            {
                lookup.Learned(crm);
            }
        }

        return lookup;
    }

    /// <summary>Signals kept because they could not be attributed, that the newly learned identities may now attribute.</summary>
    public async Task<IReadOnlyList<JourneySignal>> PendingForAsync(IReadOnlyCollection<string> anonymousIds, IReadOnlyCollection<string> contactIds, CancellationToken ct)
    {
        var list = new List<JourneySignal>();
        if (anonymousIds.Count + contactIds.Count == 0)
        {
            return list;
        }

        await using var cmd = dataSource.CreateCommand(
            $"SELECT signal::text FROM {schema.Schema}.identity_pending WHERE anonymous_id = ANY(@a) OR contact_id = ANY(@c) ORDER BY received_at LIMIT 10000");
        cmd.Parameters.AddWithValue("a", anonymousIds.ToArray());
        cmd.Parameters.AddWithValue("c", contactIds.ToArray());
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            list.Add(ContractJson.Deserialize<JourneySignal>(System.Text.Encoding.UTF8.GetBytes(reader.GetString(0))));
        }

        return list;
    }

    /// <summary>
    /// Records a processed batch in one transaction, after its forwards were acknowledged: the signals seen (for
    /// dedupe), the identities learned, the signals left pending, and the pending ones now delivered.
    /// </summary>
    public async Task RecordAsync(IngestionBatchOutcome outcome, CancellationToken ct)
    {
        var s = schema.Schema;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using var batch = new NpgsqlBatch(conn, tx);
        Add(batch, $"INSERT INTO {s}.ingestion_seen (signal_id) SELECT * FROM unnest($1::uuid[]) ON CONFLICT DO NOTHING", outcome.Seen.ToArray());
        if (outcome.Visitors.Count > 0)
        {
            Add(batch, $"""
                INSERT INTO {s}.identity_visitors (anonymous_id, contact_id, learned_from) SELECT * FROM unnest($1::text[], $2::text[], $3::text[])
                ON CONFLICT (anonymous_id) DO UPDATE SET contact_id = EXCLUDED.contact_id, learned_from = EXCLUDED.learned_from, learned_at = now()
                """,
                outcome.Visitors.Select(v => v.AnonymousId).ToArray(), outcome.Visitors.Select(v => v.ContactId).ToArray(), outcome.Visitors.Select(v => v.LearnedFrom).ToArray());
        }

        if (outcome.Contacts.Count > 0)
        {
            Add(batch, $"""
                INSERT INTO {s}.identity_contacts (contact_id, account_id) SELECT * FROM unnest($1::text[], $2::text[])
                ON CONFLICT (contact_id) DO UPDATE SET account_id = EXCLUDED.account_id, updated_at = now()
                """,
                outcome.Contacts.Select(c => c.ContactId).ToArray(), outcome.Contacts.Select(c => c.AccountId).ToArray());
        }

        if (outcome.Pending.Count > 0)
        {
            Add(batch, $"""
                INSERT INTO {s}.identity_pending (signal_id, anonymous_id, contact_id, signal) SELECT a, b, c, d::jsonb FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[]) AS x(a, b, c, d)
                ON CONFLICT DO NOTHING
                """,
                outcome.Pending.Select(p => p.SignalId).ToArray(), outcome.Pending.Select(p => p.AnonymousId).ToArray(), outcome.Pending.Select(p => p.ContactId).ToArray(),
                outcome.Pending.Select(p => System.Text.Encoding.UTF8.GetString(ContractJson.Serialize(p))).ToArray());
        }

        if (outcome.Delivered.Count > 0)
        {
            Add(batch, $"DELETE FROM {s}.identity_pending WHERE signal_id = ANY($1)", outcome.Delivered.ToArray());
        }

        await batch.ExecuteNonQueryAsync(ct);
        await tx.CommitAsync(ct);
        foreach (var v in outcome.Visitors)
        {
            Remember(_visitors, v.AnonymousId, v.ContactId);
        }

        foreach (var c in outcome.Contacts)
        {
            Remember(_contacts, c.ContactId, c.AccountId);
        }
    }

    /// <summary>Forgets a contact here and in this process's cache (erasure).</summary>
    public void Forget(string contactId)
    {
        _contacts.TryRemove(contactId, out _);
        foreach (var (anonymous, contact) in _visitors)
        {
            if (contact == contactId)
            {
                _visitors.TryRemove(anonymous, out _);
            }
        }
    }

    private static void Add(NpgsqlBatch batch, string sql, params object[] values)
    {
        var cmd = new NpgsqlBatchCommand(sql);
        foreach (var v in values)
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = v });
        }

        batch.BatchCommands.Add(cmd);
    }

    private static void Remember(ConcurrentDictionary<string, string> cache, string key, string value)
    {
        if (cache.Count >= CacheLimit)
        {
            cache.Clear(); // crude but bounded; the next batches refill what is still in use
        }

        cache[key] = value;
    }
}

/// <summary>The identity a batch sees: the store's knowledge, overlaid with what the batch itself learned.</summary>
public sealed class BatchLookup(IReadOnlyDictionary<string, string> visitors, IReadOnlyDictionary<string, string> contacts) : IIdentityLookup
{
    private readonly Dictionary<string, string> _learnedVisitors = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _learnedContacts = new(StringComparer.Ordinal);

    public string? ContactOf(string anonymousId) =>
        _learnedVisitors.TryGetValue(anonymousId, out var c) || visitors.TryGetValue(anonymousId, out c) ? c : null;

    public string? AccountOf(string contactId) =>
        _learnedContacts.TryGetValue(contactId, out var a) || contacts.TryGetValue(contactId, out a) ? a : null;

    /// <summary>True when the fact is news to the store (most events only repeat what it knows, and need no write).</summary>
    public bool IsNews(VisitorFact fact) => !visitors.TryGetValue(fact.AnonymousId, out var known) || known != fact.ContactId;

    public bool IsNews(ContactFact fact) => !contacts.TryGetValue(fact.ContactId, out var known) || known != fact.AccountId;

    internal void Learned(VisitorFact fact) => _learnedVisitors[fact.AnonymousId] = fact.ContactId;

    internal void Learned(ContactFact fact) => _learnedContacts[fact.ContactId] = fact.AccountId;
}

/// <summary>What a processed batch leaves for the store to record.</summary>
public sealed record IngestionBatchOutcome(
    IReadOnlyCollection<Guid> Seen,
    IReadOnlyCollection<VisitorFact> Visitors,
    IReadOnlyCollection<ContactFact> Contacts,
    IReadOnlyCollection<JourneySignal> Pending,
    IReadOnlyCollection<Guid> Delivered);
