using System.Text.Json;

namespace DemandCenter.Testing;

/// <summary>CloudEvents as publishers send them, for tests.</summary>
public static class CloudEvents
{
    public const string Source = "https://vendor.example/web-analytics";

    /// <summary>Any CloudEvent of the contract, with the given data.</summary>
    public static byte[] Event(string type, string id, object data, string source = Source, DateTimeOffset? time = null) =>
        JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object?>
        {
            ["specversion"] = "1.0",
            ["id"] = id,
            ["source"] = source,
            ["type"] = type,
            ["time"] = time ?? DateTimeOffset.UtcNow,
            ["data"] = data,
        });

    /// <summary>A contact sales form from a known person: the speed-to-lead rule's call prompt for the account's owner.</summary>
    public static byte[] ContactSales(string id, string email) =>
        Event(DemandCenter.Contracts.SignalTypes.FormSubmitted, id, new { email, formKind = "contact_sales", formId = "f-1" });

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
