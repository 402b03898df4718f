using DemandCenter.EventStore;
using DemandCenter.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace DemandCenter.Integration.Tests.EventStore;

/// <summary>Records every event it is given, in the order given; fails on demand.</summary>
public class SeenProjection : IAsyncProjection
{
    public virtual string Name => "seen";

    public string Table => Name;

    public virtual IReadOnlyCollection<string> DataOf => [];

    public virtual bool ReadsOnlyDataOf => false;

    public volatile bool Fail;

    public string CreateTable(string qualifiedTable) =>
        $"CREATE TABLE IF NOT EXISTS {qualifiedTable} (ordinal bigserial PRIMARY KEY, event_id uuid NOT NULL, seq bigint NOT NULL)";

    public async Task ApplyAsync(ProjectionBatch batch, CancellationToken ct)
    {
        if (Fail)
        {
            throw new InvalidOperationException("projection bug for the test");
        }

        await using var cmd = new NpgsqlCommand($"INSERT INTO {batch.Table} (event_id, seq) SELECT * FROM unnest(@ids, @seqs)", batch.Transaction.Connection, batch.Transaction);
        cmd.Parameters.AddWithValue("ids", batch.Events.Select(e => e.EventId).ToArray());
        cmd.Parameters.AddWithValue("seqs", batch.Events.Select(e => e.Sequence).ToArray());
        await cmd.ExecuteNonQueryAsync(ct);
    }
}

public sealed class FlakyProjection : SeenProjection
{
    public override string Name => "flaky";
}

/// <summary>Looks at contact notes only, and says so: the feed skips every other event.</summary>
public sealed class NotesOnlyProjection : SeenProjection
{
    public override string Name => "notes";

    public override IReadOnlyCollection<string> DataOf => ["test.contact_noted.v1"];

    public override bool ReadsOnlyDataOf => true;
}

