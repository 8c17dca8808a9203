using Ccx.Dns.Endpoints;
using Ccx.Dns.Patroni.Tests.Infrastructure;
using Ccx.Dns.Planning;
using Ccx.Dns.Providers;
using Ccx.Dns.Providers.InMemory;
using Ccx.Dns.Patroni;

namespace Ccx.Dns.Patroni.Tests;

/// <summary>The first read, polling and keeping what DNS publishes when a cluster cannot be read at start.</summary>
public sealed class PatroniSourceStartupTests
{
    [Fact]
    public async Task GetEndpoints_FirstCall_ReadsEveryDatastoreBeforeAnswering()
    {
        await using var first = ScriptedCluster.Start(1);
        await using var second = ScriptedCluster.Start(1);
        first.AnswerAll(first.Leader(0));
        second.AnswerAll(second.Leader(0));
        var options = first.Options();
        options.Datastores.Add(second.Options().Datastores[0]);
        using var source = new PatroniSource(Microsoft.Extensions.Options.Options.Create(options), timeProvider: first.Clock);

        var endpoints = await source.GetEndpointsAsync();

        Assert.Contains(endpoints, e => e.DnsName == first.PrimaryName);
        Assert.Contains(endpoints, e => e.DnsName == second.PrimaryName);
        Assert.All(source.Statuses, s => Assert.Equal(PatroniClusterCondition.Published, s.Condition));
        Assert.Equal(1, first.Members[0].Requests);

        await source.GetEndpointsAsync(); // later reads come from polls and refreshes, not from GetEndpointsAsync
        Assert.Equal(1, first.Members[0].Requests);
    }

    [Fact]
    public async Task GetEndpoints_ClusterUnreachableAtStart_KeepsWhatDnsPublishes()
    {
        await using var cluster = ScriptedCluster.Start(2);
        foreach (var member in cluster.Members)
        {
            member.Behave(MemberBehavior.Reset);
        }

        var dns = new InMemoryDnsProvider([ScriptedCluster.Domain]);
        await dns.ApplyChangesAsync(new DnsChanges
        {
            Create =
            [
                new DnsEndpoint(cluster.PrimaryName, RecordType.A, "127.0.10.7") { Ttl = 10 },
                new DnsEndpoint(cluster.ReplicaName, RecordType.A, "127.0.10.8", "127.0.10.9") { Ttl = 10 },
                new DnsEndpoint(cluster.PrimaryName, RecordType.TXT, "\"heritage=external-dns\""),
                new DnsEndpoint("other." + ScriptedCluster.Domain, RecordType.A, "127.0.10.99"),
            ],
        });
        using var source = cluster.CreateSource(seedProvider: dns);

        var endpoints = await source.GetEndpointsAsync();

        Assert.Equal(["127.0.10.7"], Assert.Single(endpoints, e => e.DnsName == cluster.PrimaryName).Targets);
        Assert.Equal(["127.0.10.8", "127.0.10.9"], Assert.Single(endpoints, e => e.DnsName == cluster.ReplicaName).Targets);
        Assert.Equal(2, endpoints.Count);
        var status = Assert.Single(source.Statuses);
        Assert.Equal(PatroniClusterCondition.NoReachableMember, status.Condition);
        Assert.True(status.PublishedFromDns);
        Assert.True(status.IsHolding);
        Assert.Single(cluster.Logger.WithEvent(2408));

        // Once the cluster answers, what Patroni says replaces what DNS said.
        cluster.AnswerAll(cluster.Leader(0), cluster.Replica(1));
        status = await source.RefreshAsync(cluster.Id);
        Assert.Equal(PatroniClusterCondition.Published, status.Condition);
        Assert.False(status.PublishedFromDns);
        Assert.Equal([ScriptedCluster.Host(0)], Assert.Single(await source.GetEndpointsAsync(), e => e.DnsName == cluster.PrimaryName).Targets);
    }

    [Fact]
    public async Task GetEndpoints_NewClusterUnreachableAndNothingInDns_PublishesNothingForIt()
    {
        await using var cluster = ScriptedCluster.Start(1);
        cluster.Members[0].Behave(MemberBehavior.Reset);
        using var source = cluster.CreateSource(seedProvider: new InMemoryDnsProvider([ScriptedCluster.Domain]));

        Assert.Empty(await source.GetEndpointsAsync());
        Assert.Null(Assert.Single(source.Statuses).Published);
    }

    [Fact]
    public async Task GetEndpoints_SeedProviderFails_ThrowsAndTriesAgainOnTheNextRead()
    {
        await using var cluster = ScriptedCluster.Start(1);
        cluster.Members[0].Behave(MemberBehavior.Reset);
        var dns = new FailingOnceProvider(new InMemoryDnsProvider([ScriptedCluster.Domain]));
        using var source = cluster.CreateSource(seedProvider: dns);

        var ex = await Assert.ThrowsAsync<DnsProviderException>(() => source.GetEndpointsAsync());
        Assert.True(ex.IsTransient);
        Assert.Single(cluster.Logger.WithEvent(2409));

        Assert.Empty(await source.GetEndpointsAsync());
        Assert.Equal(2, dns.Reads);
    }

    [Fact]
    public async Task PollAsync_ReadsAgainEveryIntervalOnTheSourceClock()
    {
        await using var cluster = ScriptedCluster.Start(1);
        cluster.AnswerAll(cluster.Leader(0));
        using var source = cluster.CreateSource(o => o.PollInterval = TimeSpan.FromMilliseconds(100));
        using var stop = new CancellationTokenSource();

        var polling = source.PollAsync(stop.Token);
        // The first read is done and the only timer left is the wait for the next poll.
        await WaitUntilAsync(() => source.GetStatus(cluster.Id).Condition == PatroniClusterCondition.Published && cluster.Clock.ActiveTimers == 1);
        Assert.Equal(1, cluster.Members[0].Requests); // the first read; the next waits for the clock

        cluster.AnswerAll(cluster.Leader(0, state: "running") with { Host = "127.0.10.50" });
        var next = cluster.Members[0].NextRequest();
        cluster.Clock.Advance(TimeSpan.FromMilliseconds(100));
        await next.WaitAsync(TimeSpan.FromSeconds(30));
        await WaitUntilAsync(() => source.GetStatus(cluster.Id).Published?.Primary?.Address == "127.0.10.50");

        await stop.CancelAsync();
        await polling.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Contains(cluster.Logger.WithEvent(2411), m => m.Contains("every 00:00:00.1", StringComparison.Ordinal));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 3000 && !condition(); i++)
        {
            await Task.Yield();
            await Task.Delay(10); // waits for the source's background work on the real scheduler; no time logic depends on it
        }

        Assert.True(condition());
    }

    private sealed class FailingOnceProvider(IDnsProvider inner) : IDnsProvider
    {
        private int _reads;

        public int Reads => _reads;

        public DomainFilter DomainFilter => inner.DomainFilter;

        public Task<IReadOnlyList<DnsEndpoint>> GetRecordsAsync(CancellationToken cancellationToken = default) =>
            Interlocked.Increment(ref _reads) == 1
                ? throw new DnsProviderException("the provider is down", isTransient: true)
                : inner.GetRecordsAsync(cancellationToken);

        public Task ApplyChangesAsync(DnsChanges changes, CancellationToken cancellationToken = default) => inner.ApplyChangesAsync(changes, cancellationToken);

        public IReadOnlyList<DnsEndpoint> AdjustEndpoints(IReadOnlyList<DnsEndpoint> endpoints) => endpoints;
    }
}
