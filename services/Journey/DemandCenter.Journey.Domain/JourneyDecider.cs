using System.Collections.Immutable;
using System.Runtime.InteropServices;
using DemandCenter.Contracts;
using DemandCenter.Journey.Domain.Model;

namespace DemandCenter.Journey.Domain;

/// <summary>Decide and Evolve: pure functions over the closed command and event hierarchies.</summary>
public static class JourneyDecider
{
    public static IReadOnlyList<JourneyEvent> Decide(JourneyCommand command, AccountJourney state, JourneyContext ctx) =>
        Decided(command, state, ctx).Events;

    /// <summary>
    /// <see cref="Decide"/>, with the state after the events: deciding a signal folds most of its events already (the
    /// focus and the rules read the state they make), so only the rest are evolved here rather than all again.
    /// </summary>
    public static (IReadOnlyList<JourneyEvent> Events, AccountJourney After) DecideAndEvolve(JourneyCommand command, AccountJourney state, JourneyContext ctx)
    {
        var (events, folded, after) = Decided(command, state, ctx);
        for (var i = folded; i < events.Count; i++)
        {
            after = Evolve(after, events[i]);
        }

        return (events, after);
    }

    /// <summary>The events, and the state after the first <c>Folded</c> of them.</summary>
    private static (IReadOnlyList<JourneyEvent> Events, int Folded, AccountJourney After) Decided(JourneyCommand command, AccountJourney state, JourneyContext ctx)
    {
        var now = ctx.Time.GetUtcNow();
        return command switch
        {
            RecordSignal signal => DecideSignal(signal, state, ctx, now),
            ActOnPrompt act => (DecideAction(act, state, ctx, now), 0, state),
            ReassignPrompt move => (DecideReassignPrompt(move, state, ctx, now), 0, state),
            ReassignAccount move => (DecideReassignAccount(move, state, ctx, now), 0, state),
            Tick tick => DecideTick(tick, state, ctx, now),
            _ => throw new ArgumentOutOfRangeException(nameof(command), command.GetType().Name, "Unknown command."),
        };
    }

    public static AccountJourney Evolve(AccountJourney state, JourneyEvent @event)
    {
        var version = state.Version + 1;
        // A signal's own events make the next state in one copy, with its version: a second copy of the whole state per
        // event was a fifth of what deciding a signal allocated.
        return @event switch
        {
            SignalRecorded s => Recorded(state, s, version),
            BuyingGroupMemberJoined j => Joined(state, j, version),
            FocusJobChanged f => state with
            {
                Version = version,
                FocusJob = f.To,
                FocusSince = f.OccurredAt ?? f.At,
                PreviousFocusJob = f.From,
                LastProgressAt = BuyingJobs.IndexOf(f.To) > BuyingJobs.IndexOf(f.From) ? Later(state.LastProgressAt, f.OccurredAt ?? f.At) : state.LastProgressAt,
            },
            _ => EvolveOther(state, @event) with { Version = version },
        };
    }

    private static AccountJourney EvolveOther(AccountJourney state, JourneyEvent @event) =>
        @event switch
        {
            AccountProfileUpdated p => state with
            {
                Overrides = new ProfileOverrides(
                    p.Name ?? state.Overrides.Name,
                    p.OwnerSellerId ?? state.Overrides.OwnerSellerId,
                    p.Territory ?? state.Overrides.Territory,
                    p.Segment ?? state.Overrides.Segment,
                    p.AnnualRevenue ?? state.Overrides.AnnualRevenue,
                    p.Tier ?? state.Overrides.Tier),
            },
            AccountOwnerChanged o => state with { Overrides = state.Overrides with { OwnerSellerId = o.To } },
            PromptRaised p => state with
            {
                Prompts = state.Prompts.SetItem(p.PromptId, new PromptState(p.PromptId, p.RuleId, p.Action, p.Role, p.SellerId, PromptStatus.Open, p.At, p.DueBy, p.SlaBy, null, 0, p.ContactId)),
                LastFired = state.LastFired.SetItem(p.RuleId, p.At),
            },
            NurtureSent n => state with { LastFired = state.LastFired.SetItem(n.RuleId, n.At) },
            PromptAccepted a => Change(state, a.PromptId, p => p with { Status = PromptStatus.Accepted, SnoozedUntil = null, SellerId = PromptPools.IsPool(p.SellerId) ? a.By : p.SellerId }) with
            {
                WorkingUntil = Later(state.WorkingUntil, a.WorkingUntil),
            },
            PromptSnoozed s => Change(state, s.PromptId, p => p with { Status = PromptStatus.Snoozed, SnoozedUntil = s.Until }),
            PromptSnoozeEnded e => Change(state, e.PromptId, p => p with { Status = PromptStatus.Open, SnoozedUntil = null, SlaBy = e.SlaBy ?? p.SlaBy }),
            PromptDismissed d => state with { Prompts = state.Prompts.Remove(d.PromptId) },
            PromptCompleted c => Completed(state, c),
            PromptReassigned r => Change(state, r.PromptId, p => p with
            {
                SellerId = r.To,
                SlaBy = r.SlaBy,
                Escalations = r.Why == ReassignReasons.Sla ? p.Escalations + 1 : p.Escalations,
            }),
            PromptActionRefused => state,
            _ => throw new ArgumentOutOfRangeException(nameof(@event), @event.GetType().Name, "Unknown event."),
        };

