namespace DemandCenter.Journey.Domain;

public abstract record JourneyCommand(string AccountId);

/// <summary>Record a signal the Ingestion service resolved to this account.</summary>
public sealed record RecordSignal(
    string AccountId,
    Guid SignalId,
    string Type,
    string Channel,
    DateTimeOffset OccurredAt,
    string? ContactId,
    string? Url,
    string? Category,
    bool LateAttributed = false) : JourneyCommand(AccountId);

/// <summary>Decide and Evolve: pure functions over the closed command and event hierarchies.</summary>
public static class JourneyDecider
{
    public static IReadOnlyList<JourneyEvent> Decide(JourneyCommand command, AccountJourney state, AccountProfile profile, Playbook playbook, TimeProvider time) =>
        command switch
        {
            RecordSignal signal => DecideSignal(signal, state, profile, playbook, time.GetUtcNow()),
            _ => throw new ArgumentOutOfRangeException(nameof(command), command.GetType().Name, "Unknown command."),
        };

    public static AccountJourney Evolve(AccountJourney state, JourneyEvent @event) =>
        @event switch
        {
            SignalRecorded s => state with
            {
                Version = state.Version + 1,
                SignalCount = state.SignalCount + 1,
                LastSignalAt = state.LastSignalAt is { } last && last > s.OccurredAt ? last : s.OccurredAt,
                FocusJob = s.Category is not null && Playbook.JobOfCategory.TryGetValue(s.Category, out var job) ? job : state.FocusJob,
                CategoryViews = s.Category is null ? state.CategoryViews : state.CategoryViews.SetItem(s.Category, state.CategoryViews.GetValueOrDefault(s.Category) + 1),
                Contacts = s.ContactId is null ? state.Contacts : state.Contacts.Add(s.ContactId),
            },
            PromptRaised p => state with
            {
                Version = state.Version + 1,
                OpenPrompts = state.OpenPrompts.SetItem(p.Action, new OpenPrompt(p.PromptId, p.SellerId, p.At)),
            },
            _ => throw new ArgumentOutOfRangeException(nameof(@event), @event.GetType().Name, "Unknown event."),
        };

    private static List<JourneyEvent> DecideSignal(RecordSignal cmd, AccountJourney state, AccountProfile profile, Playbook playbook, DateTimeOffset now)
    {
        var recorded = new SignalRecorded(cmd.AccountId, now, cmd.SignalId, cmd.Type, cmd.Channel, cmd.OccurredAt, cmd.ContactId, cmd.Url, cmd.Category, cmd.LateAttributed);
        var events = new List<JourneyEvent> { recorded };
        // A late-attributed signal is history that just found its owner: it informs the journey but prompts no one.
        if (cmd.LateAttributed || cmd.Category is null || !playbook.PageRules.TryGetValue(cmd.Category, out var rule) || profile.OwnerSellerId is null)
        {
            return events;
        }

        if (state.OpenPrompts.TryGetValue(rule.Action, out var open) && now - open.RaisedAt < playbook.Cooldown)
        {
            return events;
        }

        var after = Evolve(state, recorded);
        var who = cmd.ContactId ?? "Someone";
        var reason = $"{who} from {profile.Name} {rule.Phrase} at {cmd.OccurredAt:HH:mm} UTC" +
                     (after.CategoryViews.GetValueOrDefault(cmd.Category) > 1 ? $" ({after.CategoryViews[cmd.Category]} views so far)." : ".");
        events.Add(new PromptRaised(
            cmd.AccountId,
            now,
            PromptIdFor(cmd.SignalId, rule.Action),
            profile.OwnerSellerId,
            rule.Action,
            "owner",
            rule.Priority,
            now + rule.Due,
            now,
            now + rule.Due,
            reason,
            cmd.ContactId,
            after.FocusJob,
            [cmd.SignalId]));
        return events;
    }

    /// <summary>Derived from the triggering signal so that reprocessing the same signal raises the same prompt id.</summary>
    public static Guid PromptIdFor(Guid signalId, string action)
    {
        Span<byte> bytes = stackalloc byte[16];
        signalId.TryWriteBytes(bytes);
        // A fixed, platform-independent mix: FNV-1a of the action name folded into the signal id's bytes.
        uint h = 2166136261;
        foreach (var ch in action)
        {
            h = (h ^ ch) * 16777619;
        }

        for (var i = 0; i < 4; i++)
        {
            bytes[i] ^= (byte)(h >> (8 * i));
        }

        bytes[15] ^= 0x5A;
        return new Guid(bytes);
    }
}
