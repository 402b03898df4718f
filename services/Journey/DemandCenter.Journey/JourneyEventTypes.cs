using DemandCenter.EventStore;
using DemandCenter.Journey.Domain;

namespace DemandCenter.Journey;

/// <summary>Stored names of the journey's events. Names are part of the stored history: never rename one; add an upcaster instead.</summary>
public static class JourneyEventTypes
{
    public const string SignalRecorded = "journey.signal_recorded.v1";
    public const string PromptRaised = "journey.prompt_raised.v1";
    public const string FocusJobChanged = "journey.focus_job_changed.v1";
    public const string PromptCompleted = "journey.prompt_completed.v1";

    public static void Register(EventTypes types) => types
        .Register<SignalRecorded>(SignalRecorded)
        .Register<PromptRaised>(PromptRaised)
        .Register<BuyingGroupMemberJoined>("journey.buying_group_member_joined.v1")
        .Register<FocusJobChanged>(FocusJobChanged)
        .Register<AccountProfileUpdated>("journey.account_profile_updated.v1")
        .Register<AccountOwnerChanged>("journey.account_owner_changed.v1")
        .Register<NurtureSent>("journey.nurture_sent.v1")
        .Register<PromptAccepted>("journey.prompt_accepted.v1")
        .Register<PromptSnoozed>("journey.prompt_snoozed.v1")
        .Register<PromptSnoozeEnded>("journey.prompt_snooze_ended.v1")
        .Register<PromptDismissed>("journey.prompt_dismissed.v1")
        .Register<PromptCompleted>(PromptCompleted)
        .Register<PromptReassigned>("journey.prompt_reassigned.v1")
        .Register<PromptActionRefused>("journey.prompt_action_refused.v1");

    public static string StreamId(string accountId) => "account-" + accountId;
}
