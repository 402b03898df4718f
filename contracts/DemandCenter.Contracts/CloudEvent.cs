using System.Text.Json;
using System.Text.Json.Serialization;

namespace DemandCenter.Contracts;

/// <summary>A CloudEvents 1.0 envelope in structured JSON mode; <see cref="Data"/> holds the type's payload.</summary>
public sealed record CloudEvent
{
    [JsonPropertyName("specversion")] public string? SpecVersion { get; init; }
    [JsonPropertyName("id")] public string? Id { get; init; }
    [JsonPropertyName("source")] public string? Source { get; init; }
    [JsonPropertyName("type")] public string? Type { get; init; }
    [JsonPropertyName("time")] public DateTimeOffset? Time { get; init; }
    [JsonPropertyName("datacontenttype")] public string? DataContentType { get; init; }
    [JsonPropertyName("subject")] public string? Subject { get; init; }
    [JsonPropertyName("data")] public JsonElement? Data { get; init; }
}
