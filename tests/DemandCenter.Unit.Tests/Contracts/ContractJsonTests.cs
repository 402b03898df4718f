using System.Text.Json;
using System.Text.Json.Serialization;
using DemandCenter.Contracts;
using DemandCenter.Journey.Domain;

namespace DemandCenter.Unit.Tests.Contracts;

/// <summary>The contracts' JSON: lists of strings and maps of numbers written by converters of its own, byte for byte as the serializer's collection converters write them.</summary>
public sealed class ContractJsonTests
{
    /// <summary>The contracts' options without their own converters: what the serializer itself writes.</summary>
    private static readonly JsonSerializerOptions Plain = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    private static readonly DateTimeOffset At = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Given_a_signal_event_with_keys_evidence_and_intents_When_written_Then_the_json_is_the_serializer_s_own_and_reads_back_the_same()
    {
        var signal = new SignalRecorded("acme.com", At, Guid.NewGuid(), SignalTypes.ChatMessagePosted, "chat", At, "kim@acme.com", null, null, false)
        {
            Keys = ["chat:pricing", "chat:sso \"now\"", "chat:zürich"],
            Evidence = new Dictionary<string, double> { ["supplier_selection"] = 2.5, ["requirements_building"] = 1, ["validation"] = 1e-7 },
            Intents = ["pricing", "sso"],
        };

        var json = JsonSerializer.Serialize(signal, ContractJson.Options);

        json.ShouldBe(JsonSerializer.Serialize(signal, Plain));
        json.ShouldContain("\"keys\":[\"chat:pricing\",\"chat:sso \\u0022now\\u0022\",\"chat:z\\u00FCrich\"]");
        var back = JsonSerializer.Deserialize<SignalRecorded>(json, ContractJson.Options)!;
        back.Keys.ShouldBe(signal.Keys);
        back.Evidence.ShouldBe(signal.Evidence);
        back.Intents.ShouldBe(signal.Intents);
    }

    [Fact]
    public void Given_a_forwarded_signal_When_written_and_read_Then_every_field_comes_back_and_a_missing_one_is_its_default()
    {
        var signal = new JourneySignal(Guid.NewGuid(), "https://vendor.example/chat", "e-7", SignalTypes.ChatMessagePosted, "chat", At, "acme.com", "kim@acme.com", "anon-1", "https://vendor.example/pricing", "pricing", "Pricing")
        {
            LateAttributed = true,
            Detail = new SignalDetail { Intents = ["pricing", "sso"], ChatAuthor = "visitor" },
        };

        var back = ContractJson.Deserialize<JourneySignal>(ContractJson.Serialize(signal));

        back.ShouldBe(signal with { Detail = back.Detail });
        back.Detail!.Intents.ShouldBe(["pricing", "sso"]);
        back.Detail.ChatAuthor.ShouldBe("visitor");
        var bare = ContractJson.Deserialize<JourneySignal>("""{"signalId":"8d3f6f43-4a51-4b8e-9d3c-0d1f3a7b2c11","type":"web.page.viewed","accountId":"acme.com"}"""u8);
        (bare.ContactId, bare.Url, bare.LateAttributed, bare.Detail, bare.OccurredAt).ShouldBe((null, null, false, null, default(DateTimeOffset)));
    }

    [Fact]
    public void Given_numbers_written_as_strings_an_empty_list_and_a_missing_map_When_read_Then_they_read_as_the_serializer_reads_them()
    {
        const string Json = """{"accountId":"acme.com","at":"2026-11-23T10:00:00+00:00","signalId":"8d3f6f43-4a51-4b8e-9d3c-0d1f3a7b2c11","type":"web.page.viewed","channel":"web","occurredAt":"2026-11-23T10:00:00+00:00","keys":[],"evidence":{"solution_exploration":"1.5"}}""";

        var read = JsonSerializer.Deserialize<SignalRecorded>(Json, ContractJson.Options)!;
        var plain = JsonSerializer.Deserialize<SignalRecorded>(Json, Plain)!;

        read.Keys.ShouldBeEmpty();
        read.Evidence.ShouldBe(plain.Evidence);
        read.Evidence["solution_exploration"].ShouldBe(1.5);
        read.Intents.ShouldBeNull();
        Should.Throw<JsonException>(() => JsonSerializer.Deserialize<SignalRecorded>(Json.Replace("\"keys\":[]", "\"keys\":7"), ContractJson.Options));
    }
}
