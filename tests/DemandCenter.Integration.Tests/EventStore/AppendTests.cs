using DemandCenter.EventStore;
using DemandCenter.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace DemandCenter.Integration.Tests.EventStore;

public sealed class AppendTests(DemandInfrastructure infra) : IClassFixture<DemandInfrastructure>
{
    private Task<StoreHost> StartAsync() => StoreHost.StartAsync(infra.ConnectionString, TestEvents.Register);

    [Fact]
    public async Task Appending_at_a_stale_expected_version_is_a_concurrency_error_naming_both_versions()
    {
        await using var host = await StartAsync();
        await host.Store.AppendAsync("s-1", ExpectedVersion.NoStream, TestEvents.Things(2), default);

        var error = await Should.ThrowAsync<ConcurrencyException>(() => host.Store.AppendAsync("s-1", ExpectedVersion.NoStream, TestEvents.Things(1), default));

        error.StreamId.ShouldBe("s-1");
        error.Expected.ShouldBe(0);
        error.Actual.ShouldBe(2);
        (await host.Store.StreamVersionAsync("s-1", default)).ShouldBe(2);
        (await host.Store.AppendAsync("s-1", 2, TestEvents.Things(1), default)).StreamVersions["s-1"].ShouldBe(3);
        (await host.Store.AppendAsync("s-1", ExpectedVersion.Any, TestEvents.Things(1), default)).StreamVersions["s-1"].ShouldBe(4);
    }

    [Fact]
    public async Task Retrying_the_same_append_is_a_no_op_and_a_partly_known_one_is_refused()
    {
        await using var host = await StartAsync();
        var events = TestEvents.Things(3);
        await host.Store.AppendAsync("s-2", ExpectedVersion.NoStream, events, default);

        var retry = await host.Store.AppendAsync("s-2", ExpectedVersion.NoStream, events, default);

        retry.Appended.ShouldBe(0);
        retry.SkippedAsDuplicates.ShouldBe(3);
        (await host.Store.ReadStreamAsync("s-2")).Count.ShouldBe(3);
        await Should.ThrowAsync<PartialDuplicateException>(() => host.Store.AppendAsync("s-2", 3, [events[0], TestEvents.Thing(9)], default));
        (await host.Store.StreamVersionAsync("s-2", default)).ShouldBe(3);
    }

    [Fact]
    public async Task A_session_that_refuses_repeats_fails_on_a_stored_event_and_writes_nothing_of_its_own()
    {
        await using var host = await StartAsync();
        var events = TestEvents.Things(2);
        await host.Store.AppendAsync("s-r", ExpectedVersion.NoStream, events, default);

        await using (var session = await host.Store.BeginSessionAsync(["s-r", "s-other"], default))
        {
            session.RefuseRepeats();
            session.Append("s-r", ExpectedVersion.NoStream, events);
            session.Append("s-other", ExpectedVersion.NoStream, TestEvents.Things(1));
            session.StoreOffset("group", "topic", 0, 7);
            var refused = await Should.ThrowAsync<RepeatedEventException>(() => session.CommitAsync(default));
            refused.Known.ShouldBe(events.Select(e => e.EventId), ignoreOrder: true);
        }

        (await host.Store.StreamVersionAsync("s-r", default)).ShouldBe(2);
        (await host.Store.StreamVersionAsync("s-other", default)).ShouldBe(0);
        (await infra.ScalarAsync<long>($"SELECT count(*) FROM {host.Schema}.consumer_offsets")).ShouldBe(0);
    }

