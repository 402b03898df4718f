using System.Text.Json.Nodes;

namespace DemandCenter.EventStore;

/// <summary>
/// The stored name of every event type, and upcasters that turn old shapes into current ones as they are read.
/// Stored rows are never rewritten: an old name stays in the table and is upcast on every read.
/// </summary>
public sealed class EventTypes
{
    private readonly Dictionary<string, Type> _byName = new(StringComparer.Ordinal);
    private readonly Dictionary<Type, string> _byType = [];
    private readonly Dictionary<string, (string To, Func<JsonObject, JsonObject> Transform)> _upcasters = new(StringComparer.Ordinal);

    /// <summary>Registers <typeparamref name="T"/> under <paramref name="name"/>. Names are part of the stored history: never reuse one.</summary>
    public EventTypes Register<T>(string name) => Register(typeof(T), name);

    public EventTypes Register(Type type, string name)
    {
        _byName.Add(name, type);
        _byType.Add(type, name);
        return this;
    }

    /// <summary>Rows stored as <paramref name="from"/> are read as <paramref name="to"/> after <paramref name="transform"/>; chains are followed.</summary>
    public EventTypes Upcast(string from, string to, Func<JsonObject, JsonObject> transform)
    {
        _upcasters.Add(from, (to, transform));
        return this;
    }

    public string NameOf(Type type) =>
        _byType.TryGetValue(type, out var name) ? name : throw new InvalidOperationException($"Event type {type.Name} is not registered.");

    public bool IsRegistered(Type type) => _byType.ContainsKey(type);

    public bool NeedsUpcast(string storedName) => _upcasters.ContainsKey(storedName);

    /// <summary>Follows the upcaster chain from a stored name to a registered type.</summary>
    public (string Name, Type Type, JsonObject Data) Upcast(string storedName, JsonObject data)
    {
        var name = storedName;
        for (var hops = 0; _upcasters.TryGetValue(name, out var step); hops++)
        {
            if (hops > 32)
            {
                throw new InvalidOperationException($"Upcaster chain from '{storedName}' does not end.");
            }

            data = step.Transform(data);
            name = step.To;
        }

        return (name, Resolve(name), data);
    }

    public Type Resolve(string name) =>
        _byName.TryGetValue(name, out var type) ? type : throw new UnknownEventTypeException(name);
}

public sealed class UnknownEventTypeException(string name) : Exception($"No event type is registered as '{name}', and no upcaster leads from it.")
{
    public string TypeName { get; } = name;
}
