using System.Security.Cryptography;
using System.Text;

namespace DemandCenter.Ingestion.Domain;

public static class SignalIds
{
    /// <summary>A stable id for a CloudEvent: the same (source, id) always gives the same Guid, so duplicates collapse downstream.</summary>
    public static Guid For(string source, string id)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(source + "\n" + id), hash);
        var bytes = hash[..16];
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x80); // RFC 9562 version 8 (custom, name-based)
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC 4122 variant
        return new Guid(bytes, bigEndian: true);
    }
}
