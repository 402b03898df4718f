using System.Text;
using System.Text.Json.Nodes;
using DemandCenter.Contracts;
using DemandCenter.Journey.Accounts;
using DemandCenter.Kafka;
using DemandCenter.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace DemandCenter.Integration.Tests.Journey;

/// <summary>Scripted journeys through Kafka into the running product: the prompts, their reasons and their routing.</summary>
public sealed class JourneyScenarioTests(JourneyScenarioHost host) : IClassFixture<JourneyScenarioHost>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private static object Page(string email, string path) => new { email, url = "https://vendor.example" + path };

    private static object Form(string email, string kind) => new { email, formKind = kind, formId = "f-" + kind };

    private static object Reply(string email, string kind) => new { email, messageId = Guid.NewGuid().ToString("n"), replyKind = kind };

    [Fact]
    public async Task Given_two_people_at_initech_When_both_look_at_pricing_Then_the_pricing_pool_gets_a_consult_naming_them()
    {
        await host.SignalAsync(SignalTypes.PageViewed, "initech.com", Page("peter@initech.com", "/pricing"));
        await host.SignalAsync(SignalTypes.PageViewed, "initech.com", Page("joanna@initech.com", "/pricing"));

        var prompt = await host.PromptAsync("initech.com", PromptActions.PricingConsult);

        prompt["role"]!.GetValue<string>().ShouldBe(PromptRoles.Pricing);
        prompt["sellerId"]!.GetValue<string>().ShouldBe("pia");
        prompt["reason"]!.GetValue<string>().ShouldStartWith("Peter and Joanna from Initech looked at pricing 2 times since today");
        prompt["evidence"]!.AsArray().Count.ShouldBe(2);
        prompt["focusJob"]!.GetValue<string>().ShouldBe("supplier_selection");
    }

    [Fact]
    public async Task Given_a_transactional_account_When_it_asks_for_sales_Then_nurture_is_recorded_and_no_seller_is_prompted()
    {
        var id = await host.SignalAsync(SignalTypes.FormSubmitted, "soylent.co.uk", Form("sam@soylent.co.uk", "contact_sales"));
        await host.WaitUntilRecordedAsync(id);

        (await host.CountAsync("SELECT count(*) FROM demand.events WHERE stream_id = 'account-soylent.co.uk' AND type = 'journey.nurture_sent.v1' AND data->>'insteadOf' = 'call'")).ShouldBe(1);
        (await host.CountAsync("SELECT count(*) FROM demand.prompts WHERE account_id = 'soylent.co.uk'")).ShouldBe(0);
    }

    [Fact]
    public async Task Given_cal_has_room_for_one_prompt_When_two_of_his_accounts_ask_for_a_demo_Then_the_second_overflows_to_qualification()
    {
        await host.SignalAsync(SignalTypes.FormSubmitted, "tyrell.com", Form("eldon@tyrell.com", "demo_request"));
        var first = await host.PromptAsync("tyrell.com", PromptActions.Call);
        await host.SignalAsync(SignalTypes.FormSubmitted, "cyberdyne.com", Form("miles@cyberdyne.com", "demo_request"));
        var second = await host.PromptAsync("cyberdyne.com", PromptActions.Call);

        first["sellerId"]!.GetValue<string>().ShouldBe("cal");
        first["overflow"]?.GetValue<bool>().ShouldBe(false);
        second["sellerId"]!.GetValue<string>().ShouldBe("quinn");
        second["role"]!.GetValue<string>().ShouldBe(PromptRoles.Qualification);
        second["overflow"]!.GetValue<bool>().ShouldBeTrue();
        ((second["dueBy"]!.GetValue<DateTimeOffset>() - second["createdAt"]!.GetValue<DateTimeOffset>()).TotalMinutes).ShouldBeLessThanOrEqualTo(5);
    }

    [Fact]
    public async Task Given_a_positive_reply_nobody_accepts_When_its_sla_runs_out_Then_the_clock_reroutes_it_to_qualification()
    {
        await host.SignalAsync(SignalTypes.EmailReplied, "stark.com", Reply("pepper@stark.com", "positive"));
        var raised = await host.PromptAsync("stark.com", PromptActions.Call);
        raised["sellerId"]!.GetValue<string>().ShouldBe("ben");

        var moved = await host.PromptAsync("stark.com", PromptActions.Call, p => p["escalations"]?.GetValue<int>() == 1);

        moved["sellerId"]!.GetValue<string>().ShouldBe("quinn");
        moved["sequence"]!.GetValue<long>().ShouldBeGreaterThan(raised["sequence"]!.GetValue<long>());
        (await host.CountAsync("SELECT count(*) FROM demand.events WHERE stream_id = 'account-stark.com' AND type = 'journey.prompt_reassigned.v1' AND data->>'why' = 'sla'")).ShouldBe(1);
        var update = host.ConsumeUntil(Topics.Prompts, m => Header(m) == MessageHeaders.PromptUpdatedType && Encoding.UTF8.GetString(m.Message.Value).Contains(raised["promptId"]!.GetValue<string>(), StringComparison.Ordinal), Deadline);
        var body = JsonNode.Parse(update.Message.Value)!;
        body["previousSellerId"]!.GetValue<string>().ShouldBe("ben");
        body["prompt"]!["sellerId"]!.GetValue<string>().ShouldBe("quinn");
    }

    [Fact]
    public async Task Given_a_prompt_When_its_seller_accepts_and_another_seller_tries_it_Then_one_is_confirmed_and_the_other_refused()
    {
        await host.SignalAsync(SignalTypes.FormSubmitted, "umbrella.com", Form("alice@umbrella.com", "contact_sales"));
        var prompt = await host.PromptAsync("umbrella.com", PromptActions.Call);
        var promptId = prompt["promptId"]!.GetValue<string>();

        var forged = await CommandAsync("umbrella.com", promptId, "ana", JourneyCommandKinds.Accept);
        var accepted = await CommandAsync("umbrella.com", promptId, "ben", JourneyCommandKinds.Accept);
        var completed = await CommandAsync("umbrella.com", promptId, "ben", JourneyCommandKinds.Complete, c => c with { Outcome = PromptOutcomes.Connected });

        forged["rejected"]!.GetValue<string>().ShouldContain("another seller");
        forged["prompt"]!["status"]!.GetValue<string>().ShouldBe(PromptStatus.Open);
        accepted["status"]!.GetValue<string>().ShouldBe(PromptStatus.Accepted);
        accepted["rejected"].ShouldBeNull();
        completed["prompt"]!["outcome"]!.GetValue<string>().ShouldBe(PromptOutcomes.Connected);
        (await host.ScalarAsync<string>("SELECT status FROM demand.prompts WHERE prompt_id = @id", ("id", Guid.Parse(promptId)))).ShouldBe(PromptStatus.Completed);

        // Ben connected, so he is working the account: pricing interest right after does not prompt anyone else.
        await host.SignalAsync(SignalTypes.PageViewed, "umbrella.com", Page("alice@umbrella.com", "/pricing"));
        var last = await host.SignalAsync(SignalTypes.PageViewed, "umbrella.com", Page("chris@umbrella.com", "/pricing"));
        await host.WaitUntilRecordedAsync(last);
        (await host.CountAsync("SELECT count(*) FROM demand.prompts WHERE account_id = 'umbrella.com' AND payload->>'action' = 'pricing_consult'")).ShouldBe(0);
    }

    [Fact]
    public async Task Given_a_top_account_with_only_virtual_meetings_When_it_is_active_Then_the_owner_is_asked_to_meet_in_person()
    {
        await host.SignalAsync(SignalTypes.MeetingHeld, "globex.com", new { email = "hank@globex.com", meetingId = "m-1", mode = "virtual", sellerId = "ben", attendees = new[] { "hank@globex.com" } });
        await host.SignalAsync(SignalTypes.PageViewed, "globex.com", Page("ivy@globex.com", "/product"));
        await host.SignalAsync(SignalTypes.PageViewed, "globex.com", Page("ivy@globex.com", "/case-studies/northwind"));

        var prompt = await host.PromptAsync("globex.com", PromptActions.InPersonMeeting);

        prompt["sellerId"]!.GetValue<string>().ShouldBe("ben");
        prompt["reason"]!.GetValue<string>().ShouldContain("Globex is a top account");
        var card = host.ConsumeUntil(Topics.Board, m => m.Message.Key == "globex.com" && JsonNode.Parse(m.Message.Value)!["openPrompts"]!.GetValue<int>() > 0, Deadline);
        JsonNode.Parse(card.Message.Value)!["focusJob"]!.GetValue<string>().ShouldNotBeNullOrEmpty();
    }

    [Fact]
    public async Task Given_a_journey_that_reached_validation_two_weeks_ago_When_the_clock_ticks_Then_the_owner_gets_a_nudge()
    {
        // The history arrives now, and the clock ticks every 300 ms: it may see the account between any two of these
        // signals, and for backdated signals the stall is already real. The reference download comes first, so the
        // account has reached validation (its furthest job, which never goes back) whenever the clock looks.
        var then = DateTimeOffset.UtcNow.AddDays(-15);
        await host.SignalAsync(SignalTypes.ContentDownloaded, "hooli.com", new { email = "gavin@hooli.com", assetId = "ref-1", category = "customers" }, then);
        await host.SignalAsync(SignalTypes.PageViewed, "hooli.com", Page("gavin@hooli.com", "/customers/northwind"), then.AddHours(1));
        await host.SignalAsync(SignalTypes.PageViewed, "hooli.com", Page("gavin@hooli.com", "/pricing"), then.AddHours(2));
        await host.SignalAsync(SignalTypes.PageViewed, "hooli.com", Page("denpok@hooli.com", "/pricing"), then.AddHours(3));

        var nudge = await host.PromptAsync("hooli.com", PromptActions.Email, p => p["reason"]!.GetValue<string>().Contains("no progress", StringComparison.Ordinal));

        nudge["sellerId"]!.GetValue<string>().ShouldBe("ben");
        nudge["reason"]!.GetValue<string>().ShouldStartWith("Hooli reached validation but has made no progress since");
    }

    [Fact]
    public async Task Given_a_quiet_account_still_exploring_When_the_clock_finds_nothing_to_do_Then_its_next_check_moves_a_day_on()
    {
        // Two weeks quiet: its stall and in-person checks are long due, but it never reached a late job and is no top
        // account, so the clock's tick does nothing. Its next check must then leave the past, or every tick sends it again.
        await host.SignalAsync(SignalTypes.PageViewed, "vandelay.com", Page("art@vandelay.com", "/product/overview"), DateTimeOffset.UtcNow.AddDays(-15));

        await Wait.UntilAsync(
            async () => await host.CountAsync("SELECT count(*) FROM demand.account_journeys WHERE account_id = 'vandelay.com' AND next_check_at > now() + interval '23 hours'") == 1,
            Deadline,
            "vandelay.com's next check a day on");
        (await host.CountAsync("SELECT count(*) FROM demand.prompts WHERE account_id = 'vandelay.com'")).ShouldBe(0);
    }

    [Fact]
    public async Task Given_an_account_When_it_is_reassigned_to_someone_the_Journey_does_not_know_Then_the_refusal_comes_back_with_its_card()
    {
        await host.SignalAsync(SignalTypes.PageViewed, "tyrell.com", Page("eldon@tyrell.com", "/product"));
        var command = new JourneyCommandMessage(Guid.NewGuid(), JourneyCommandKinds.ReassignAccount, "tyrell.com", "lead", DateTimeOffset.UtcNow)
        {
            ToSellerId = "roy",
            ByOrchestrator = true,
        };

        await host.PublishAsync(Topics.JourneyCommands, "tyrell.com", ContractJson.Serialize(command));

        // No prompt to answer with: the account's current card carries the command's id and the reason.
        var answer = host.ConsumeUntil(Topics.Board, m => m.Message.Headers.GetString(MessageHeaders.CommandId) == command.CommandId.ToString(), Deadline);
        answer.Message.Headers.GetString(MessageHeaders.Rejected).ShouldBe("'roy' is not a seller.");
        var card = JsonNode.Parse(answer.Message.Value)!;
        card["accountId"]!.GetValue<string>().ShouldBe("tyrell.com");
        card["ownerSellerId"]!.GetValue<string>().ShouldBe("cal");
        (await host.CountAsync("SELECT count(*) FROM demand.events WHERE stream_id = 'account-tyrell.com' AND type = 'journey.prompt_action_refused.v1'")).ShouldBe(1);
    }

    [Fact]
    public async Task Given_a_recorded_signal_When_it_is_forwarded_again_with_a_new_one_behind_it_Then_it_stays_recorded_once_the_new_one_is_recorded_and_other_accounts_stay_hot()
    {
        // As a marketing system resending past Ingestion's dedupe window would have it: the same signal id again, later.
        JourneySignal Viewed(string category) => new(Guid.NewGuid(), "https://vendor.example/resend", Guid.NewGuid().ToString("n"), SignalTypes.PageViewed, "web",
            DateTimeOffset.UtcNow, "resent.example", "rita@resent.example", null, "https://vendor.example/" + category, category, null);
        var first = Viewed("product");
        var next = Viewed("docs");
        var bystander = Viewed("blog") with { AccountId = "bystander.example", ContactId = "bo@bystander.example" };
        Task<long> Recorded(JourneySignal s) => host.CountAsync("SELECT count(*) FROM demand.events WHERE event_id = @id", ("id", s.SignalId));
        Task<long> CausedBy(JourneySignal s) => host.CountAsync("SELECT count(*) FROM demand.events WHERE metadata->>'causationId' = @id", ("id", s.SignalId.ToString()));
        var hot = host.Services.GetRequiredService<HotAccounts>();

        await host.PublishAsync(Topics.JourneySignals, bystander.AccountId, ContractJson.Serialize(bystander));
        await host.PublishAsync(Topics.JourneySignals, first.AccountId, ContractJson.Serialize(first));
        await Wait.UntilAsync(async () => await Recorded(first) == 1 && await Recorded(bystander) == 1, Deadline, "the first signals to be recorded");
        hot.TryGet(bystander.AccountId, out _).ShouldBeTrue();
        var firstDecided = await CausedBy(first);
        await host.PublishAsync(Topics.JourneySignals, first.AccountId, ContractJson.Serialize(first with { OccurredAt = DateTimeOffset.UtcNow }));
        await host.PublishAsync(Topics.JourneySignals, next.AccountId, ContractJson.Serialize(next));
        await Wait.UntilAsync(async () => await Recorded(next) == 1, Deadline, "the signal behind the resent one to be recorded");

        (await Recorded(first)).ShouldBe(1);
        (await host.CountAsync("SELECT count(*) FROM demand.events WHERE stream_id = 'account-resent.example' AND type = 'journey.signal_recorded.v1'")).ShouldBe(2);
        (await CausedBy(first)).ShouldBe(firstDecided, "nothing more is stored for the resent signal");
        // The store refused only what it had: the redo keeps the accounts in memory rather than loading them all again.
        hot.TryGet(bystander.AccountId, out _).ShouldBeTrue();
    }

    [Fact]
    public async Task Given_a_snoozed_prompt_When_the_same_snooze_command_arrives_again_Then_it_is_stored_once_and_the_account_keeps_going()
    {
        await host.SignalAsync(SignalTypes.FormSubmitted, "twice.example", Form("tess@twice.example", "contact_sales"));
        var prompt = await host.PromptAsync("twice.example", PromptActions.Call);
        var snooze = new JourneyCommandMessage(Guid.NewGuid(), JourneyCommandKinds.Snooze, "twice.example", "lead", DateTimeOffset.UtcNow)
        {
            PromptId = prompt["promptId"]!.GetValue<string>(),
            Until = DateTimeOffset.UtcNow.AddHours(2),
            ByOrchestrator = true,
        };

        await host.PublishAsync(Topics.JourneyCommands, "twice.example", ContractJson.Serialize(snooze));
        await Wait.UntilAsync(async () => await host.CountAsync("SELECT count(*) FROM demand.events WHERE stream_id = 'account-twice.example' AND type = 'journey.prompt_snoozed.v1'") == 1, Deadline, "the snooze to be stored");
        await host.PublishAsync(Topics.JourneyCommands, "twice.example", ContractJson.Serialize(snooze));
        var after = await host.SignalAsync(SignalTypes.PageViewed, "twice.example", Page("tess@twice.example", "/docs"));
        await host.WaitUntilRecordedAsync(after);

        (await host.CountAsync("SELECT count(*) FROM demand.events WHERE stream_id = 'account-twice.example' AND type = 'journey.prompt_snoozed.v1'")).ShouldBe(1);
    }

    private async Task<JsonNode> CommandAsync(string account, string promptId, string actor, string kind, Func<JourneyCommandMessage, JourneyCommandMessage>? with = null)
    {
        var command = new JourneyCommandMessage(Guid.NewGuid(), kind, account, actor, DateTimeOffset.UtcNow) { PromptId = promptId };
        command = with?.Invoke(command) ?? command;
        await host.PublishAsync(Topics.JourneyCommands, account, ContractJson.Serialize(command));
        var answer = host.ConsumeUntil(Topics.Prompts, m => Encoding.UTF8.GetString(m.Message.Value).Contains(command.CommandId.ToString(), StringComparison.Ordinal), Deadline);
        Header(answer).ShouldBe(MessageHeaders.PromptUpdatedType);
        return JsonNode.Parse(answer.Message.Value)!;
    }

    private static string? Header(Confluent.Kafka.ConsumeResult<string, byte[]> m) =>
        m.Message.Headers.TryGetLastBytes(MessageHeaders.MessageType, out var bytes) ? Encoding.UTF8.GetString(bytes) : null;
}
