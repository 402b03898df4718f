using DemandCenter.EventStore;
using DemandCenter.Journey.Domain;

namespace DemandCenter.Journey;

/// <summary>Stored names of the journey's events. Names are part of the stored history: never rename one; add an upcaster instead.</summary>
public static class JourneyEventTypes
{
    public const string SignalRecorded = "journey.signal_recorded.v1";
    public const string PromptRaised = "journey.prompt_raised.v1";

    public static void Register(EventTypes types) => types
        .Register<SignalRecorded>(SignalRecorded)
        .Register<PromptRaised>(PromptRaised);

    public static string StreamId(string accountId) => "account-" + accountId;
}
