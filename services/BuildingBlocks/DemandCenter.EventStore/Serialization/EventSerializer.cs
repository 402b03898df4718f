using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using DemandCenter.Contracts;

namespace DemandCenter.EventStore;

/// <summary>
/// Events to and from stored JSON: camelCase, upcast on read, personal fields sealed on write and opened on read.
/// Types without personal fields or upcasters take the direct (fast) path.
/// </summary>
public sealed class EventSerializer(EventTypes types, PersonalDataProtector protector)
{
    /// <summary>What the store keeps: the contracts' JSON without computed properties (see <see cref="ContractJson.Stored"/>).</summary>
    private static readonly JsonSerializerOptions Json = ContractJson.Stored;
    private readonly ConcurrentDictionary<Type, PersonalField[]> _personal = new();

    public EventTypes Types => types;

    public PersonalDataProtector Protector => protector;

    // An event with personal fields is written into this thread's buffer and sealed from there into the one array kept:
    // serialized to an array of its own first, each such event (every signal) was allocated twice.
    [ThreadStatic]
    private static (System.Buffers.ArrayBufferWriter<byte> Buffer, Utf8JsonWriter Writer)? t_scratch;

    public (string Type, byte[] Json) Serialize(object @event)
    {
        var type = @event.GetType();
        var name = types.NameOf(type);
        var fields = PersonalFields(type);
        if (fields.Length == 0)
        {
            return (name, JsonSerializer.SerializeToUtf8Bytes(@event, type, Json));
        }

        var (buffer, writer) = t_scratch ??= Scratch();
        buffer.ResetWrittenCount();
        writer.Reset(buffer);
        JsonSerializer.Serialize(writer, @event, type, Json);
        return (name, Seal(buffer.WrittenSpan, fields));
    }

