using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace DemandCenter.Telemetry;

public static class DemandTelemetry
{
    public const string Name = "DemandCenter";

    public static readonly ActivitySource Source = new(Name);
}

/// <summary>Counters the product reports. Tags are codes and types, never personal data.</summary>
public static class DemandMetrics
{
    private static readonly Meter Meter = new(DemandTelemetry.Name);

    public static readonly Counter<long> SignalsAccepted = Meter.CreateCounter<long>("demand.signals.accepted");
    public static readonly Counter<long> SignalsRejected = Meter.CreateCounter<long>("demand.signals.rejected");
    public static readonly Counter<long> EventsAppended = Meter.CreateCounter<long>("demand.journey.events_appended");
    public static readonly Counter<long> PromptsRaised = Meter.CreateCounter<long>("demand.prompts.raised");
    public static readonly Counter<long> PromptsPushed = Meter.CreateCounter<long>("demand.prompts.pushed");

    /// <summary>A Journey batch's deciding (load, decide, serialize); it overlaps the write of the batch before.</summary>
    public static readonly Histogram<double> JourneyBatchDecide = Meter.CreateHistogram<double>("demand.journey.batch_decide", "ms");

    /// <summary>A Journey batch's write and commit, which one batch at a time does: what bounds the Journey's rate under load.</summary>
    public static readonly Histogram<double> JourneyBatchWrite = Meter.CreateHistogram<double>("demand.journey.batch_write", "ms");

    /// <summary>From a prompt message's Kafka timestamp (the outbox relay's publish) until the Hub has handed it to its connections.</summary>
    public static readonly Histogram<double> HubFanoutLag = Meter.CreateHistogram<double>("demand.hub.fanout_lag", "ms");
}
