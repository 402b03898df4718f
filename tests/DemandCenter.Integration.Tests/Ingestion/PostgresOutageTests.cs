using DemandCenter.Contracts;
using DemandCenter.Ingestion.Domain;
using DemandCenter.Testing;

namespace DemandCenter.Integration.Tests.Ingestion;

/// <summary>PostgreSQL goes away in the middle of a stream and comes back: the services back off, stay up, and lose nothing.</summary>
public sealed class PostgresOutageTests(DemandTestHost host) : IClassFixture<DemandTestHost>
{
    [Fact]
    public async Task A_database_outage_mid_stream_loses_nothing_and_doubles_nothing()
    {
        var before = Enumerable.Range(0, 300).Select(i => $"pre-{i}-{Guid.NewGuid():n}").ToList();
        var during = Enumerable.Range(0, 300).Select(i => $"mid-{i}-{Guid.NewGuid():n}").ToList();
        host.PublishMany(Topics.SignalsWeb, before.Select(id => ("acme.com", CloudEvents.PageViewed(id, "kim@acme.com", "/docs"))));
        await Wait.UntilAsync(async () => await RecordedAsync(before) > 0, TimeSpan.FromSeconds(30), "the stream to get going");

        await host.Postgres.StopForOutageAsync();
        host.PublishMany(Topics.SignalsWeb, during.Select(id => ("globex.com", CloudEvents.PageViewed(id, "hank@globex.com", "/docs"))));
        await Wait.UntilAsync(async () => !(await host.Http.GetAsync(new Uri("/health/ready", UriKind.Relative))).IsSuccessStatusCode, TimeSpan.FromSeconds(30), "readiness to report the outage");
        (await host.Http.GetAsync(new Uri("/health/live", UriKind.Relative))).IsSuccessStatusCode.ShouldBeTrue("the process stays up");
        await host.Postgres.RestartAfterOutageAsync();

        var all = before.Concat(during).ToList();
        await Wait.UntilAsync(async () => await RecordedAsync(all) == all.Count, TimeSpan.FromMinutes(2), "every signal after the outage");
        (await host.ScalarAsync<long>("SELECT count(*) FROM demand.events WHERE event_id = ANY(@ids)", ("ids", Ids(all)))).ShouldBe(all.Count);
    }

    private async Task<long> RecordedAsync(List<string> ids)
    {
        try
        {
            return await host.ScalarAsync<long>("SELECT count(*) FROM demand.events WHERE event_id = ANY(@ids)", ("ids", Ids(ids)));
        }
        catch (Npgsql.NpgsqlException)
        {
            return -1; // the database is still coming back
        }
    }

    private static Guid[] Ids(List<string> ids) => ids.Select(id => SignalIds.For(CloudEvents.Source, id)).ToArray();
}