    private static (System.Buffers.ArrayBufferWriter<byte>, Utf8JsonWriter) Scratch()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(4096);
        return (buffer, new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = Json.Encoder, Indented = false, SkipValidation = true }));
    }

    /// <summary>
    /// Replaces each personal field's value (a string at the top level) with its sealed object. The bytes are spliced
    /// rather than rebuilt through a document, which cost as much again as serializing. Every field and subject is read
    /// in plain text before any is sealed, so a field naming another as its subject reads it unsealed.
    /// </summary>
    private byte[] Seal(ReadOnlySpan<byte> json, PersonalField[] fields)
    {
        // The fields and subjects named, and where their values are: a few at most, so arrays searched in place (a
        // dictionary per event was a fifth of what sealing allocated).
        var names = new string?[fields.Length * 2];
        var values = new (int Start, int End, string Value)[names.Length];
        var count = 0;
        var reader = new Utf8JsonReader(json);
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            string? name = null;
            foreach (var field in fields)
            {
                if (reader.ValueTextEquals(field.JsonName))
                {
                    name = field.JsonName;
                }
                else if (field.Subject is not null && reader.ValueTextEquals(field.Subject))
                {
                    name = field.Subject;
                }
            }

            reader.Read();
            if (name is not null && reader.TokenType == JsonTokenType.String && Array.IndexOf(names, name, 0, count) < 0 && count < names.Length)
            {
                names[count] = name;
                values[count++] = ((int)reader.TokenStartIndex, (int)reader.BytesConsumed, reader.GetString()!);
            }

            reader.Skip();
        }

        (int Start, int End, string Value)? Found(string name) => Array.IndexOf(names, name, 0, count) is var i and >= 0 ? values[i] : null;

        var seals = new List<(int Start, int End, byte[] Sealed)>(fields.Length);
        foreach (var field in fields)
        {
            if (Found(field.JsonName) is { } plain)
            {
                // A field whose subject is unknown names nobody (e.g. "Someone from Acme ..."): nothing to seal.
                var subject = field.Subject is null ? plain.Value : Found(field.Subject)?.Value;
                if (subject is not null)
                {
                    seals.Add((plain.Start, plain.End, protector.ProtectUtf8(subject, plain.Value)));
                }
            }
        }

        if (seals.Count == 0)
        {
            return json.ToArray();
        }

        seals.Sort((a, b) => a.Start.CompareTo(b.Start));
        var result = new byte[json.Length + seals.Sum(x => x.Sealed.Length - (x.End - x.Start))];
        int from = 0, to = 0;
        foreach (var (start, end, sealedJson) in seals)
        {
            json[from..start].CopyTo(result.AsSpan(to));
            to += start - from;
            sealedJson.CopyTo(result.AsSpan(to));
            to += sealedJson.Length;
            from = end;
        }

        json[from..].CopyTo(result.AsSpan(to));
        return result;
    }

    /// <summary>The event as the store writes it: type name, sealed JSON and metadata JSON. Thread-safe, so a batch can be serialized in parallel.</summary>
    public RawNewEvent ToRaw(NewEvent e) => ToRaw(e, e.Metadata is null ? null : SerializeMetadata(e.Metadata));

    /// <summary>As <see cref="ToRaw(NewEvent)"/> with the metadata already serialized: the events decided from one input share it.</summary>
    public RawNewEvent ToRaw(NewEvent e, byte[]? metadataJson)
    {
        var (type, json) = Serialize(e.Data);
        return new RawNewEvent(e.EventId, type, json, metadataJson);
    }

    /// <summary>Each event as <see cref="ToRaw(NewEvent)"/>; events in a row that share one metadata object (those decided from one input) share its JSON.</summary>
    public List<RawNewEvent> ToRaw(IReadOnlyCollection<NewEvent> events)
    {
        var raw = new List<RawNewEvent>(events.Count);
        EventMetadata? last = null;
        byte[]? lastJson = null;
        foreach (var e in events)
        {
            if (!ReferenceEquals(e.Metadata, last))
            {
                last = e.Metadata;
                lastJson = last is null ? null : SerializeMetadata(last);
            }

            raw.Add(ToRaw(e, lastJson));
        }

        return raw;
    }

    public static byte[] SerializeMetadata(EventMetadata metadata) => JsonSerializer.SerializeToUtf8Bytes(metadata, Json);

    /// <summary>The data subjects whose keys serializing these events will seal with (for <see cref="PersonalDataProtector.PrepareAsync"/>).</summary>
    public IEnumerable<string> SubjectsOf(IEnumerable<object> events)
    {
        foreach (var e in events)
        {
            foreach (var field in PersonalFields(e.GetType()))
            {
                if ((field.SubjectProperty ?? field.Property).GetValue(e) is string subject && field.Property.GetValue(e) is string)
                {
                    yield return subject;
                }
            }
        }
    }

    public object Deserialize(string storedType, ReadOnlySpan<byte> json)
    {
        if (!types.NeedsUpcast(storedType))
        {
            var type = types.Resolve(storedType);
            return PersonalFields(type).Length == 0
                ? JsonSerializer.Deserialize(json, type, Json)!
                : Open(type, JsonNode.Parse(json)!.AsObject());
        }

        var (_, upcastType, data) = types.Upcast(storedType, JsonNode.Parse(json)!.AsObject());
        return Open(upcastType, data);
    }

    private object Open(Type type, JsonObject node)
    {
        foreach (var field in PersonalFields(type))
        {
            if (PersonalDataProtector.IsSealed(node[field.JsonName]))
            {
                node[field.JsonName] = protector.Unprotect(node[field.JsonName]!.AsObject());
            }
        }

        return node.Deserialize(type, Json)!;
    }

    private PersonalField[] PersonalFields(Type type) => _personal.GetOrAdd(type, t => t
        .GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Select(p => (Property: p, Attribute: p.GetCustomAttribute<PersonalDataAttribute>()))
        .Where(x => x.Attribute is not null && x.Property.PropertyType == typeof(string))
        // The subject's own field is sealed last, so fields naming it as their subject still read it in plain text.
        .OrderBy(x => x.Attribute!.Subject is null ? 1 : 0)
        .Select(x => new PersonalField(
            JsonName(x.Property.Name),
            x.Attribute!.Subject is { } s ? JsonName(s) : null,
            x.Property,
            x.Attribute.Subject is { } subject ? t.GetProperty(subject) : null))
        .ToArray());

    private static string JsonName(string propertyName) => Json.PropertyNamingPolicy?.ConvertName(propertyName) ?? propertyName;

    private sealed record PersonalField(string JsonName, string? Subject, PropertyInfo Property, PropertyInfo? SubjectProperty);
}
