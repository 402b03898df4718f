using System.Text;
using Confluent.Kafka;
using DemandCenter.Contracts;
using DemandCenter.Ingestion.Domain;
using DemandCenter.Testing;

namespace DemandCenter.Integration.Tests.Ingestion;

/// <summary>Ten thousand malformed messages of every kind interleaved with a thousand valid ones: nothing valid is lost or doubled, nothing invalid gets through.</summary>
public sealed class RobustnessTests(DemandTestHost host) : IClassFixture<DemandTestHost>
{
    private const int MalformedCount = 10_000;
    private const int Valid = 1_000;

    [Fact]
    public async Task Every_valid_message_reaches_the_journey_exactly_once_and_every_bad_one_is_dead_lettered_with_a_reason()
    {
        var random = new Random(7);
        var validIds = Enumerable.Range(0, Valid).Select(_ => Guid.NewGuid().ToString("n")).ToList();
        var messages = new List<(string Key, byte[] Value)>();
        var v = 0;
        for (var i = 0; i < MalformedCount; i++)
        {
            messages.Add(($"robust-{i % 16}", Malformed(i, random)));
            if (i % 10 == 9)
            {
                // Each valid event twice, some time apart: the repeat must change nothing.
                var id = validIds[v++];
                var accounts = new[] { ("kim@acme.com", "acme.com"), ("hank@globex.com", "globex.com"), ("peter@initech.com", "initech.com") };
                var (email, account) = accounts[v % accounts.Length];
                var valid = CloudEvents.PageViewed(id, email, "/docs/" + v);
                messages.Add((account, valid));
                messages.Insert(random.Next(messages.Count), (account, valid));
            }
        }

        host.PublishMany(Topics.SignalsWeb, messages);

        var signalIds = validIds.Select(id => SignalIds.For(CloudEvents.Source, id)).ToArray();
        await Wait.UntilAsync(
            async () => await host.ScalarAsync<long>("SELECT count(*) FROM demand.events WHERE event_id = ANY(@ids)", ("ids", signalIds)) == Valid,
            TimeSpan.FromMinutes(3), "every valid event in the journey");
        var deadLettered = CountDeadLetters(TimeSpan.FromMinutes(2));
        deadLettered.ShouldBe(MalformedCount);
        (await host.ScalarAsync<long>("SELECT count(*) FROM demand.events WHERE event_id = ANY(@ids)", ("ids", signalIds))).ShouldBe(Valid);
        (await host.Http.GetAsync(new Uri("/health/ready", UriKind.Relative))).IsSuccessStatusCode.ShouldBeTrue();
    }

    private int CountDeadLetters(TimeSpan timeout)
    {
        var count = 0;
        var withReason = 0;
        try
        {
            host.ConsumeUntil(Topics.DeadLetter, m =>
            {
                count++;
                if (m.Message.Headers.TryGetLastBytes(MessageHeaders.DeadLetterReason, out var reason) && reason.Length > 0
                    && m.Message.Headers.TryGetLastBytes(MessageHeaders.SourceOffset, out _))
                {
                    withReason++;
                }

                return count == MalformedCount;
            }, timeout);
        }
        catch (TimeoutException)
        {
            // fall through: the assertion below reports how many arrived
        }

        withReason.ShouldBe(count, "every dead letter names its reason and origin");
        return count;
    }

    /// <summary>Random bytes, truncated JSON, wrong types, oversized, deeply nested, invalid UTF-8, unknown types, missing fields.</summary>
    private static byte[] Malformed(int i, Random random)
    {
        var valid = Encoding.UTF8.GetString(CloudEvents.PageViewed("bad-" + i, "kim@acme.com", "/pricing"));
        switch (i % 8)
        {
            case 0:
                var bytes = new byte[random.Next(1, 200)];
                random.NextBytes(bytes);
                bytes[0] = (byte)'{'; // never valid JSON for a CloudEvent
                bytes[^1] = 0xFF;
                return bytes;
            case 1:
                return Encoding.UTF8.GetBytes(valid[..random.Next(1, valid.Length - 1)]);
            case 2:
                return Encoding.UTF8.GetBytes(valid.Replace("\"specversion\":\"1.0\"", "\"specversion\":1.0", StringComparison.Ordinal));
            case 3:
                // Oversized messages are few: the in-process broker keeps only a few MiB per partition.
                return i % 400 == 3 ? Encoding.UTF8.GetBytes(valid.TrimEnd('}') + ",\"pad\":\"" + new string('x', 70_000) + "\"}") : Encoding.UTF8.GetBytes(valid.Replace("https://vendor.example/pricing", "42", StringComparison.Ordinal));
            case 4:
                return Encoding.UTF8.GetBytes(valid.TrimEnd('}') + ",\"nested\":" + new string('[', 200) + new string(']', 200) + "}");
            case 5:
                var utf8 = Encoding.UTF8.GetBytes(valid);
                utf8[utf8.Length / 2] = 0xC3;
                utf8[(utf8.Length / 2) + 1] = 0x28;
                return utf8;
            case 6:
                return Encoding.UTF8.GetBytes(valid.Replace("web.page.viewed", "web.page.liked", StringComparison.Ordinal));
            default:
                return Encoding.UTF8.GetBytes(valid.Replace("\"url\":", "\"link\":", StringComparison.Ordinal));
        }
    }
}
