using DemandCenter.Contracts;
using DemandCenter.EventStore;
using DemandCenter.Journey;
using DemandCenter.Journey.Accounts;
using DemandCenter.Journey.Domain;
using DemandCenter.Journey.Domain.Model;
using DemandCenter.Journey.Domain.Playbooks;
using DemandCenter.Testing;
using FsCheck;
using FsCheck.Fluent;

namespace DemandCenter.Integration.Tests.EventStore;

/// <summary>Property: for any sequence of signals, replaying the stored stream gives the state the inline projection computed.</summary>
public sealed class ReplayPropertyTests(DemandInfrastructure infra) : IClassFixture<DemandInfrastructure>
{
    private static readonly string[] Categories = ["blog", "product", "docs", "security", "pricing", "comparison", "customers", "other"];
    private static readonly string?[] Contacts = ["kim@acme.com", "lee@acme.com", "mo@acme.com", null];

    private sealed class Clock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }

    private static Gen<(string Category, string? Contact, int Minutes)[]> Signals =>
        (from category in Gen.Elements(Categories)
         from contact in Gen.Elements(Contacts)
         from minutes in Gen.Choose(0, 120)
         select (category, contact, minutes))
            .ArrayOf()
            .Where(a => a.Length is > 0 and <= 30);

    [Fact]
    public async Task Replaying_any_stored_stream_gives_the_same_state_as_the_inline_projection()
    {
        await using var host = await StoreHost.StartAsync(infra.ConnectionString, JourneyEventTypes.Register);
        var profile = new AccountProfile("acme.com", "Acme", "ana", "emea", "enterprise", "1");
        var team = new Team([new TeamMember("ana", PromptRoles.Owner, 10, "emea"), new TeamMember("pia", PromptRoles.Pricing, 10, null)], new Dictionary<string, int>());

        Prop.ForAll(Signals.ToArbitrary(), signals =>
        {
            var stream = "account-prop-" + Guid.NewGuid().ToString("n");
            var clock = new Clock(new DateTimeOffset(2026, 11, 22, 8, 0, 0, TimeSpan.Zero));
            var inline = AccountJourney.Empty("acme.com");
            var events = new List<NewEvent>();
            foreach (var (category, contact, minutes) in signals)
            {
                clock.Now += TimeSpan.FromMinutes(minutes);
                var cmd = new RecordSignal("acme.com", Guid.NewGuid(), SignalTypes.PageViewed, "web", clock.Now, contact, "https://vendor.example/" + category, category);
                var context = new JourneyContext(profile, Playbook.Default, team, TransitionModel.Empty, null, clock);
                foreach (var e in JourneyDecider.Decide(cmd, inline, context))
                {
                    inline = JourneyDecider.Evolve(inline, e);
                    events.Add(new NewEvent(e.EventId, e));
                }
            }

            host.Store.AppendAsync(stream, ExpectedVersion.NoStream, events, default).GetAwaiter().GetResult();
            var replayed = host.Store.AggregateStreamAsync(stream, AccountJourney.Empty("acme.com"), (s, e) => JourneyDecider.Evolve(s, (JourneyEvent)e)).GetAwaiter().GetResult();

            return replayed.Version == events.Count && Json(replayed.State) == Json(inline);
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(60));
    }

    private static string Json(AccountJourney s) => System.Text.Encoding.UTF8.GetString(AccountProjection.Write(s));
}
