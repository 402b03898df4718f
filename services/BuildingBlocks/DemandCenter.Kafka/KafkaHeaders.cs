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

    public static Headers AddString(this Headers headers, string key, string? value)
    {
        if (value is not null)
        {
            headers.Add(key, Encoding.UTF8.GetBytes(value));
        }

        return headers;
    }
}
