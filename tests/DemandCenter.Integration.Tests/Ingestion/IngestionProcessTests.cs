using System.Text;
using DemandCenter.Contracts;
using DemandCenter.Ingestion.Domain;
using DemandCenter.Testing;

namespace DemandCenter.Integration.Tests.Ingestion;

/// <summary>Ingestion as separate processes (the production binary, scaled-out mode): restarts, kills, takeovers.</summary>
public sealed class IngestionProcessTests(DemandInfrastructure infra) : IClassFixture<DemandInfrastructure>
{
    private Dictionary<string, string> Settings() => infra.ServiceSettings();

    private async Task<long> SeenAsync(params string[] ids)
    {
        try
        {
            return await infra.ScalarAsync<long>("SELECT count(*) FROM demand.ingestion_seen WHERE signal_id = ANY(@ids)", ("ids", ids.Select(id => SignalIds.For(CloudEvents.Source, id)).ToArray()));
        }
        catch (Npgsql.PostgresException ex) when (ex.SqlState == Npgsql.PostgresErrorCodes.UndefinedTable)
        {
            return 0; // not migrated yet
        }
    }

    /// <summary>The ce_id of every message forwarded to the journey so far (each occurrence).</summary>
    private List<string> Forwarded(Func<List<string>, bool> enough, TimeSpan timeout)
    {
        var ids = new List<string>();
        infra.ConsumeUntil(Topics.JourneySignals, m =>
        {
            ids.Add(m.Message.Headers.TryGetLastBytes("ce_id", out var id) ? Encoding.UTF8.GetString(id) : "?");
            return enough(ids);
        }, timeout);
        return ids;
    }

    [Fact]
    public async Task A_duplicate_is_recognised_across_a_restart_of_the_ingestion_process()
    {
        var (id, sentinel) = ("dup-" + Guid.NewGuid().ToString("n"), "after-" + Guid.NewGuid().ToString("n"));
        var original = CloudEvents.PageViewed(id, "kim@acme.com", "/pricing");
        using (var first = ServiceProcess.Start("ingestion", Settings()))
        {
            await infra.PublishAsync(Topics.SignalsWeb, "acme.com", original);
            await Wait.UntilAsync(async () => first.HasExited || await SeenAsync(id) == 1, TimeSpan.FromSeconds(60), "the first process to forward and record the event");
            first.HasExited.ShouldBeFalse(first.Output);
        }

        using var second = ServiceProcess.Start("ingestion", Settings());
        await infra.PublishAsync(Topics.SignalsWeb, "acme.com", original);
        await infra.PublishAsync(Topics.SignalsWeb, "acme.com", CloudEvents.PageViewed(sentinel, "kim@acme.com", "/docs"));

        var forwarded = Forwarded(ids => ids.Contains(sentinel), TimeSpan.FromSeconds(60));
        forwarded.Count(f => f == id).ShouldBe(1);
    }

    [Fact]
    public async Task Two_processes_share_the_partitions_and_one_takes_over_when_the_other_is_killed()
    {
        const int Count = 3_000;
        var ids = Enumerable.Range(0, Count).Select(i => $"share-{i}-{Guid.NewGuid():n}").ToList();
        using var a = ServiceProcess.Start("ingestion", Settings());
        using var b = ServiceProcess.Start("ingestion", Settings());
        var accounts = new[] { "acme.com", "globex.com", "initech.com", "umbrella.com", "hooli.com" };
        infra.PublishMany(Topics.SignalsWeb, ids.Select((id, i) => (accounts[i % accounts.Length], CloudEvents.PageViewed(id, "someone@" + accounts[i % accounts.Length], "/blog/" + i))));

        await Wait.UntilAsync(async () => a.HasExited || await SeenAsync([.. ids]) >= 300, TimeSpan.FromSeconds(60), "the processes to get going");
        a.Kill();

        var forwarded = Forwarded(f => ids.All(new HashSet<string>(f).Contains), TimeSpan.FromSeconds(120)).ToHashSet();
        ids.ShouldAllBe(id => forwarded.Contains(id));
        b.HasExited.ShouldBeFalse(b.Output);
        // A batch's record commits after its forwards are acknowledged, so it may trail what the journey topic shows.
        await Wait.UntilAsync(async () => b.HasExited || await SeenAsync([.. ids]) >= Count, TimeSpan.FromSeconds(60), "every batch's record to commit");
        (await SeenAsync([.. ids])).ShouldBe(Count);
    }
}