    /// <summary>Derived from the triggering input so that reprocessing it raises the same prompt id.</summary>
    public static Guid PromptIdFor(Guid causeId, string ruleId) => EventIds.Derive(causeId, "prompt:" + ruleId);

    private static AccountJourney Recorded(AccountJourney state, SignalRecorded s, long version)
    {
        // The member's own id instance, when known: the state keeps it with every recent signal of theirs.
        var contact = s.ContactId is not null && state.BuyingGroup.TryGetKey(s.ContactId, out var known) ? known : s.ContactId;
        var member = contact is null ? null : state.BuyingGroup.GetValueOrDefault(contact);
        var weight = s.ReplyKind is null ? 1 : 3; // a reply says more about when someone is reachable than a page view
        var group = contact is null
            ? state.BuyingGroup
            : state.BuyingGroup.SetItem(contact, member is null
                ? new Member(s.OccurredAt, s.OccurredAt, ChannelBits.Of(s.Channel), 1, HourHistogram.Empty.Add(s.OccurredAt, weight))
                : member with
                {
                    LastActive = Later(member.LastActive, s.OccurredAt)!.Value,
                    Channels = member.Channels | ChannelBits.Of(s.Channel),
                    Signals = member.Signals + 1,
                    Hours = member.Hours.Add(s.OccurredAt, weight),
                });
        var (jobs, furthest, progress) = Evidenced(state, s.Evidence, s.OccurredAt);
        var summary = s.Category is not null ? Vocabulary.Of(s.Category, " page") : s.Intents is { Count: > 0 } i ? Vocabulary.Of("chat about " + string.Join(", ", i)) : Vocabulary.Of(s.Type);
        return state with
        {
            Version = version,
            SignalCount = state.SignalCount + 1,
            LastSignalAt = Later(state.LastSignalAt, s.OccurredAt),
            Jobs = jobs,
            FurthestJob = furthest,
            LastProgressAt = progress ?? s.OccurredAt,
            BuyingGroup = group,
            Channels = state.Channels.SetItem(s.Channel, Later(state.Channels.GetValueOrDefault(s.Channel), s.OccurredAt)!.Value),
            Daily = state.Daily.Add(s.OccurredAt),
            Hours = state.Hours.Add(s.OccurredAt),
            Recent = Remember(state.Recent, s, contact, summary),
            LastInPersonAt = s.MeetingMode == "in_person" ? Later(state.LastInPersonAt, s.OccurredAt) : state.LastInPersonAt,
        };
    }

    private static AccountJourney Joined(AccountJourney state, BuyingGroupMemberJoined j, long version)
    {
        var (jobs, furthest, progress) = Evidenced(state, j.Evidence, j.At);
        return state with
        {
            Version = version,
            Jobs = jobs,
            FurthestJob = furthest,
            LastProgressAt = progress,
            BuyingGroup = state.BuyingGroup.ContainsKey(j.ContactId)
                ? state.BuyingGroup
                : state.BuyingGroup.SetItem(j.ContactId, new Member(j.At, j.At, ChannelBits.Of(j.Channel), 0, HourHistogram.Empty)),
            Recent = j.Evidence.Count == 0 ? state.Recent : Remember(state.Recent, new RecentSignal(j.EventId, SignalKeys.NewMember, "group.member.joined", j.Channel, j.At, j.ContactId, null)),
        };
    }

