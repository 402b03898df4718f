using System.Text.Json;
using System.Text.Json.Nodes;
using DemandCenter.EventStore;
using DemandCenter.Testing;

namespace DemandCenter.Integration.Tests.EventStore;

public sealed class TimeTravelAndUpcastingTests(DemandInfrastructure infra) : IClassFixture<DemandInfrastructure>
{
    private static readonly SnapshotCodec<Tally> Codec = new(t => JsonSerializer.SerializeToElement(t), e => e.Deserialize<Tally>()!);

    [Fact]
    public async Task A_stream_can_be_read_as_of_a_version_and_as_of_a_moment()
    {
        await using var host = await StoreHost.StartAsync(infra.ConnectionString, TestEvents.Register);
        for (var i = 1; i <= 5; i++)
        {
            await host.Store.AppendAsync("tt", ExpectedVersion.Any, [TestEvents.Thing(i)], default);
        }

        var third = (await host.Store.ReadStreamAsync("tt"))[2];

        var atVersion = await host.Store.AggregateStreamAsync("tt", Tally.Empty, Tally.Evolve, atVersion: 3);
        var atMoment = await host.Store.AggregateStreamAsync("tt", Tally.Empty, Tally.Evolve, asOf: third.RecordedAt);
        var now = await host.Store.AggregateStreamAsync("tt", Tally.Empty, Tally.Evolve);

        atVersion.State.ShouldBe(new Tally(3, 6, ""));
        atMoment.State.ShouldBe(atVersion.State);
        atMoment.Version.ShouldBe(3);
        now.State.ShouldBe(new Tally(5, 15, ""));
        (await host.Store.AggregateStreamAsync("tt", Tally.Empty, Tally.Evolve, asOf: third.RecordedAt.AddDays(-1))).State.ShouldBe(Tally.Empty);
    }

    [Fact]
    public async Task A_long_replay_leaves_a_snapshot_and_later_replays_start_from_it_with_the_same_result()
    {
        await using var host = await StoreHost.StartAsync(infra.ConnectionString, TestEvents.Register, settings: new Dictionary<string, string?> { ["Demand:Postgres:SnapshotEvery"] = "10" });
        await host.Store.AppendAsync("snap", ExpectedVersion.NoStream, TestEvents.Things(25), default);

        var first = await host.Store.AggregateStreamAsync("snap", Tally.Empty, Tally.Evolve, snapshots: Codec);
        await host.Store.AppendAsync("snap", 25, TestEvents.Things(5), default);
        var second = await host.Store.AggregateStreamAsync("snap", Tally.Empty, Tally.Evolve, snapshots: Codec);
        var plain = await host.Store.AggregateStreamAsync("snap", Tally.Empty, Tally.Evolve);
        var past = await host.Store.AggregateStreamAsync("snap", Tally.Empty, Tally.Evolve, atVersion: 20, snapshots: Codec);

        first.FromSnapshot.ShouldBeNull();
        first.Replayed.ShouldBe(25);
        second.FromSnapshot.ShouldBe(25);
        second.Replayed.ShouldBe(5);
        second.State.ShouldBe(plain.State);
        past.FromSnapshot.ShouldBeNull("a snapshot newer than the target version is never used");
        past.State.ShouldBe(new Tally(20, 210, ""));
    }

    [Fact]
    public async Task An_old_event_shape_is_read_through_upcasters_and_its_row_is_never_rewritten()
    {
        await using var host = await StoreHost.StartAsync(infra.ConnectionString, types =>
        {
            TestEvents.Register(types);
            // v0 was "ThingCounted" with a "count" string; v0.5 renamed it; v1 is ThingHappened with an int amount.
            types.Upcast("test.thing_counted.v0", "test.thing_counted.v0_5", d => new JsonObject { ["label"] = d["what"]?.GetValue<string>(), ["count"] = d["count"]?.GetValue<string>() });
            types.Upcast("test.thing_counted.v0_5", "test.thing_happened.v1", d => new JsonObject { ["name"] = d["label"]?.GetValue<string>(), ["amount"] = int.Parse(d["count"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture) });
        });
        await using (var session = await host.Store.BeginSessionAsync(["old"], default))
        {
            session.AppendRaw("old", ExpectedVersion.NoStream, [new RawNewEvent(Guid.NewGuid(), "test.thing_counted.v0", """{"what":"apples","count":"7"}""")]);
            await session.CommitAsync(default);
        }

        await host.Store.AppendAsync("old", 1, [TestEvents.Thing(3, "pears")], default);

        var read = await host.Store.ReadStreamAsync("old");
        read[0].Data.ShouldBe(new ThingHappened("apples", 7));
        read[0].Type.ShouldBe("test.thing_happened.v1");
        read[1].Data.ShouldBe(new ThingHappened("pears", 3));
        (await host.Store.AggregateStreamAsync("old", Tally.Empty, Tally.Evolve)).State.ShouldBe(new Tally(2, 10, ""));
        (await infra.ScalarAsync<string>($"SELECT type FROM {host.Schema}.events WHERE stream_id = 'old' AND version = 1")).ShouldBe("test.thing_counted.v0");
        (await infra.ScalarAsync<string>($"SELECT data::text FROM {host.Schema}.events WHERE stream_id = 'old' AND version = 1"))!.ShouldContain("apples");
    }
}
