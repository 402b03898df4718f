using System.Text.Json;
using DemandCenter.EventStore;
using DemandCenter.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace DemandCenter.Integration.Tests.EventStore;

public sealed class ErasureTests(DemandInfrastructure infra) : IClassFixture<DemandInfrastructure>
{
    private static NewEvent Noted(string email, string note) => new(Guid.NewGuid(), new ContactNoted(email, note, "acme.com"));

    [Fact]
    public async Task Personal_fields_are_stored_sealed_read_in_plain_and_after_erasure_read_as_erased_while_the_stream_stays_whole()
    {
        await using var host = await StoreHost.StartAsync(infra.ConnectionString, TestEvents.Register);
        var codec = new SnapshotCodec<Tally>(t => JsonSerializer.SerializeToElement(t), e => e.Deserialize<Tally>()!);
        await host.Store.AppendAsync("contacts", ExpectedVersion.NoStream,
            [Noted("Kim@Acme.com", "asked about SSO"), TestEvents.Thing(5), Noted("lee@acme.com", "wants a demo")], default);
        await host.Store.AggregateStreamAsync("contacts", Tally.Empty, Tally.Evolve, snapshots: codec); // may leave a plaintext snapshot

        var raw = (await infra.ScalarAsync<string>($"SELECT string_agg(data::text, ' ') FROM {host.Schema}.events"))!;
        raw.ShouldNotContain("kim@acme.com", Case.Insensitive);
        // The whole phrase and case-sensitive: sealed fields are base64, which holds any three letters now and then.
        raw.ShouldNotContain("asked about SSO", Case.Sensitive);
        (await host.Store.ReadStreamAsync("contacts"))[0].Data.ShouldBe(new ContactNoted("Kim@Acme.com", "asked about SSO", "acme.com"));

        await host.Services.GetRequiredService<PersonalDataEraser>().EraseAsync("kim@acme.com", default);

        var after = await host.Store.ReadStreamAsync("contacts");
        after.Count.ShouldBe(3);
        after[0].Data.ShouldBe(new ContactNoted(PersonalDataProtector.Erased, PersonalDataProtector.Erased, "acme.com"));
        after[2].Data.ShouldBe(new ContactNoted("lee@acme.com", "wants a demo", "acme.com"));
        var replay = await host.Store.AggregateStreamAsync("contacts", Tally.Empty, Tally.Evolve, snapshots: codec);
        replay.State.ShouldBe(new Tally(3, 5, "[erased]:[erased];lee@acme.com:wants a demo;"));
        replay.Version.ShouldBe(3);
        (await infra.ScalarAsync<string>($"SELECT string_agg(data::text, ' ') FROM {host.Schema}.events")).ShouldBe(raw, "rows are never rewritten");
        (await infra.ScalarAsync<long>($"SELECT count(*) FROM {host.Schema}.personal_keys")).ShouldBe(1);
    }

    [Fact]
    public async Task Preparing_keys_in_another_process_returns_the_stored_key_of_a_known_subject_and_stores_one_for_a_new_subject()
    {
        await using var first = await StoreHost.StartAsync(infra.ConnectionString, TestEvents.Register);
        await first.Store.AppendAsync("n", ExpectedVersion.NoStream, [Noted("ann@acme.com", "likes the API")], default);
        await using var second = await StoreHost.StartAsync(infra.ConnectionString, TestEvents.Register, settings: new Dictionary<string, string?> { ["Demand:Postgres:Schema"] = first.Schema });

        // Nothing cached in the second process: one subject is stored already, one is new.
        await second.Services.GetRequiredService<PersonalDataProtector>().PrepareAsync(["Ann@acme.com", "bo@acme.com"], default);
        await second.Store.AppendAsync("n", ExpectedVersion.Any, [Noted("bo@acme.com", "asked for a trial")], default);

        (await infra.ScalarAsync<long>($"SELECT count(*) FROM {first.Schema}.personal_keys")).ShouldBe(2);
        (await second.Store.ReadStreamAsync("n")).Select(e => e.Data).ShouldBe(
            [new ContactNoted("ann@acme.com", "likes the API", "acme.com"), new ContactNoted("bo@acme.com", "asked for a trial", "acme.com")]);
        (await first.Store.ReadStreamAsync("n"))[1].Data.ShouldBe(new ContactNoted("bo@acme.com", "asked for a trial", "acme.com"));
    }

    [Fact]
    public async Task A_contact_who_comes_back_after_erasure_is_sealed_with_a_new_key_and_the_same_note_never_seals_the_same_way_twice()
    {
        await using var host = await StoreHost.StartAsync(infra.ConnectionString, TestEvents.Register);
        await host.Store.AppendAsync("back", ExpectedVersion.NoStream, [Noted("kim@acme.com", "asked about SSO"), Noted("kim@acme.com", "asked about SSO")], default);
        var sealedTwice = (await infra.ScalarAsync<string[]>($"SELECT array_agg(data->>'note' ORDER BY version) FROM {host.Schema}.events"))!;
        sealedTwice[0].ShouldNotBe(sealedTwice[1], "each seal draws its own nonce");

        await host.Services.GetRequiredService<PersonalDataEraser>().EraseAsync("kim@acme.com", default);
        // Sealed in the same process that sealed with the erased key: the new key must be the one used.
        await host.Store.AppendAsync("back", ExpectedVersion.Any, [Noted("kim@acme.com", "came back")], default);

        (await host.Store.ReadStreamAsync("back")).Select(e => ((ContactNoted)e.Data).Note)
            .ShouldBe([PersonalDataProtector.Erased, PersonalDataProtector.Erased, "came back"]);
    }

