using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Npgsql;

namespace DemandCenter.EventStore;

/// <summary>
/// Crypto-shredding. Each data subject (a contact, identified by their email) gets a random AES-256 key; personal
/// fields are stored as {"pii": subject, "c": ciphertext}. Erasing the subject deletes the key, after which every
/// copy in every event reads as <see cref="Erased"/> while the streams stay complete and replayable. Subject ids are
/// keyed hashes (HMAC with a per-store secret), so the tables never hold the plain email.
/// </summary>
public sealed class PersonalDataProtector(NpgsqlDataSource dataSource, EventStoreSchema schema, IOptions<EventStoreOptions> options, TimeProvider time)
{
    public const string Erased = "[erased]";
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private const int NoncesPerFill = 256;
    private const int CiphersPerThread = 128;
    private const int MaxCachedSubjects = 200_000;

    // Sealing is per field of every event written, so its fixed costs count: an HMAC for the subject, a call into the
    // random generator for the nonce and a cipher context keyed for the subject cost about 1.5, 1.2 and 1.6 µs each,
    // against 1.2 µs for the encryption itself. Each thread draws its nonces from its own random block and keeps the
    // ciphers of the keys it used last (by key instance, so a subject given a new key gets a new cipher).
    [ThreadStatic]
    private static byte[]? t_nonces;

    [ThreadStatic]
    private static int t_noncesUsed;

    [ThreadStatic]
    private static Dictionary<byte[], AesGcm>? t_ciphers;

    private readonly ConcurrentDictionary<string, (byte[]? Key, DateTimeOffset At)> _keys = new(StringComparer.Ordinal);

    // Subjects by the value they derive from: a batch names the same contacts many times. Held in memory only, and
    // dropped whole when full (the values are the contacts the hot accounts hold anyway).
    private readonly ConcurrentDictionary<string, string> _subjects = new(StringComparer.Ordinal);
    private readonly Lock _pepperGate = new();
    private byte[]? _pepper;
    private int _subjectCount;
    private long _sweptAt;

    /// <summary>How many subjects' keys this process holds (each at most about two cache TTLs past its fetch).</summary>
    public int CachedKeyCount => _keys.Count;

    public string SubjectOf(string value)
    {
        if (_subjects.TryGetValue(value, out var subject))
        {
            return subject;
        }

        var mac = HMACSHA256.HashData(Pepper(), Encoding.UTF8.GetBytes(value.Trim().ToLowerInvariant()));
        subject = Convert.ToHexStringLower(mac.AsSpan(0, 16));
        if (Interlocked.Increment(ref _subjectCount) > MaxCachedSubjects)
        {
            _subjects.Clear();
            Interlocked.Exchange(ref _subjectCount, 0);
        }

        _subjects[value] = subject;
        return subject;
    }

