using System.Text.Json;
using DemandCenter.Contracts;
using DemandCenter.Journey.Domain;

namespace DemandCenter.Journey;

/// <summary>Maps journey events to stored type names and JSON, and back. Type names are part of the stored history: never rename one.</summary>
public static class JourneyEventSerializer
{
    private static readonly Dictionary<Type, string> Names = new()
    {
        [typeof(SignalRecorded)] = "journey.signal_recorded.v1",
        [typeof(PromptRaised)] = "journey.prompt_raised.v1",
    };

    private static readonly Dictionary<string, Type> Types = Names.ToDictionary(kv => kv.Value, kv => kv.Key, StringComparer.Ordinal);

    public static string TypeName(JourneyEvent e) => Names[e.GetType()];

    public static JsonElement ToJson(JourneyEvent e) => JsonSerializer.SerializeToElement(e, e.GetType(), ContractJson.Options);

    public static JourneyEvent FromJson(string typeName, JsonElement data) =>
        (JourneyEvent)(data.Deserialize(Types[typeName], ContractJson.Options) ?? throw new JsonException($"Stored event of type {typeName} is null."));
}