    [Fact]
    public async Task An_event_is_stored_as_the_contracts_json_writes_it_but_for_its_sealed_fields()
    {
        await using var host = await StoreHost.StartAsync(infra.ConnectionString, TestEvents.Register);
        var nobody = new ContactNoted(null!, null!, "Zürich \"Nord\" AG");
        var kim = new ContactNoted("kim@acme.com", "asked about SSO", "Zürich \"Nord\" AG");

        await host.Store.AppendAsync("exact", ExpectedVersion.NoStream, [new NewEvent(Guid.NewGuid(), nobody), new NewEvent(Guid.NewGuid(), kim)], default);

        var stored = (await infra.ScalarAsync<string>($"SELECT json_agg(data::text ORDER BY version)::text FROM {host.Schema}.events"))!;
        var rows = JsonSerializer.Deserialize<string[]>(stored)!;
        rows[0].ShouldBe(JsonSerializer.Serialize(nobody, DemandCenter.Contracts.ContractJson.Stored), "nothing to seal: the bytes as written");
        var sealedKim = System.Text.Json.Nodes.JsonNode.Parse(rows[1])!.AsObject();
        sealedKim["email"]!["pii"].ShouldNotBeNull();
        sealedKim["note"]!["pii"].ShouldNotBeNull();
        rows[1].ShouldEndWith(""","account":"Z\u00FCrich \u0022Nord\u0022 AG"}""", Case.Sensitive, "escaped as the contracts' JSON escapes it");
    }

    [Fact]
    public async Task A_long_personal_field_with_any_characters_is_sealed_and_read_back_as_written()
    {
        await using var host = await StoreHost.StartAsync(infra.ConnectionString, TestEvents.Register);
        var note = string.Concat(Enumerable.Repeat("Kim asked about SSO, \"SCIM\" and the Zürich data centre. ", 20));

        await host.Store.AppendAsync("long", ExpectedVersion.NoStream, [Noted("kim@acme.com", note), Noted("kim@acme.com", "short")], default);

        (await infra.ScalarAsync<string>($"SELECT string_agg(data::text, ' ') FROM {host.Schema}.events"))!.ShouldNotContain("Zürich");
        (await host.Store.ReadStreamAsync("long")).Select(e => ((ContactNoted)e.Data).Note).ShouldBe([note, "short"]);
    }

    [Fact]
    public async Task Keys_cached_longer_than_their_time_to_live_are_dropped_when_the_next_subject_is_fetched_and_their_events_still_read()
    {
        var clock = new SettableClock(new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.Zero));
        await using var host = await StoreHost.StartAsync(infra.ConnectionString, TestEvents.Register, services => services.AddSingleton<TimeProvider>(clock));
        var protector = host.Services.GetRequiredService<PersonalDataProtector>();
        await host.Store.AppendAsync("ttl", ExpectedVersion.NoStream, [Noted("ann@acme.com", "a"), Noted("bo@acme.com", "b"), Noted("cy@acme.com", "c")], default);
        protector.CachedKeyCount.ShouldBe(3);

        clock.Now += TimeSpan.FromMinutes(2); // past the default one-minute time to live
        await host.Store.AppendAsync("ttl", ExpectedVersion.Any, [Noted("di@acme.com", "d")], default);

        protector.CachedKeyCount.ShouldBe(1, "only the subject fetched since");
        (await host.Store.ReadStreamAsync("ttl")).Select(e => ((ContactNoted)e.Data).Note).ShouldBe(["a", "b", "c", "d"]);
    }

    private sealed class SettableClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }

    [Fact]
    public async Task Another_process_stops_reading_an_erased_subject_once_its_cached_key_expires()
    {
        var shortCache = new Dictionary<string, string?> { ["Demand:Postgres:PersonalKeyCacheTtl"] = "00:00:00.200" };
        await using var writer = await StoreHost.StartAsync(infra.ConnectionString, TestEvents.Register, settings: shortCache);
        await writer.Store.AppendAsync("p", ExpectedVersion.NoStream, [Noted("mo@acme.com", "hello")], default);

        await writer.Services.GetRequiredService<PersonalDataEraser>().EraseAsync("mo@acme.com", default);

        await Wait.UntilAsync(
            async () => ((ContactNoted)(await writer.Store.ReadStreamAsync("p"))[0].Data).Email == PersonalDataProtector.Erased,
            TimeSpan.FromSeconds(10), "the erased subject to read as erased");
    }
}
