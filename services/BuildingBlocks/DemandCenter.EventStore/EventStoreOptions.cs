namespace DemandCenter.EventStore;

/// <summary>Bound from "Demand:Postgres". Schema lets tests (and tenants) isolate their tables.</summary>
public sealed class EventStoreOptions
{
    public const string Section = "Demand:Postgres";

    public string ConnectionString { get; set; } = "";

    public string Schema { get; set; } = "demand";

    /// <summary>Replaying more events than this for an aggregate stores a snapshot, so the next replay starts there.</summary>
    public int SnapshotEvery { get; set; } = 200;

    /// <summary>How long a process keeps a data subject's key in memory; an erasure is complete everywhere after this.</summary>
    public TimeSpan PersonalKeyCacheTtl { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Attempts of a failing async projection batch before the projection is parked with its error.</summary>
    public int ProjectionMaxAttempts { get; set; } = 3;
}