    /// <summary>
    /// The jobs with this evidence added, and the furthest job reached with it (progress when it moves on): a signal's and
    /// a newcomer's evidence count alike.
    /// </summary>
    private static (ImmutableArray<JobState> Jobs, string? Furthest, DateTimeOffset? LastProgressAt) Evidenced(AccountJourney state, IReadOnlyDictionary<string, double> evidence, DateTimeOffset at)
    {
        var jobs = Model.Engagement.AddEvidence(state.Jobs, evidence, at, state.Settings.Engagement);
        var furthest = Model.Engagement.Furthest(jobs, state.FurthestJob, state.Settings.FurthestMinEvidence);
        return (jobs, furthest, furthest != state.FurthestJob ? Later(state.LastProgressAt, at) : state.LastProgressAt);
    }

    private static AccountJourney Completed(AccountJourney state, PromptCompleted c)
    {
        var next = state with { Prompts = state.Prompts.Remove(c.PromptId), WorkingUntil = Later(state.WorkingUntil, c.WorkingUntil) };
        // A conversation that connected is the strongest evidence of when this person can be reached.
        if (c.ContactId is not null && c.WorkingUntil is not null && next.BuyingGroup.TryGetValue(c.ContactId, out var member))
        {
            next = next with { BuyingGroup = next.BuyingGroup.SetItem(c.ContactId, member with { Hours = member.Hours.Add(c.At, 3) }) };
        }

        return next;
    }

    private static AccountJourney Change(AccountJourney state, Guid promptId, Func<PromptState, PromptState> change) =>
        state.Prompts.TryGetValue(promptId, out var prompt) ? state with { Prompts = state.Prompts.SetItem(promptId, change(prompt)) } : state;

    /// <summary>The last <see cref="AccountJourney.RecentCapacity"/> signals, in one array: a copy per signal costs less than a tree's nodes, and is read several times a signal.</summary>
    private static ImmutableArray<RecentSignal> Remember(ImmutableArray<RecentSignal> recent, RecentSignal signal)
    {
        var next = Keep(recent, 1);
        next[^1] = signal;
        return ImmutableCollectionsMarshal.AsImmutableArray(next);
    }

    /// <summary>A signal's entries, one per key, in one copy of the array (strings the state keeps from the <see cref="Vocabulary"/>).</summary>
    private static ImmutableArray<RecentSignal> Remember(ImmutableArray<RecentSignal> recent, SignalRecorded s, string? contact, string summary)
    {
        var keys = s.Keys.Count;
        var next = Keep(recent, keys);
        var (type, channel) = (Vocabulary.Of(s.Type), Vocabulary.Of(s.Channel));
        // Kept entries first, then the signal's: capacity allowing, the oldest of its own keys go first.
        var from = Math.Max(0, keys - AccountJourney.RecentCapacity);
        for (var k = from; k < keys; k++)
        {
            next[next.Length - keys + k] = new RecentSignal(s.SignalId, Vocabulary.Of(s.Keys[k]), type, channel, s.OccurredAt, contact, summary);
        }

        return ImmutableCollectionsMarshal.AsImmutableArray(next);
    }

    /// <summary>A new array holding the newest entries that leave room for <paramref name="adding"/> more, and that room at its end.</summary>
    private static RecentSignal[] Keep(ImmutableArray<RecentSignal> recent, int adding)
    {
        var kept = recent.IsDefault ? [] : recent.AsSpan();
        kept = kept[Math.Max(0, kept.Length - Math.Max(0, AccountJourney.RecentCapacity - adding))..];
        var next = new RecentSignal[kept.Length + Math.Min(adding, AccountJourney.RecentCapacity)];
        kept.CopyTo(next);
        return next;
    }