    [Fact]
    public async Task A_sessions_query_takes_its_stream_locks_in_the_same_round_trip_and_reads_its_own_rows()
    {
        await using var host = await StartAsync();
        await using (var session = await host.Store.BeginSessionAsync(["s-q1", "s-q2"], default))
        {
            var first = await session.QueryAsync(new Npgsql.NpgsqlBatchCommand("SELECT pg_backend_pid()::bigint"), ReadAll, default);
            var pid = first.ShouldHaveSingleItem();
            (await infra.ScalarAsync<long>($"SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND pid = {pid}"))
                .ShouldBe(2, "both streams are locked by the query's round trip");

            // Once locked, a query is sent alone and still reads its own rows.
            (await session.QueryAsync(new Npgsql.NpgsqlBatchCommand("SELECT x::bigint FROM generate_series(1, 3) AS x"), ReadAll, default)).ShouldBe([1, 2, 3]);
            session.Append("s-q1", ExpectedVersion.NoStream, TestEvents.Things(1));
            await session.CommitAsync(default);
            (await infra.ScalarAsync<long>($"SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = {pid}")).ShouldBe(0);
        }

        (await host.Store.StreamVersionAsync("s-q1", default)).ShouldBe(1);
    }

    private static async Task<List<long>> ReadAll(Npgsql.NpgsqlDataReader reader, CancellationToken ct)
    {
        var rows = new List<long>();
        while (await reader.ReadAsync(ct))
        {
            rows.Add(reader.GetInt64(0));
        }

        return rows;
    }

    [Fact]
    public async Task One_session_appends_to_many_streams_with_consecutive_versions_and_increasing_global_sequence()
    {
        await using var host = await StartAsync();
        var streams = Enumerable.Range(0, 100).Select(i => $"many-{i}").ToList();
        await using (var session = await host.Store.BeginSessionAsync(streams, default))
        {
            foreach (var s in streams)
            {
                session.Append(s, ExpectedVersion.NoStream, TestEvents.Things(10));
            }

            (await session.CommitAsync(default)).Appended.ShouldBe(1000);
        }

        foreach (var s in streams.Take(5))
        {
            var read = await host.Store.ReadStreamAsync(s);
            read.Select(e => e.Version).ShouldBe(Enumerable.Range(1, 10).Select(v => (long)v));
            read.Select(e => ((ThingHappened)e.Data).Amount).ShouldBe(Enumerable.Range(1, 10));
            read.Select(e => e.Sequence).ShouldBeInOrder(SortDirection.Ascending);
        }
    }

    [Fact]
    public async Task A_session_that_commits_outbox_rows_wakes_this_process_s_relay_and_one_without_does_not()
    {
        await using var host = await StartAsync();
        var signal = host.Services.GetRequiredService<OutboxSignal>();
        await host.Store.AppendAsync("quiet", ExpectedVersion.Any, TestEvents.Things(1), default);
        (await signal.WaitAsync(TimeSpan.Zero, default)).ShouldBeFalse();

        await using (var session = await host.Store.BeginSessionAsync(["loud"], default))
        {
            session.Append("loud", ExpectedVersion.Any, TestEvents.Things(1));
            session.Enqueue(new OutboxMessage("demand.test", "loud", [1], new Dictionary<string, string>()));
            (await signal.WaitAsync(TimeSpan.Zero, default)).ShouldBeFalse("not before the commit");
            await session.CommitAsync(default);
        }

        (await signal.WaitAsync(TimeSpan.Zero, default)).ShouldBeTrue();
        (await infra.ScalarAsync<long>($"SELECT count(*) FROM {host.Schema}.outbox")).ShouldBe(1);
    }

    [Fact]
    public async Task A_session_refuses_a_stream_it_did_not_lock_up_front()
    {
        await using var host = await StartAsync();
        await using var session = await host.Store.BeginSessionAsync(["locked"], default);

        Should.Throw<InvalidOperationException>(() => session.Append("not-locked", ExpectedVersion.Any, TestEvents.Things(1)));
    }

