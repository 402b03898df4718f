using System.Security.Cryptography;
using System.Text;
using DemandCenter.EventStore;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Npgsql;

namespace DemandCenter.Ingestion.Collector;

public sealed record ApiKeyInfo(Guid Id, string Name, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);

public sealed record NewApiKey(Guid Id, string Name, string Key);

/// <summary>
/// Publisher keys: those in configuration and those created through the admin API, stored only as SHA-256 hashes.
/// Checked in constant time; the stored set is re-read at most every few seconds, so a revocation takes effect
/// everywhere within that time.
/// </summary>
public sealed class ApiKeys(IOptionsMonitor<IngestionOptions> options, NpgsqlDataSource dataSource, EventStoreSchema schema, TimeProvider time)
{
    private static readonly TimeSpan Refresh = TimeSpan.FromSeconds(5);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private (byte[] Hash, string Name)[] _stored = [];
    private DateTimeOffset _loadedAt = DateTimeOffset.MinValue;

    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    /// <summary>The key's name when the request carries a valid key; null otherwise.</summary>
    public async Task<string?> AuthenticateAsync(HttpRequest request, CancellationToken ct)
    {
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var presented = Convert.FromHexString(Hash(header["Bearer ".Length..].Trim()));
        var configured = options.CurrentValue.ApiKeys
            .Where(e => e.Sha256.Length == 64)
            .Select(e => (Hash: Convert.FromHexString(e.Sha256), e.Name));
        foreach (var (hash, name) in configured.Concat(await StoredAsync(ct)))
        {
            if (CryptographicOperations.FixedTimeEquals(presented, hash))
            {
                return name;
            }
        }

        return null;
    }

    public async Task<NewApiKey> CreateAsync(string name, CancellationToken ct)
    {
        var key = "dc_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        var id = Guid.NewGuid();
        await using var cmd = dataSource.CreateCommand($"INSERT INTO {schema.Schema}.api_keys (id, name, sha256) VALUES (@id, @n, @h)");
        cmd.Parameters.AddWithValue("id", id);
        cmd.Parameters.AddWithValue("n", name);
        cmd.Parameters.AddWithValue("h", Hash(key));
        await cmd.ExecuteNonQueryAsync(ct);
        _loadedAt = DateTimeOffset.MinValue;
        return new NewApiKey(id, name, key);
    }

    public async Task<bool> RevokeAsync(Guid id, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand($"UPDATE {schema.Schema}.api_keys SET revoked_at = now() WHERE id = @id AND revoked_at IS NULL");
        cmd.Parameters.AddWithValue("id", id);
        var revoked = await cmd.ExecuteNonQueryAsync(ct) == 1;
        _loadedAt = DateTimeOffset.MinValue;
        return revoked;
    }

    public async Task<IReadOnlyList<ApiKeyInfo>> ListAsync(CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand($"SELECT id, name, created_at, revoked_at FROM {schema.Schema}.api_keys ORDER BY created_at");
        var list = new List<ApiKeyInfo>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            list.Add(new ApiKeyInfo(reader.GetGuid(0), reader.GetString(1), reader.GetFieldValue<DateTimeOffset>(2), reader.IsDBNull(3) ? null : reader.GetFieldValue<DateTimeOffset>(3)));
        }

        return list;
    }

    private async Task<(byte[] Hash, string Name)[]> StoredAsync(CancellationToken ct)
    {
        if (time.GetUtcNow() - _loadedAt < Refresh)
        {
            return _stored;
        }

        await _gate.WaitAsync(ct);
        try
        {
            if (time.GetUtcNow() - _loadedAt >= Refresh)
            {
                await using var cmd = dataSource.CreateCommand($"SELECT sha256, name FROM {schema.Schema}.api_keys WHERE revoked_at IS NULL");
                var list = new List<(byte[], string)>();
                await using var reader = await cmd.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct))
                {
                    list.Add((Convert.FromHexString(reader.GetString(0)), reader.GetString(1)));
                }

                _stored = [.. list];
                _loadedAt = time.GetUtcNow();
            }

            return _stored;
        }
        finally
        {
            _gate.Release();
        }
    }
}
