using System.Text;
using Confluent.Kafka;

namespace DemandCenter.Kafka;

public static class KafkaHeaders
{
    public static string? GetString(this Headers? headers, string key)
    {
        if (headers is null || !headers.TryGetLastBytes(key, out var bytes))
        {
            return null;
        }

        return Encoding.UTF8.GetString(bytes);
    }

    /// <summary>Headers as text; bytes that are not UTF-8 are replaced rather than failing the message.</summary>
    public static Dictionary<string, string> ToText(this Headers? headers)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var h in headers ?? [])
        {
            result[h.Key] = Encoding.UTF8.GetString(h.GetValueBytes() ?? []);
        }

        return result;
    }

    public static Headers AddString(this Headers headers, string key, string? value)
    {
        if (value is not null)
        {
            headers.Add(key, Encoding.UTF8.GetBytes(value));
        }

        return headers;
    }
}
