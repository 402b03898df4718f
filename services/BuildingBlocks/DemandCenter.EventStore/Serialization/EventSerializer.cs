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
    private static readonly JsonSerializerOptions Json = ContractJson.Options;
    private readonly ConcurrentDictionary<Type, PersonalField[]> _personal = new();

    public EventTypes Types => types;

    public PersonalDataProtector Protector => protector;

    public (string Type, byte[] Json) Serialize(object @event)
    {
        var type = @event.GetType();
        var name = types.NameOf(type);
        var fields = PersonalFields(type);
        if (fields.Length == 0)
        {
            return (name, JsonSerializer.SerializeToUtf8Bytes(@event, type, Json));
        }

        var node = JsonSerializer.SerializeToNode(@event, type, Json)!.AsObject();
        foreach (var field in fields)
        {
            if (node[field.JsonName] is JsonValue value && value.TryGetValue<string>(out var plain))
            {
                // A field whose subject is unknown names nobody (e.g. "Someone from Acme ..."): nothing to seal.
                var subject = field.Subject is null ? plain : node[field.Subject]?.GetValue<string>();
                if (subject is not null)
                {
                    node[field.JsonName] = protector.Protect(subject, plain);
                }
            }
        }

        return (name, JsonSerializer.SerializeToUtf8Bytes(node, Json));
    }

    /// <summary>The event as the store writes it: type name, sealed JSON and metadata JSON. Thread-safe, so a batch can be serialized in parallel.</summary>
    public RawNewEvent ToRaw(NewEvent e)
    {
        var (type, json) = Serialize(e.Data);
        return new RawNewEvent(e.EventId, type, System.Text.Encoding.UTF8.GetString(json), e.Metadata is null ? null : JsonSerializer.Serialize(e.Metadata, Json));
    }

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