    private static DateTimeOffset? Later(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a > b ? a : b;

    private static (List<JourneyEvent> Events, int Folded, AccountJourney After) DecideSignal(RecordSignal cmd, AccountJourney state, JourneyContext ctx, DateTimeOffset now)
    {
        // The signal's own person, new to a group that has members, is the group growing (consensus work): a key of the
        // signal itself, where an event of its own per newcomer was a fifth of all the journey wrote. The first person is
        // just the account showing up.
        var newcomer = cmd.ContactId is { } contact && !state.BuyingGroup.ContainsKey(contact);
        var joined = newcomer && state.BuyingGroup.Count > 0;
        // First: the signal's own keys come after, so the trigger (its last entry in Recent) is still what the person did.
        var keys = joined ? [SignalKeys.NewMember, .. SignalKeys.Of(cmd)] : SignalKeys.Of(cmd);
        var events = new List<JourneyEvent>
        {
            new SignalRecorded(cmd.AccountId, now, cmd.SignalId, cmd.Type, cmd.Channel, cmd.OccurredAt, cmd.ContactId, cmd.Url, cmd.Category, cmd.LateAttributed)
            {
                Keys = keys, Evidence = Model.Engagement.EvidenceFor(keys, ctx.Playbook), Intents = cmd.Intents, FormKind = cmd.FormKind, ReplyKind = cmd.ReplyKind, MeetingMode = cmd.MeetingMode,
            },
        };
        if (cmd.Profile is { } p)
        {
            events.Add(new AccountProfileUpdated(cmd.AccountId, now, cmd.SignalId, p.Name, p.OwnerSellerId, p.Territory, p.Segment, p.AnnualRevenue, p.Tier));
        }

        // Others the signal names (a meeting's attendees) who are new join by an event each, after the signal's own person.
        if (cmd.Attendees is not null)
        {
            var groupSize = state.BuyingGroup.Count + (newcomer ? 1 : 0);
            foreach (var attendee in cmd.Attendees.Where(c => c != cmd.ContactId && !state.BuyingGroup.ContainsKey(c)).Distinct(StringComparer.Ordinal))
            {
                events.Add(new BuyingGroupMemberJoined(cmd.AccountId, cmd.OccurredAt, cmd.SignalId, attendee, cmd.Channel)
                {
                    Evidence = groupSize++ == 0 ? NoEvidence.Instance : Model.Engagement.EvidenceFor([SignalKeys.NewMember], ctx.Playbook),
                });
            }
        }

        var after = events.Aggregate(state, Evolve);
        // Momentum as of the signal itself: history arriving late (or backfilled) moves the focus as it did then.
        var focus = Model.Engagement.Focus(after, cmd.OccurredAt, ctx.Playbook);
        if (focus is not null && focus != after.FocusJob)
        {
            var momentum = Model.Engagement.Momentum(after, cmd.OccurredAt, ctx.Playbook);
            var change = new FocusJobChanged(cmd.AccountId, now, cmd.SignalId, after.FocusJob, focus, momentum,
                $"{string.Join(", ", keys)} at {cmd.OccurredAt:yyyy-MM-dd HH:mm} UTC")
            {
                DaysInFrom = after.FocusSince is { } since ? Math.Round(Math.Max(0, (cmd.OccurredAt - since).TotalDays), 3) : null,
                OccurredAt = cmd.OccurredAt,
            };
            events.Add(change);
            after = Evolve(after, change);
        }

        // Late-attributed history informs the journey but prompts no one: it is not news.
        if (cmd.LateAttributed)
        {
            return (events, events.Count, after);
        }

        var grew = !joined && events.OfType<BuyingGroupMemberJoined>().Any(j => j.Evidence.Count > 0);
        // A few keys (the signal's own are distinct): a list to search is cheaper than a set to build.
        IReadOnlyCollection<string> triggers = grew ? [.. keys, SignalKeys.NewMember] : keys;
        RecentSignal? trigger = null;
        for (var i = after.Recent.Length - 1; i >= 0 && trigger is null; i--)
        {
            trigger = after.Recent[i].SignalId == cmd.SignalId ? after.Recent[i] : null;
        }

        var folded = events.Count;
        Outreach(events, after, ctx, triggers, trigger, cmd.SignalId, now);
        return (events, folded, after);
    }

    /// <summary>Fires the rules for the triggers and adds each firing to the events as a routed prompt, or automated nurture for a transactional journey.</summary>
    private static void Outreach(List<JourneyEvent> events, AccountJourney state, JourneyContext ctx, IReadOnlyCollection<string> triggers, RecentSignal? trigger, Guid causeId, DateTimeOffset now)
    {
        var profile = ctx.Directory.With(state.Overrides);
        var transactional = profile.Segment is { } segment && ctx.Playbook.TransactionalSegments.Contains(segment);
        var team = ctx.Team;
        JourneyScores? scores = null;
        foreach (var firing in Rules.Evaluate(state, profile, triggers, trigger, now, ctx))
        {
            var id = PromptIdFor(causeId, firing.Rule.Id);
            if (transactional)
            {
                events.Add(new NurtureSent(state.AccountId, now, id, firing.Rule.Id, firing.Rule.Action, firing.Reason, firing.ContactId));
                continue;
            }

            var route = Routing.Route(firing.Rule.Role, profile, team, ctx.Playbook);
            team = team.WithLoad(route.SellerId, +1);
            var best = BestTime.For(state, firing.ContactId, profile, ctx.Playbook, now);
            scores ??= Scoring.Of(state, now, ctx.Playbook);
            events.Add(new PromptRaised(
                state.AccountId, now, id, route.SellerId, firing.Rule.Action, route.Role, firing.Rule.Priority,
                now.AddMinutes(firing.Rule.DueMinutes), best.Next.From, best.Next.To, firing.Reason, firing.ContactId, state.FocusJob, firing.Evidence)
            {
                RuleId = firing.Rule.Id,
                PlaybookVersion = ctx.Playbook.Version,
                SlaBy = now.AddMinutes(firing.Rule.SlaMinutes),
                Scores = scores,
                Overflow = route.Overflow,
            });
        }
    }

    private static IReadOnlyList<JourneyEvent> DecideAction(ActOnPrompt cmd, AccountJourney state, JourneyContext ctx, DateTimeOffset now)
    {
        JourneyEvent[] Refuse(string why) => [new PromptActionRefused(cmd.AccountId, now, cmd.CommandId, cmd.PromptId.ToString(), cmd.ActorId, cmd.Kind, why)];

        if (!state.Prompts.TryGetValue(cmd.PromptId, out var prompt))
        {
            return Refuse("The prompt is not open (unknown, completed or dismissed).");
        }

        var pool = ctx.Team.Member(cmd.ActorId) is { } actor ? PromptPools.FeedOf(actor.Specialty) : null;
        if (!cmd.ByOrchestrator && prompt.SellerId != cmd.ActorId && prompt.SellerId != pool)
        {
            return Refuse("The prompt belongs to another seller.");
        }

        var working = now.AddHours(ctx.Playbook.WorkingHours);
        switch (cmd.Kind)
        {
            case JourneyCommandKinds.Accept when prompt.Status == PromptStatus.Accepted:
                return Refuse("The prompt is already accepted.");
            case JourneyCommandKinds.Accept:
                return [new PromptAccepted(cmd.AccountId, now, cmd.CommandId, cmd.PromptId, cmd.ActorId, working)];
            case JourneyCommandKinds.Snooze when cmd.Until is not { } until || until <= now:
                return Refuse("A snooze needs a time in the future.");
            case JourneyCommandKinds.Snooze:
                return [new PromptSnoozed(cmd.AccountId, now, cmd.CommandId, cmd.PromptId, cmd.ActorId, cmd.Until!.Value)];
            case JourneyCommandKinds.Dismiss when cmd.Reason is null || !DismissReasons.All.Contains(cmd.Reason):
                return Refuse("A dismissal needs one of the listed reasons.");
            case JourneyCommandKinds.Dismiss:
                return [new PromptDismissed(cmd.AccountId, now, cmd.CommandId, cmd.PromptId, cmd.ActorId, cmd.Reason)];
            case JourneyCommandKinds.Complete when cmd.Outcome is null || !PromptOutcomes.All.Contains(cmd.Outcome):
                return Refuse("A completion needs one of the listed outcomes.");
            case JourneyCommandKinds.Complete:
                var reached = cmd.Outcome is PromptOutcomes.Connected or PromptOutcomes.MeetingBooked;
                return [new PromptCompleted(cmd.AccountId, now, cmd.CommandId, cmd.PromptId, cmd.ActorId, cmd.Outcome, prompt.Action, state.FocusJob)
                {
                    WorkingUntil = reached ? working : null,
                    ContactId = prompt.ContactId,
                }];
            default:
                return Refuse($"Unknown action '{cmd.Kind}'.");
        }
    }

    private static IReadOnlyList<JourneyEvent> DecideReassignPrompt(ReassignPrompt cmd, AccountJourney state, JourneyContext ctx, DateTimeOffset now)
    {
        if (!state.Prompts.TryGetValue(cmd.PromptId, out var prompt))
        {
            return [new PromptActionRefused(cmd.AccountId, now, cmd.CommandId, cmd.PromptId.ToString(), cmd.ActorId, JourneyCommandKinds.ReassignPrompt, "The prompt is not open.")];
        }

        if (ctx.Team.Member(cmd.ToSellerId) is null)
        {
            return [new PromptActionRefused(cmd.AccountId, now, cmd.CommandId, cmd.PromptId.ToString(), cmd.ActorId, JourneyCommandKinds.ReassignPrompt, $"'{cmd.ToSellerId}' is not a seller.")];
        }

        return prompt.SellerId == cmd.ToSellerId
            ? [new PromptActionRefused(cmd.AccountId, now, cmd.CommandId, cmd.PromptId.ToString(), cmd.ActorId, JourneyCommandKinds.ReassignPrompt, "The prompt is already with that seller.")]
            : [new PromptReassigned(cmd.AccountId, now, cmd.CommandId, cmd.PromptId, prompt.SellerId, cmd.ToSellerId, ReassignReasons.Orchestrator, prompt.SlaBy)];
    }

    private static IReadOnlyList<JourneyEvent> DecideReassignAccount(ReassignAccount cmd, AccountJourney state, JourneyContext ctx, DateTimeOffset now)
    {
        if (ctx.Team.Member(cmd.ToSellerId) is null)
        {
            return [new PromptActionRefused(cmd.AccountId, now, cmd.CommandId, null, cmd.ActorId, JourneyCommandKinds.ReassignAccount, $"'{cmd.ToSellerId}' is not a seller.")];
        }

        var from = ctx.Directory.With(state.Overrides).OwnerSellerId;
        var events = new List<JourneyEvent> { new AccountOwnerChanged(cmd.AccountId, now, cmd.CommandId, from, cmd.ToSellerId, cmd.ActorId) };
        // The owner's open work on the account goes with the account.
        events.AddRange(state.ActivePrompts.Where(p => p.Role == PromptRoles.Owner && p.SellerId == from)
            .Select(p => new PromptReassigned(cmd.AccountId, now, cmd.CommandId, p.PromptId, p.SellerId, cmd.ToSellerId, ReassignReasons.OwnerChanged, p.SlaBy)));
        return events;
    }

    private static (List<JourneyEvent> Events, int Folded, AccountJourney After) DecideTick(Tick cmd, AccountJourney state, JourneyContext ctx, DateTimeOffset now)
    {
        var events = new List<JourneyEvent>();
        var profile = ctx.Directory.With(state.Overrides);
        var team = ctx.Team;
        foreach (var prompt in state.ActivePrompts.OrderBy(p => p.RaisedAt))
        {
            if (prompt.Status == PromptStatus.Snoozed && prompt.SnoozedUntil <= now)
            {
                events.Add(new PromptSnoozeEnded(cmd.AccountId, now, cmd.CommandId, prompt.PromptId) { SlaBy = now + Sla(prompt, ctx.Playbook) });
            }
            else if (prompt.Status == PromptStatus.Open && prompt.SlaBy <= now && prompt.Escalations < ctx.Playbook.Routing.MaxEscalations)
            {
                // Nobody took it in time: the next free person in the pool (owner prompts go to the overflow pool).
                var role = prompt.Role == PromptRoles.Owner ? ctx.Playbook.Routing.OverflowRole : prompt.Role;
                var route = Routing.Route(role, profile, team, ctx.Playbook, except: prompt.SellerId);
                if (route.SellerId != prompt.SellerId)
                {
                    team = team.WithLoad(route.SellerId, +1).WithLoad(prompt.SellerId, -1);
                    events.Add(new PromptReassigned(cmd.AccountId, now, cmd.CommandId, prompt.PromptId, prompt.SellerId, route.SellerId, ReassignReasons.Sla, now + Sla(prompt, ctx.Playbook)));
                }
            }
        }

        var after = events.Aggregate(state, Evolve);
        var folded = events.Count;
        Outreach(events, after, ctx with { Team = team }, [SignalKeys.Tick], null, cmd.CommandId, now);
        return (events, folded, after);
    }

    /// <summary>The acceptance window a prompt gets from a new holder or after a snooze: its rule's SLA (the first window when the playbook no longer has the rule), at least five minutes.</summary>
    private static TimeSpan Sla(PromptState prompt, Playbooks.Playbook playbook) =>
        TimeSpan.FromMinutes(Math.Max(5, playbook.Rules.FirstOrDefault(r => r.Id == prompt.RuleId)?.SlaMinutes ?? (prompt.SlaBy - prompt.RaisedAt).TotalMinutes));

    /// <summary>
    /// When the clock next has something to do for this account: a snooze ending, an SLA running out, a stalled
    /// journey or a top account's in-person check. Null when nothing is pending.
    /// </summary>
    /// <param name="tickedAt">
    /// The time of the last clock tick decided for the account, if one was (this state, or one before it, came from it).
    /// A check due by then was weighed by that tick and found nothing to do (a prompt waiting in a full pool, a stall or
    /// an in-person check whose rule does not hold): left where it was it would have the clock tick the account at every
    /// interval, and such accounts, oldest first, would crowd out the others' checks. It comes round again a minute later
    /// for a prompt, a day later for the journey's own checks. (A check that came due after the tick is left due: ticks
    /// alone weigh it.)
    /// </param>
    public static DateTimeOffset? NextCheck(AccountJourney state, JourneyContext ctx, DateTimeOffset? tickedAt = null)
    {
        // The earliest candidate, kept as it goes: this runs for every account a batch writes.
        DateTimeOffset? next = null;
        void Consider(DateTimeOffset at, TimeSpan again)
        {
            var when = tickedAt is { } ticked && at <= ticked ? ticked + again : at;
            next = next is { } n && n <= when ? n : when;
        }

        foreach (var (_, p) in state.Prompts)
        {
            if (p.Status == PromptStatus.Snoozed && p.SnoozedUntil is { } until)
            {
                Consider(until, PromptRecheck);
            }
            else if (p.Status == PromptStatus.Open && p.Escalations < ctx.Playbook.Routing.MaxEscalations)
            {
                Consider(p.SlaBy, PromptRecheck);
            }
        }

        var rules = ctx.Playbook.Rules;
        for (var i = 0; i < rules.Count; i++)
        {
            var rule = rules[i];
            if (!rule.Trigger.Contains(SignalKeys.Tick))
            {
                continue;
            }

            if (rule.When?.StalledDays is { } stalled && state.LastProgressAt is { } progress)
            {
                Consider(Max(progress.AddDays(stalled), state.LastFired.TryGetValue(rule.Id, out var fired) ? fired.AddHours(rule.CooldownHours) : progress), JourneyRecheck);
            }
            else if (rule.When?.NoInPersonDays is { } days && state.LastSignalAt is not null)
            {
                // A day after the last signal, on the next whole hour: the next check is an indexed column of the account's
                // row, and kept steady through a burst of signals it lets the row's updates be heap-only (BENCHMARKS.md).
                Consider(state.LastInPersonAt is { } met ? met.AddDays(days) : OnTheHour(state.LastSignalAt.Value.AddDays(1)), JourneyRecheck);
            }
        }

        return next;
    }

    /// <summary>How soon the clock looks again at a prompt whose time has passed with nothing done (one waiting in a full pool).</summary>
    private static readonly TimeSpan PromptRecheck = TimeSpan.FromMinutes(1);

    /// <summary>How soon the clock looks again at a stall or in-person check that came due with nothing to do.</summary>
    private static readonly TimeSpan JourneyRecheck = TimeSpan.FromDays(1);

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    /// <summary>The time itself when it is on a whole UTC hour, else the next whole hour.</summary>
    private static DateTimeOffset OnTheHour(DateTimeOffset at) =>
        at.UtcTicks % TimeSpan.TicksPerHour is var past and > 0 ? at.AddTicks(TimeSpan.TicksPerHour - past) : at;
}

public static class ReassignReasons
{
    public const string Orchestrator = "reassigned";
    public const string Sla = "sla";
    public const string OwnerChanged = "owner_changed";
}