    /// <summary>
    /// The sealed value as the UTF-8 JSON object <c>{"pii":subject,"c":base64(nonce, ciphertext, tag)}</c>, to splice into a
    /// serialized event (hex and base64 need no escaping). Written straight into the one array returned: sealing is per
    /// personal field of every event written, and strings in between (base64, the object, its bytes) tripled what it
    /// allocated.
    /// </summary>
    public byte[] ProtectUtf8(string subjectValue, string plaintext)
    {
        ReadOnlySpan<byte> head = "{\"pii\":\""u8, middle = "\",\"c\":\""u8, tail = "\"}"u8;
        var subject = SubjectOf(subjectValue);
        var key = Key(subject, create: true)!;
        var plainLength = Encoding.UTF8.GetByteCount(plaintext);
        var sealedLength = NonceSize + plainLength + TagSize;
        var rented = sealedLength + plainLength > 512 ? System.Buffers.ArrayPool<byte>.Shared.Rent(sealedLength + plainLength) : null;
        try
        {
            var scratch = rented is null ? stackalloc byte[sealedLength + plainLength] : rented.AsSpan(0, sealedLength + plainLength);
            var sealedBytes = scratch[..sealedLength];
            var plain = scratch[sealedLength..];
            Encoding.UTF8.GetBytes(plaintext, plain);
            Span<byte> associated = stackalloc byte[subject.Length];
            Encoding.ASCII.GetBytes(subject, associated);
            NextNonce(sealedBytes[..NonceSize]);
            CipherFor(key).Encrypt(sealedBytes[..NonceSize], plain, sealedBytes.Slice(NonceSize, plainLength), sealedBytes[(NonceSize + plainLength)..], associated);

            var result = new byte[head.Length + subject.Length + middle.Length + System.Buffers.Text.Base64.GetMaxEncodedToUtf8Length(sealedLength) + tail.Length];
            var at = 0;
            head.CopyTo(result);
            at += head.Length;
            associated.CopyTo(result.AsSpan(at));
            at += associated.Length;
            middle.CopyTo(result.AsSpan(at));
            at += middle.Length;
            System.Buffers.Text.Base64.EncodeToUtf8(sealedBytes, result.AsSpan(at), out _, out var written);
            at += written;
            tail.CopyTo(result.AsSpan(at));
            return result;
        }
        finally
        {
            if (rented is not null)
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(rented, clearArray: true);
            }
        }
    }

    /// <summary>A fresh random nonce: the thread's next slice of a block from the cryptographic generator, used once.</summary>
    private static void NextNonce(Span<byte> nonce)
    {
        var block = t_nonces ??= new byte[NonceSize * NoncesPerFill];
        if (t_noncesUsed == 0)
        {
            RandomNumberGenerator.Fill(block);
        }

        block.AsSpan(t_noncesUsed * NonceSize, NonceSize).CopyTo(nonce);
        t_noncesUsed = (t_noncesUsed + 1) % NoncesPerFill;
    }

    /// <summary>This thread's cipher for the key (a cipher is not safe to share between threads).</summary>
    private static AesGcm CipherFor(byte[] key)
    {
        var ciphers = t_ciphers ??= new Dictionary<byte[], AesGcm>(ReferenceEqualityComparer.Instance);
        if (ciphers.TryGetValue(key, out var cipher))
        {
            return cipher;
        }

        if (ciphers.Count >= CiphersPerThread)
        {
            foreach (var old in ciphers.Values)
            {
                old.Dispose();
            }

            ciphers.Clear();
        }

        cipher = new AesGcm(key, TagSize);
        ciphers[key] = cipher;
        return cipher;
    }

    /// <summary>The plaintext, or <see cref="Erased"/> once the subject's key is gone.</summary>
    public string Unprotect(JsonObject sealedValue)
    {
        var subject = sealedValue["pii"]!.GetValue<string>();
        var key = Key(subject, create: false);
        if (key is null)
        {
            return Erased;
        }

        var sealedBytes = Convert.FromBase64String(sealedValue["c"]!.GetValue<string>());
        var length = sealedBytes.Length - NonceSize - TagSize;
        var plain = new byte[length];
        try
        {
            CipherFor(key).Decrypt(sealedBytes.AsSpan(0, NonceSize), sealedBytes.AsSpan(NonceSize, length), sealedBytes.AsSpan(NonceSize + length), plain, Encoding.ASCII.GetBytes(subject));
        }
        catch (AuthenticationTagMismatchException)
        {
            // Sealed with a key that was erased; the subject has a new key since they came back.
            return Erased;
        }

        return Encoding.UTF8.GetString(plain);
    }

    public static bool IsSealed(JsonNode? node) => node is JsonObject o && o.ContainsKey("pii") && o.ContainsKey("c");

    /// <summary>Deletes the subject's key in the caller's transaction; call <see cref="Forget"/> once it commits.</summary>
    public async Task<string> EraseAsync(NpgsqlTransaction tx, string subjectValue, CancellationToken ct)
    {
        var subject = SubjectOf(subjectValue);
        _subjects.TryRemove(subjectValue, out _);
        await using var cmd = new NpgsqlCommand(
            $"DELETE FROM {schema.Schema}.personal_keys WHERE subject = @s; INSERT INTO {schema.Schema}.erased_subjects (subject) VALUES (@s) ON CONFLICT DO NOTHING",
            tx.Connection, tx);
        cmd.Parameters.AddWithValue("s", subject);
        await cmd.ExecuteNonQueryAsync(ct);
        return subject;
    }

    /// <summary>Drops this process's cached key; other processes drop theirs within the cache TTL.</summary>
    public void Forget(string subject) => _keys[subject] = (null, time.GetUtcNow());

    /// <summary>Drops whatever this process cached for the subject, so the next use asks the database.</summary>
    public void Evict(string subject) => _keys.TryRemove(subject, out _);

    /// <summary>
    /// Fetches or creates the keys of every subject not cached yet, in one round trip, so that sealing a batch's
    /// events does not stop for each new contact. Keys are committed here, before any event sealed with them.
    /// </summary>
    public async Task PrepareAsync(IEnumerable<string> subjectValues, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        SweepExpired(now);
        // Distinct values first: a batch names the same contacts many times, and each subject costs an HMAC.
        var missing = subjectValues.Distinct(StringComparer.Ordinal).Select(SubjectOf).Distinct(StringComparer.Ordinal)
            .Where(s => !_keys.TryGetValue(s, out var cached) || cached.Key is null || now - cached.At >= options.Value.PersonalKeyCacheTtl)
            .ToArray();
        if (missing.Length == 0)
        {
            return;
        }

        // New subjects' keys come back from the insert; those already stored (which the insert's own statement cannot
        // see as inserted) are looked up one by one on the primary key. As `subject = ANY(@s)`, the prepared statement's
        // plan scanned the whole table and searched the array for every row: about 110 ms a batch at 50,000 keys, a
        // third of the journey benchmark's PostgreSQL time, and growing with the table. (A subject another process stores
        // while this runs comes back from neither half; sealing then fetches its key on its own.)
        await using var cmd = dataSource.CreateCommand(
            $"""
            WITH inserted AS (
                INSERT INTO {schema.Schema}.personal_keys (subject, key) SELECT * FROM unnest(@s, @k) ON CONFLICT (subject) DO NOTHING
                RETURNING subject, key)
            SELECT subject, key FROM inserted
            UNION ALL
            SELECT m.subject, stored.key FROM unnest(@s) AS m(subject)
            CROSS JOIN LATERAL (SELECT key FROM {schema.Schema}.personal_keys p WHERE p.subject = m.subject LIMIT 1) stored
            """);
        cmd.Parameters.AddWithValue("s", missing);
        cmd.Parameters.AddWithValue("k", missing.Select(_ => RandomNumberGenerator.GetBytes(32)).ToArray());
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            _keys[reader.GetString(0)] = ((byte[])reader[1], now);
        }
    }

    private byte[]? Key(string subject, bool create)
    {
        var now = time.GetUtcNow();
        if (_keys.TryGetValue(subject, out var cached) && now - cached.At < options.Value.PersonalKeyCacheTtl && (cached.Key is not null || !create))
        {
            return cached.Key;
        }

        // First sight of a subject in this process (or an expired entry): one round trip, rare on the hot path.
        SweepExpired(now);
        using var conn = dataSource.OpenConnection();
        using var cmd = new NpgsqlCommand(create
            ? $"INSERT INTO {schema.Schema}.personal_keys (subject, key) VALUES (@s, @k) ON CONFLICT (subject) DO NOTHING; SELECT key FROM {schema.Schema}.personal_keys WHERE subject = @s"
            : $"SELECT key FROM {schema.Schema}.personal_keys WHERE subject = @s", conn);
        cmd.Parameters.AddWithValue("s", subject);
        if (create)
        {
            cmd.Parameters.AddWithValue("k", RandomNumberGenerator.GetBytes(32));
        }

        var key = cmd.ExecuteScalar() as byte[];
        _keys[subject] = (key, now);
        return key;
    }

    /// <summary>
    /// Drops the keys cached longer than the TTL, at most once a TTL: they would be fetched again before any use, and a
    /// long-running process meets many more subjects than it keeps sealing for (the cache used to keep every one).
    /// </summary>
    private void SweepExpired(DateTimeOffset now)
    {
        var ttl = options.Value.PersonalKeyCacheTtl;
        var last = Interlocked.Read(ref _sweptAt);
        if (now.UtcTicks - last < ttl.Ticks || Interlocked.CompareExchange(ref _sweptAt, now.UtcTicks, last) != last)
        {
            return;
        }

        foreach (var entry in _keys)
        {
            if (now - entry.Value.At >= ttl)
            {
                // Only this entry: one refreshed meanwhile stays.
                _keys.TryRemove(entry);
            }
        }
    }

    private byte[] Pepper()
    {
        lock (_pepperGate)
        {
            if (_pepper is not null)
            {
                return _pepper;
            }

            using var conn = dataSource.OpenConnection();
            using var cmd = new NpgsqlCommand(
                $"INSERT INTO {schema.Schema}.store_settings (name, value) VALUES ('subject_pepper', @v) ON CONFLICT (name) DO NOTHING; SELECT value FROM {schema.Schema}.store_settings WHERE name = 'subject_pepper'",
                conn);
            cmd.Parameters.AddWithValue("v", RandomNumberGenerator.GetBytes(32));
            _pepper = (byte[])cmd.ExecuteScalar()!;
            return _pepper;
        }
    }
}