    [Fact]
    public async Task Metadata_travels_with_the_event()
    {
        await using var host = await StartAsync();
        var metadata = new EventMetadata { CorrelationId = "c-1", CausationId = "k-1", TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", SourceTopic = "demand.journey.signals", SourcePartition = 3, SourceOffset = 42 };

        await host.Store.AppendAsync("meta", ExpectedVersion.NoStream, [new NewEvent(Guid.NewGuid(), new ThingHappened("m", 1), metadata)], default);

        var stored = (await host.Store.ReadStreamAsync("meta")).ShouldHaveSingleItem();
        stored.Metadata.ShouldBe(metadata);
        stored.Type.ShouldBe("test.thing_happened.v1");
        stored.RecordedAt.ShouldBeGreaterThan(DateTimeOffset.UtcNow.AddMinutes(-5));
    }

    [Fact]
    public async Task A_session_that_never_commits_leaves_no_events_and_no_offsets_and_the_redo_lands_once()
    {
        await using var host = await StartAsync();
        var events = TestEvents.Things(5);
        await using (var crashed = await host.Store.BeginSessionAsync(["eo"], default))
        {
            crashed.Append("eo", ExpectedVersion.NoStream, events);
            crashed.StoreOffset("group", "topic", 0, 100);
            // disposed without CommitAsync: the process died between the append and the commit
        }

        (await host.Store.StreamVersionAsync("eo", default)).ShouldBe(0);
        (await infra.ScalarAsync<long>($"SELECT count(*) FROM {host.Schema}.consumer_offsets")).ShouldBe(0);

        for (var attempt = 0; attempt < 2; attempt++)
        {
            await using var redo = await host.Store.BeginSessionAsync(["eo"], default);
            redo.Append("eo", ExpectedVersion.NoStream, events);
            redo.StoreOffset("group", "topic", 0, 100);
            await redo.CommitAsync(default);
        }

        (await host.Store.ReadStreamAsync("eo")).Count.ShouldBe(5);
        (await infra.ScalarAsync<long>($"SELECT next_offset FROM {host.Schema}.consumer_offsets WHERE consumer_group = 'group'")).ShouldBe(100);
    }

    [Fact]
    public async Task Schema_creation_is_idempotent_and_recorded()
    {
        await using var host = await StartAsync();
        var schema = host.Services.GetService(typeof(EventStoreSchema)) as EventStoreSchema;

        await schema!.EnsureAsync(default);
        await schema.EnsureAsync(default);

        (await infra.ScalarAsync<long>($"SELECT count(*) FROM {host.Schema}.schema_migrations")).ShouldBe(5);
    }

    [Fact]
    public async Task An_installation_from_before_the_account_activity_projection_was_retired_loses_its_table_and_checkpoint_at_start()
    {
        await using var host = await StoreHost.StartAsync(infra.ConnectionString, TestEvents.Register, s => s.AddSingleton(DemandCenter.Journey.Accounts.AccountProjection.Ddl));
        await infra.ScalarAsync<long>(
            $"CREATE TABLE {host.Schema}.account_activity (account_id text, day date, signals int); INSERT INTO {host.Schema}.projection_checkpoints (name) VALUES ('account_activity'); SELECT 0");

        await host.Services.GetRequiredService<EventStoreSchema>().EnsureAsync(default);

        (await infra.ScalarAsync<long>($"SELECT count(*) FROM pg_tables WHERE schemaname = '{host.Schema}' AND tablename = 'account_activity'")).ShouldBe(0);
        (await infra.ScalarAsync<long>($"SELECT count(*) FROM {host.Schema}.projection_checkpoints WHERE name = 'account_activity'")).ShouldBe(0);
        (await infra.ScalarAsync<long>($"SELECT count(*) FROM pg_tables WHERE schemaname = '{host.Schema}' AND tablename = 'account_journeys'")).ShouldBe(1);
    }

    [Fact]
    public async Task An_installation_from_before_account_rows_held_plain_json_has_its_rows_converted_at_start_and_keeps_them()
    {
        await using var host = await StoreHost.StartAsync(infra.ConnectionString, TestEvents.Register, s => s.AddSingleton(DemandCenter.Journey.Accounts.AccountProjection.Ddl));
        await infra.ScalarAsync<long>(
            $$"""
            ALTER TABLE {{host.Schema}}.account_journeys ALTER COLUMN state TYPE jsonb USING state::jsonb, ALTER COLUMN card TYPE jsonb USING card::jsonb;
            INSERT INTO {{host.Schema}}.account_journeys (account_id, version, state, card) VALUES ('acme.example', 3, '{"version": 3}', '{"accountId": "acme.example", "ownerSellerId": "kim"}');
            SELECT 0
            """);

        await host.Services.GetRequiredService<EventStoreSchema>().EnsureAsync(default);

        (await infra.ScalarAsync<long>(
            $"SELECT count(*) FROM information_schema.columns WHERE table_schema = '{host.Schema}' AND table_name = 'account_journeys' AND column_name IN ('state', 'card') AND data_type = 'json'")).ShouldBe(2);
        (await infra.ScalarAsync<long>($"SELECT count(*) FROM {host.Schema}.account_journeys WHERE card->>'ownerSellerId' = 'kim' AND (state->>'version')::int = 3")).ShouldBe(1);
        (await infra.ScalarAsync<string>($"SELECT attcompression::text FROM pg_attribute WHERE attrelid = '{host.Schema}.account_journeys'::regclass AND attname = 'state'")).ShouldBe("l");
    }

    [Fact]
    public async Task An_installation_from_before_events_were_plain_json_has_them_converted_at_start_and_reads_and_appends_as_before()
    {
        await using var host = await StartAsync();
        await host.Store.AppendAsync("old", ExpectedVersion.NoStream, TestEvents.Things(2), default);
        // The store as migration 4 left it: jsonb columns, and migration 5 not yet applied.
        await infra.ScalarAsync<long>(
            $$"""
            ALTER TABLE {{host.Schema}}.events ALTER COLUMN metadata DROP DEFAULT, ALTER COLUMN data TYPE jsonb USING data::jsonb,
                ALTER COLUMN metadata TYPE jsonb USING metadata::jsonb, ALTER COLUMN metadata SET DEFAULT '{}'::jsonb;
            DELETE FROM {{host.Schema}}.schema_migrations WHERE version = 5;
            SELECT 0
            """);

        await host.Services.GetRequiredService<EventStoreSchema>().EnsureAsync(default);

        (await infra.ScalarAsync<long>(
            $"SELECT count(*) FROM information_schema.columns WHERE table_schema = '{host.Schema}' AND table_name = 'events' AND column_name IN ('data', 'metadata') AND data_type = 'json'")).ShouldBe(2);
        (await host.Store.AppendAsync("old", 2, TestEvents.Things(1), default)).StreamVersions["old"].ShouldBe(3);
        var events = await host.Store.ReadStreamAsync("old");
        events.Select(e => ((ThingHappened)e.Data).Amount).ShouldBe([1, 2, 1]);
    }

    [Fact]
    public async Task An_event_is_stored_without_its_computed_properties_and_a_row_written_with_them_reads_the_same()
    {
        await using var host = await StartAsync();
        await host.Store.AppendAsync("measured", ExpectedVersion.NoStream, [new NewEvent(Guid.NewGuid(), new ThingMeasured("rope", 21))], default);
        // As rows were written before: the computed property in the JSON too.
        await using (var session = await host.Store.BeginSessionAsync(["measured"], default))
        {
            session.AppendRaw("measured", 1, [new RawNewEvent(Guid.NewGuid(), "test.thing_measured.v1", """{"name":"rope","amount":5,"doubled":10}""")]);
            await session.CommitAsync(default);
        }

        (await infra.ScalarAsync<string>($"SELECT data::text FROM {host.Schema}.events WHERE stream_id = 'measured' AND version = 1")).ShouldBe("""{"name":"rope","amount":21}""");
        var events = await host.Store.ReadStreamAsync("measured");
        events.Select(e => (ThingMeasured)e.Data).ShouldBe([new ThingMeasured("rope", 21), new ThingMeasured("rope", 5)]);
        events.Select(e => ((ThingMeasured)e.Data).Doubled).ShouldBe([42, 10]);
    }
}