public sealed class ProjectionDaemonTests(DemandInfrastructure infra) : IClassFixture<DemandInfrastructure>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private static Task<StoreHost> StartAsync(string connectionString) => StoreHost.StartAsync(connectionString, TestEvents.Register, s =>
    {
        s.AddAsyncProjection<SeenProjection>();
        s.AddAsyncProjection<FlakyProjection>();
        s.AddAsyncProjection<NotesOnlyProjection>();
        s.AddSingleton(sp => sp.GetServices<IAsyncProjection>().OfType<FlakyProjection>().Single());
    });

    private async Task<List<Guid>> SeenAsync(StoreHost host, string table = "seen")
    {
        await using var conn = new NpgsqlConnection(infra.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand($"SELECT event_id FROM {host.Schema}.{table} ORDER BY ordinal", conn);
        var list = new List<Guid>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            list.Add(reader.GetGuid(0));
        }

        return list;
    }

    private async Task<Guid> AppendOneAsync(StoreHost host, string stream)
    {
        var e = TestEvents.Thing(1);
        await host.Store.AppendAsync(stream, ExpectedVersion.Any, [e], default);
        return e.EventId;
    }

    [Fact]
    public async Task An_open_transaction_holding_a_lower_sequence_is_waited_for_then_processed_and_never_skipped()
    {
        await using var host = await StartAsync(infra.ConnectionString);
        var before = await AppendOneAsync(host, "g-0");
        await Wait.UntilAsync(async () => (await SeenAsync(host)).Contains(before), Deadline, "the first event");

        // A slow writer takes its sequence number and stays open...
        await using var slowConn = new NpgsqlConnection(infra.ConnectionString);
        await slowConn.OpenAsync();
        var slowTx = await slowConn.BeginTransactionAsync();
        var slowId = Guid.NewGuid();
        await using (var insert = new NpgsqlCommand($"INSERT INTO {host.Schema}.events (stream_id, version, event_id, type, data) VALUES ('g-slow', 1, @id, 'test.thing_happened.v1', '{{\"name\":\"slow\",\"amount\":1}}')", slowConn, slowTx))
        {
            insert.Parameters.AddWithValue("id", slowId);
            await insert.ExecuteNonQueryAsync();
        }

        var slowSeq = await infra.ScalarAsync<long>($"SELECT last_value FROM {host.Schema}.events_seq_seq");
        // ...while a faster one takes a higher number and commits.
        var fast = await AppendOneAsync(host, "g-1");
        (await infra.ScalarAsync<long>($"SELECT seq FROM {host.Schema}.events WHERE event_id = @id", ("id", fast))).ShouldBeGreaterThan(slowSeq);

        var feed = host.Services.GetRequiredService<EventFeed>();
        var visible = await feed.ReadAfterAsync(0, 0, 100, dataOf: [], default);
        visible.Select(e => e.EventId).ShouldContain(before);
        visible.Select(e => e.EventId).ShouldNotContain(fast, "the feed must hold back events behind an open transaction");

        await slowTx.CommitAsync();

        await Wait.UntilAsync(async () => (await SeenAsync(host)).Count == 3, Deadline, "all three events");
        (await SeenAsync(host)).ShouldBe([before, slowId, fast]);
    }

    [Fact]
    public async Task The_feed_reads_the_data_of_the_asked_types_only_and_a_projection_opens_them()
    {
        await using var host = await StartAsync(infra.ConnectionString);
        await host.Store.AppendAsync("d", ExpectedVersion.Any, [TestEvents.Thing(7, "seven"), new NewEvent(Guid.NewGuid(), new ContactNoted("kim@acme.com", "asked about SSO", "acme.com"))], default);
        var feed = host.Services.GetRequiredService<EventFeed>();

        var events = (await feed.ReadAfterAsync(0, 0, 100, dataOf: ["test.thing_happened.v1"], default)).Where(e => e.StreamId == "d").ToList();

        events.Select(e => e.Type).ShouldBe(["test.thing_happened.v1", "test.contact_noted.v1"]);
        events[1].Json.ShouldBeNull();
        await using var conn = new NpgsqlConnection(infra.ConnectionString);
        await conn.OpenAsync();
        await using var tx = await conn.BeginTransactionAsync();
        var batch = new ProjectionBatch(tx, "unused", events, host.Services.GetRequiredService<EventSerializer>());
        batch.Data(events[0]).ShouldBe(new ThingHappened("seven", 7));
        Should.Throw<InvalidOperationException>(() => batch.Data(events[1])).Message.ShouldContain("test.contact_noted.v1");
    }

    [Fact]
    public async Task A_projection_reading_only_its_types_is_handed_those_alone_each_once_and_its_position_passes_the_events_skipped()
    {
        await using var host = await StartAsync(infra.ConnectionString);
        NewEvent Note(string text) => new(Guid.NewGuid(), new ContactNoted("kim@acme.com", text, "acme.com"));
        var first = Note("asked about SSO");
        await host.Store.AppendAsync("s", ExpectedVersion.Any, [TestEvents.Thing(1), first, TestEvents.Thing(2), TestEvents.Thing(3)], default);
        await Wait.UntilAsync(async () => (await SeenAsync(host, "notes")).Contains(first.EventId), Deadline, "the first note");
        var second = Note("wants a demo");
        await host.Store.AppendAsync("s", ExpectedVersion.Any, [.. TestEvents.Things(3), second], default);
        await Wait.UntilAsync(async () => (await SeenAsync(host, "notes")).Contains(second.EventId), Deadline, "the second note");
        var lastThing = await AppendOneAsync(host, "s");
        await Wait.UntilAsync(async () => (await SeenAsync(host)).Contains(lastThing), Deadline, "the event after the notes");

        (await SeenAsync(host, "notes")).ShouldBe([first.EventId, second.EventId]);
        // A short page reads up to the horizon, past the events it skipped (the horizon is the cluster's oldest running
        // transaction, which another test's may hold back for a moment).
        var lastThingTx = ulong.Parse((await infra.ScalarAsync<string>($"SELECT tx_id::text FROM {host.Schema}.events WHERE event_id = @id", ("id", lastThing)))!, System.Globalization.CultureInfo.InvariantCulture);
        var feed = host.Services.GetRequiredService<EventFeed>();
        FeedPage? page = null;
        await Wait.UntilAsync(
            async () => (page = await feed.ReadPageAsync(0, 0, 100, ["test.contact_noted.v1"], onlyDataOf: true, default)).TxId > lastThingTx,
            Deadline, "a page read past the last event");
        page!.Events.Select(e => e.EventId).ShouldBe([first.EventId, second.EventId]);
        page.Events.ShouldAllBe(e => e.Json != null);
        page.Full.ShouldBeFalse();

        await host.Daemon.RebuildAsync("notes", progress: null, default);
        (await SeenAsync(host, "notes")).ShouldBe([first.EventId, second.EventId]);
    }

    [Fact]
    public async Task A_rolled_back_sequence_number_does_not_stall_the_daemon()
    {
        await using var host = await StartAsync(infra.ConnectionString);
        await using (var conn = new NpgsqlConnection(infra.ConnectionString))
        {
            await conn.OpenAsync();
            await using var tx = await conn.BeginTransactionAsync();
            await using var insert = new NpgsqlCommand($"INSERT INTO {host.Schema}.events (stream_id, version, event_id, type, data) VALUES ('r', 1, gen_random_uuid(), 'test.thing_happened.v1', '{{}}')", conn, tx);
            await insert.ExecuteNonQueryAsync();
            await tx.RollbackAsync();
        }

        var after = await AppendOneAsync(host, "r");

        await Wait.UntilAsync(async () => (await SeenAsync(host)).Contains(after), Deadline, "the event after the rolled-back one");
    }

    [Fact]
    public async Task A_failing_projection_is_retried_then_parked_with_its_error_while_the_others_go_on_and_resumes_from_its_checkpoint()
    {
        await using var host = await StartAsync(infra.ConnectionString);
        var flaky = host.Services.GetRequiredService<FlakyProjection>();
        flaky.Fail = true;

        var first = await AppendOneAsync(host, "f");

        await Wait.UntilAsync(async () => (await host.Daemon.StatusAsync("flaky", default)).Status == "parked", Deadline, "the flaky projection to park");
        var status = await host.Daemon.StatusAsync("flaky", default);
        status.Error!.ShouldContain("projection bug for the test");
        status.Failures.ShouldBe(3);
        var second = await AppendOneAsync(host, "f");
        await Wait.UntilAsync(async () => (await SeenAsync(host)).Contains(second), Deadline, "the healthy projection to go on");
        (await SeenAsync(host, "flaky")).ShouldBeEmpty();

        flaky.Fail = false;
        await host.Daemon.ResumeAsync("flaky", default);

        await Wait.UntilAsync(async () => (await SeenAsync(host, "flaky")).Count == 2, Deadline, "the resumed projection to catch up");
        (await SeenAsync(host, "flaky")).ShouldBe([first, second]);
        (await host.Daemon.StatusAsync("flaky", default)).Status.ShouldBe("running");
    }

    [Fact]
    public async Task A_rebuild_from_zero_matches_the_live_projection_reports_progress_and_switches_while_writes_go_on()
    {
        await using var host = await StartAsync(infra.ConnectionString);
        var streams = Enumerable.Range(0, 50).Select(i => $"rb-{i}").ToList();
        await using (var session = await host.Store.BeginSessionAsync(streams, default))
        {
            foreach (var s in streams)
            {
                session.Append(s, ExpectedVersion.NoStream, TestEvents.Things(500));
            }

            await session.CommitAsync(default);
        }

        await Wait.UntilAsync(async () => (await SeenAsync(host)).Count == 25_000, Deadline, "the live projection to catch up");
        var reports = new List<RebuildProgress>();
        var progress = new Progress<RebuildProgress>(p => { lock (reports) { reports.Add(p); } });
        var writer = Task.Run(async () =>
        {
            for (var i = 0; i < 20; i++)
            {
                await AppendOneAsync(host, "during-rebuild");
            }
        });

        await host.Daemon.RebuildAsync("seen", progress, default);
        await writer;

        await Wait.UntilAsync(async () => (await SeenAsync(host)).Count == 25_020, Deadline, "the rebuilt projection to include writes made during the rebuild");
        var seen = await SeenAsync(host);
        seen.Distinct().Count().ShouldBe(25_020);
        (await infra.ScalarAsync<long>($"SELECT count(*) FROM {host.Schema}.events")).ShouldBe(25_020);
        await Wait.UntilAsync(() => { lock (reports) { return reports.Any(r => r.Switched); } }, Deadline, "the final progress report");
        lock (reports)
        {
            reports.Count.ShouldBeGreaterThan(1);
            reports.Max(r => r.Processed).ShouldBeGreaterThanOrEqualTo(25_000);
        }
    }
}
