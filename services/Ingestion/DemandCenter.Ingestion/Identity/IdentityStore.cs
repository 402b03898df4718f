using System.Collections.Concurrent;
using DemandCenter.Contracts;
using DemandCenter.EventStore;
using DemandCenter.Ingestion.Domain;
using Npgsql;

namespace DemandCenter.Ingestion.Identity;

/// <summary>
/// Dedupe and identity in PostgreSQL, read a batch at a time in one round trip and recorded in one transaction per
/// batch, which the caller commits once the batch's forwards are acknowledged. Committed links are cached in memory, so
/// busy visitors cost nothing; what batches still in flight claimed and learned overlays them, so the next batch can
/// use it before they commit.
/// </summary>
public sealed class IdentityStore(NpgsqlDataSource dataSource, EventStoreSchema schema)
{
    private const int CacheLimit = 200_000;
    private readonly ConcurrentDictionary<string, string> _visitors = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _contacts = new(StringComparer.Ordinal);

    /// <summary>
    /// Everything a batch needs from the store, in one round trip: which of its signals were seen before, what is known
    /// of its visitors and contacts, and the signals kept pending for the identities it teaches. What batches still in
    /// flight claimed, learned and left pending (not visible here yet) counts too. The facts the batch learned overlay it all.
    /// </summary>
    public async Task<BatchLookup> LookupAsync(BatchQuery query, CancellationToken ct)
    {
        var lookup = new BatchLookup(_visitors, _contacts, query.Unsettled);
        var anonymous = query.AnonymousIds.Where(a => !_visitors.ContainsKey(a)).Distinct(StringComparer.Ordinal).ToArray();
        var contacts = query.ContactIds.Where(c => !_contacts.ContainsKey(c)).Distinct(StringComparer.Ordinal).ToArray();
        // Pending signals can only wait for visitors and contacts not already known as taught (known ones were attributed at once).
        var teachesVisitors = query.Learned.Select(f => f.Visitor).OfType<VisitorFact>().Where(lookup.IsNews).Select(v => v.AnonymousId).ToHashSet(StringComparer.Ordinal);
        var teachesContacts = query.Learned.Select(f => f.Crm).OfType<ContactFact>().Where(lookup.IsNews).Select(c => c.ContactId).ToHashSet(StringComparer.Ordinal);
        lookup.WaitingUnsettled.AddRange(query.Unsettled.SelectMany(u => u.Pending).Where(p =>
            (p.AnonymousId is not null && teachesVisitors.Contains(p.AnonymousId)) || (p.ContactId is not null && teachesContacts.Contains(p.ContactId))));
        var s = schema.Schema;
        await using (var batch = dataSource.CreateBatch())
        {
            Add(batch, $"SELECT signal_id FROM {s}.ingestion_seen WHERE signal_id = ANY($1)", query.SignalIds.ToArray());
            Add(batch, $"SELECT anonymous_id, contact_id FROM {s}.identity_visitors WHERE anonymous_id = ANY($1)", anonymous);
            Add(batch, $"SELECT contact_id, account_id FROM {s}.identity_contacts WHERE contact_id = ANY($1)", contacts);
            Add(batch, $"SELECT signal::text FROM {s}.identity_pending WHERE anonymous_id = ANY($1) OR contact_id = ANY($2) ORDER BY received_at LIMIT 10000", teachesVisitors.ToArray(), teachesContacts.ToArray());
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

        foreach (var facts in query.Learned)
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
    public async Task<BatchRecord> PrepareRecordAsync(IngestionBatchOutcome outcome, CancellationToken ct)
    {
        var conn = await dataSource.OpenConnectionAsync(ct);
        try
        {
            var tx = await conn.BeginTransactionAsync(ct);
            await WriteAsync(conn, tx, outcome, ct);
            return new BatchRecord(this, conn, tx, outcome);
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

    /// <summary>
    /// Deletes pending signals an earlier batch wrote and this one delivered; run once that batch committed, so they are
    /// visible. A row another transaction is deleting already is skipped, not waited for.
    /// </summary>
    internal async Task DeleteSettledAsync(NpgsqlConnection conn, NpgsqlTransaction tx, IReadOnlyCollection<Guid> delivered, CancellationToken ct)
    {
        var s = schema.Schema;
        await using var cmd = new NpgsqlCommand(
            $"DELETE FROM {s}.identity_pending WHERE signal_id IN (SELECT signal_id FROM {s}.identity_pending WHERE signal_id = ANY($1) FOR UPDATE SKIP LOCKED)", conn, tx);
        cmd.Parameters.Add(new NpgsqlParameter { Value = delivered.ToArray() });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Caches what a batch learned, once it is committed.</summary>
    internal void Remember(IngestionBatchOutcome outcome)
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

/// <summary>What a batch asks of the store: its signal ids, visitors, contacts, the facts it learned, and the outcomes of batches still in flight (oldest first).</summary>
public sealed record BatchQuery(
    IReadOnlyCollection<Guid> SignalIds,
    IReadOnlyCollection<string> AnonymousIds,
    IReadOnlyCollection<string> ContactIds,
    IReadOnlyCollection<IdentityFacts> Learned,
    IReadOnlyCollection<IngestionBatchOutcome> Unsettled);

/// <summary>
/// A batch's record, written but not committed: commit once the forwards are acknowledged and the batch before it
/// committed; disposing without committing rolls back.
/// </summary>
public sealed class BatchRecord(IdentityStore store, NpgsqlConnection connection, NpgsqlTransaction transaction, IngestionBatchOutcome outcome) : IAsyncDisposable
{
    /// <param name="settled">Pending signals an earlier batch wrote and this one delivered (that batch has committed by now).</param>
    public async Task CommitAsync(IReadOnlyCollection<Guid> settled, CancellationToken ct)
    {
        if (settled.Count > 0)
        {
            await store.DeleteSettledAsync(connection, transaction, settled, ct);
        }

        await transaction.CommitAsync(ct);
        store.Remember(outcome);
    }

    public async ValueTask DisposeAsync()
    {
        await transaction.DisposeAsync();
        await connection.DisposeAsync();
    }
}

/// <summary>
/// The identity a batch sees: the store's committed knowledge, overlaid with what batches still in flight learned
/// (<paramref name="unsettled"/>, oldest first), overlaid with what the batch itself learned.
/// </summary>
public sealed class BatchLookup(IReadOnlyDictionary<string, string> visitors, IReadOnlyDictionary<string, string> contacts, IReadOnlyCollection<IngestionBatchOutcome> unsettled) : IIdentityLookup
{
    private readonly Dictionary<string, string> _unsettledVisitors = unsettled.SelectMany(u => u.Visitors)
        .GroupBy(v => v.AnonymousId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last().ContactId, StringComparer.Ordinal);

    private readonly Dictionary<string, string> _unsettledContacts = unsettled.SelectMany(u => u.Contacts)
        .GroupBy(c => c.ContactId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last().AccountId, StringComparer.Ordinal);

    /// <summary>The batch's signals that were forwarded before (within the dedupe window), or by a batch still in flight.</summary>
    public HashSet<Guid> Seen { get; } = unsettled.SelectMany(u => u.Seen).ToHashSet();

    /// <summary>Signals kept pending for the visitors and contacts the batch teaches about.</summary>
    public List<JourneySignal> Waiting { get; } = [];

    /// <summary>Such signals kept by batches still in flight: delete them only once those have committed.</summary>
    public List<JourneySignal> WaitingUnsettled { get; } = [];

    private readonly Dictionary<string, string> _learnedVisitors = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _learnedContacts = new(StringComparer.Ordinal);

    public string? ContactOf(string anonymousId) => _learnedVisitors.GetValueOrDefault(anonymousId) ?? KnownContact(anonymousId);

    public string? AccountOf(string contactId) => _learnedContacts.GetValueOrDefault(contactId) ?? KnownAccount(contactId);

    /// <summary>True when the fact is news to the store (most events only repeat what it knows, and need no write).</summary>
    public bool IsNews(VisitorFact fact) => KnownContact(fact.AnonymousId) != fact.ContactId;

    public bool IsNews(ContactFact fact) => KnownAccount(fact.ContactId) != fact.AccountId;

    private string? KnownContact(string anonymousId) => _unsettledVisitors.GetValueOrDefault(anonymousId) ?? visitors.GetValueOrDefault(anonymousId);

    private string? KnownAccount(string contactId) => _unsettledContacts.GetValueOrDefault(contactId) ?? contacts.GetValueOrDefault(contactId);

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
