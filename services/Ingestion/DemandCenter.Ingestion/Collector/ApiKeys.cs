using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace DemandCenter.Ingestion.Collector;

/// <summary>Checks a publisher's bearer key against the configured SHA-256 hashes, in constant time.</summary>
public sealed class ApiKeys(IOptionsMonitor<IngestionOptions> options)
{
    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    /// <summary>The key's name when the request carries a valid key; null otherwise.</summary>
    public string? Authenticate(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var presented = Convert.FromHexString(Hash(header["Bearer ".Length..].Trim()));
        foreach (var entry in options.CurrentValue.ApiKeys)
        {
            if (entry.Sha256.Length == 64 && CryptographicOperations.FixedTimeEquals(presented, Convert.FromHexString(entry.Sha256)))
            {
                return entry.Name;
            }
        }

        return null;
    }
}
