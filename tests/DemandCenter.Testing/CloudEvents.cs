using System.Text.Json;

namespace DemandCenter.Testing;

/// <summary>CloudEvents as publishers send them, for tests.</summary>
public static class CloudEvents
{
    public const string Source = "https://vendor.example/web-analytics";

    public static byte[] PageViewed(string id, string email, string path, DateTimeOffset? time = null, bool withUrl = true, string source = Source) =>
        JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object?>
        {
            ["specversion"] = "1.0",
            ["id"] = id,
            ["source"] = source,
            ["type"] = "web.page.viewed",
            ["time"] = time ?? DateTimeOffset.UtcNow,
            ["datacontenttype"] = "application/json",
            ["data"] = withUrl
                ? new Dictionary<string, object?> { ["email"] = email, ["anonymousId"] = "v-" + id, ["url"] = "https://vendor.example" + path }
                : new Dictionary<string, object?> { ["email"] = email, ["anonymousId"] = "v-" + id },
        });
}
