using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace DemandCenter.Contracts;

/// <summary>One JSON shape for every wire message: camelCase, nulls omitted.</summary>
public static class ContractJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new StringListConverter(), new NumberMapConverter() },
    };

    /// <summary>
    /// The same shape for what is stored (events, snapshots), holding only what reading restores: a computed property
    /// (an event's id derived from its other fields, a state's view of its own fields) has neither a setter nor a
    /// constructor parameter, so reading skips it and writing it only made every row longer. Rows written with such
    /// properties read the same.
    /// </summary>
    public static readonly JsonSerializerOptions Stored = new(Options)
    {
        TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { ReadableOnly } },
    };

    public static byte[] Serialize<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, Options);

    public static T Deserialize<T>(ReadOnlySpan<byte> json) =>
        JsonSerializer.Deserialize<T>(json, Options) ?? throw new JsonException($"Expected a {typeof(T).Name}, got null.");

    private static void ReadableOnly(JsonTypeInfo info)
    {
        if (info.Kind != JsonTypeInfoKind.Object)
        {
            return;
        }

        for (var i = info.Properties.Count - 1; i >= 0; i--)
        {
            if (info.Properties[i] is { Set: null, AssociatedParameter: null })
            {
                info.Properties.RemoveAt(i);
            }
        }
    }

    /// <summary>
    /// A list of strings, written and read as the serializer's own collection converter does. Those push a frame on the
    /// serializer's stack, whose array is then allocated for every object written with a nested collection: every
    /// journey event (its keys) allocated one.
    /// </summary>
    private sealed class StringListConverter : JsonConverter<IReadOnlyList<string>>
    {
        public override IReadOnlyList<string> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType != JsonTokenType.StartArray)
            {
                throw new JsonException("Expected an array of strings.");
            }

            var list = new List<string>();
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                list.Add(reader.GetString()!);
            }

            return list;
        }

        public override void Write(Utf8JsonWriter writer, IReadOnlyList<string> value, JsonSerializerOptions options)
        {
            writer.WriteStartArray();
            for (var i = 0; i < value.Count; i++)
            {
                writer.WriteStringValue(value[i]);
            }

            writer.WriteEndArray();
        }
    }

    /// <summary>A map of names to numbers (evidence per job, momentum), as <see cref="StringListConverter"/> is for lists.</summary>
    private sealed class NumberMapConverter : JsonConverter<IReadOnlyDictionary<string, double>>
    {
        public override IReadOnlyDictionary<string, double> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw new JsonException("Expected an object of numbers.");
            }

            var map = new Dictionary<string, double>(StringComparer.Ordinal);
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString()!;
                reader.Read();
                // The web defaults read numbers written as strings too.
                map[name] = reader.TokenType == JsonTokenType.String && (options.NumberHandling & JsonNumberHandling.AllowReadingFromString) != 0
                    ? double.Parse(reader.GetString()!, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture)
                    : reader.GetDouble();
            }

            return map;
        }

        public override void Write(Utf8JsonWriter writer, IReadOnlyDictionary<string, double> value, JsonSerializerOptions options)
        {
            writer.WriteStartObject();
            foreach (var (name, number) in value)
            {
                writer.WritePropertyName(name);
                writer.WriteNumberValue(number);
            }

            writer.WriteEndObject();
        }
    }
}
