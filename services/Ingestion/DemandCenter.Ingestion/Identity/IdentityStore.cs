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

    /// <summary>
    /// Everything a batch needs from the store, in one round trip: which of its signals were seen before, what is
    /// known of its visitors and contacts (known links are cached, so busy visitors cost nothing), and the signals
    /// kept pending for the identities it teaches. The facts it learned overlay the store's knowledge.
    /// </summary>
    public async Task<BatchLookup> LookupAsync(IReadOnlyCollection<Guid> signalIds, IReadOnlyCollection<string> anonymousIds, IReadOnlyCollection<string> contactIds, IdentityFacts[] learned, CancellationToken ct)
    {
        var lookup = new BatchLookup(_visitors, _contacts);
        var anonymous = anonymousIds.Where(a => !_visitors.ContainsKey(a)).Distinct(StringComparer.Ordinal).ToArray();
        var contacts = contactIds.Where(c => !_contacts.ContainsKey(c)).Distinct(StringComparer.Ordinal).ToArray();
        // Pending signals can only wait for visitors and contacts not already known as taught (known ones were attributed at once).
        var teachesVisitors = learned.Select(f => f.Visitor).OfType<VisitorFact>()
            .Where(v => !_visitors.TryGetValue(v.AnonymousId, out var known) || known != v.ContactId)
            .Select(v => v.AnonymousId).Distinct(StringComparer.Ordinal).ToArray();
        var teachesContacts = learned.Select(f => f.Crm).OfType<ContactFact>()
            .Where(c => !_contacts.TryGetValue(c.ContactId, out var known) || known != c.AccountId)
            .Select(c => c.ContactId).Distinct(StringComparer.Ordinal).ToArray();
        var s = schema.Schema;
        await using (var batch = dataSource.CreateBatch())
        {
            Add(batch, $"SELECT signal_id FROM {s}.ingestion_seen WHERE signal_id = ANY($1)", signalIds.ToArray());
            Add(batch, $"SELECT anonymous_id, contact_id FROM {s}.identity_visitors WHERE anonymous_id = ANY($1)", anonymous);
            Add(batch, $"SELECT contact_id, account_id FROM {s}.identity_contacts WHERE contact_id = ANY($1)", contacts);
            Add(batch, $"SELECT signal::text FROM {s}.identity_pending WHERE anonymous_id = ANY($1) OR contact_id = ANY($2) ORDER BY received_at LIMIT 10000", teachesVisitors, teachesContacts);
            await using var reader = await batch.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                lookup.Seen.Add(reader.GetGuid(0));
            }

            await reader.NextResultAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                Remember(_visitors, reader.GetString(0), reader.GetString(1));
            }

            await reader.NextResultAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                Remember(_contacts, reader.GetString(0), reader.GetString(1));
            }

            await reader.NextResultAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                lookup.Waiting.Add(ContractJson.Deserialize<JourneySignal>(System.Text.Encoding.UTF8.GetBytes(reader.GetString(0))));
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

    /// <summary>
    /// Writes a processed batch's record in a transaction left open: the signals seen (for dedupe), the identities
    /// learned, the signals left pending, and the pending ones now delivered. The caller commits it only once the
    /// batch's forwards are acknowledged, so the writing overlaps the wait for the broker.
    /// </summary>
    public async Task<PreparedRecord> PrepareRecordAsync(IngestionBatchOutcome outcome, CancellationToken ct)
    {
        var conn = await dataSource.OpenConnectionAsync(ct);
        try
        {
            var tx = await conn.BeginTransactionAsync(ct);
            await WriteAsync(conn, tx, outcome, ct);
            return new PreparedRecord(conn, tx, () => Remember(outcome));
        }
        catch
        {
            await conn.DisposeAsync();
            throw;
        }
    }

    private async Task WriteAsync(NpgsqlConnection conn, NpgsqlTransaction tx, IngestionBatchOutcome outcome, CancellationToken ct)
    {
        var s = schema.Schema;
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
    }

    private void Remember(IngestionBatchOutcome outcome)
    {
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

    private static void Add(NpgsqlBatch batch, string sql, params Array[] values)
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

/// <summary>A batch's record, written but not committed: commit once the forwards are acknowledged; disposing rolls back.</summary>
public sealed class PreparedRecord(NpgsqlConnection connection, NpgsqlTransaction transaction, Action committed) : IAsyncDisposable
{
    public async Task CommitAsync(CancellationToken ct)
    {
        await transaction.CommitAsync(ct);
        committed();
    }

    public async ValueTask DisposeAsync()
    {
        await transaction.DisposeAsync();
        await connection.DisposeAsync();
    }
}

/// <summary>The identity a batch sees: the store's knowledge, overlaid with what the batch itself learned.</summary>
public sealed class BatchLookup(IReadOnlyDictionary<string, string> visitors, IReadOnlyDictionary<string, string> contacts) : IIdentityLookup
{
    /// <summary>The batch's signals that were forwarded before (within the dedupe window).</summary>
    public HashSet<Guid> Seen { get; } = [];

    /// <summary>Signals kept pending for the visitors and contacts the batch teaches about.</summary>
    public List<JourneySignal> Waiting { get; } = [];

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
