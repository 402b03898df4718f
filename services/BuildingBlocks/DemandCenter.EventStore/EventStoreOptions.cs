namespace DemandCenter.EventStore;

/// <summary>Bound from "Demand:Postgres". Schema lets tests (and tenants) isolate their tables.</summary>
public sealed class EventStoreOptions
{
    public const string Section = "Demand:Postgres";

    public string ConnectionString { get; set; } = "";

    public string Schema { get; set; } = "demand";
}
