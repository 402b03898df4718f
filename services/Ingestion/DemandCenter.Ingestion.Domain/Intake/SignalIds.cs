using System.Security.Cryptography;
using System.Text;

namespace DemandCenter.Ingestion.Domain;

public static class SignalIds
{
    /// <summary>A stable id for a CloudEvent: the same (source, id) always gives the same Guid, so duplicates collapse downstream.</summary>
    public static Guid For(string source, string id)
    {
        Span<byte> hash = stackalloc byte[32];
        // Hashes UTF-8 "source\nid"; encoded on the stack when short (as ids and sources are), to spare an allocation per event.
        var length = Encoding.UTF8.GetMaxByteCount(source.Length + 1 + id.Length);
        var text = length <= 1024 ? stackalloc byte[length] : new byte[length];
        var written = Encoding.UTF8.GetBytes(source, text);
        text[written++] = (byte)'\n';
        written += Encoding.UTF8.GetBytes(id, text[written..]);
        SHA256.HashData(text[..written], hash);
        var bytes = hash[..16];
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x80); // RFC 9562 version 8 (custom, name-based)
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC 4122 variant
        return new Guid(bytes, bigEndian: true);
    }
}
