using Ccx.Dns.Endpoints;
using Ccx.Dns.Patroni.Tests.Infrastructure;
using Ccx.Dns.Sources;
using Ccx.Dns.Patroni;
using Microsoft.Extensions.Logging;

namespace Ccx.Dns.Patroni.Tests;

/// <summary>The source against scripted Patroni members (real HTTP on loopback): what is published, kept, and signalled.</summary>
public sealed class PatroniSourceTests
{
    private static async Task<string[]> AddressesAsync(PatroniSource source, string name)
    {
        var endpoints = await source.GetEndpointsAsync();
        return [.. endpoints.Where(e => e.DnsName == name && e.RecordType == RecordType.A).SelectMany(e => e.Targets).Order(StringComparer.Ordinal)];
    }

    [Fact]
    public async Task Refresh_LeaderAndRunningReplica_PublishesPrimaryAndReplicaRecords()
    {
        await using var cluster = ScriptedCluster.Start(3);
        cluster.AnswerAll(cluster.Leader(0), cluster.Replica(1), cluster.Replica(2, lag: 1024L));
        using var source = cluster.CreateSource();

        var status = await source.RefreshAsync(cluster.Id);

        Assert.Equal(PatroniClusterCondition.Published, status.Condition);
        Assert.Equal("n1", status.Leader);
        Assert.False(status.IsHolding);
        var endpoints = await source.GetEndpointsAsync();
        var primary = Assert.Single(endpoints, e => e.DnsName == cluster.PrimaryName);
        Assert.Equal(RecordType.A, primary.RecordType);
        Assert.Equal([ScriptedCluster.Host(0)], primary.Targets);
        Assert.Equal(10, primary.Ttl); // the Patroni default TTL
        Assert.Equal("datastore/" + cluster.Id.ToString("D"), primary.Labels[EndpointLabels.ResourceKey]);
        Assert.Equal([ScriptedCluster.Host(1), ScriptedCluster.Host(2)], await AddressesAsync(source, cluster.ReplicaName));
        Assert.All(cluster.Members, m => Assert.Equal("/cluster", m.Paths[0]));
    }

    [Fact]
    public async Task Refresh_ReplicaRestApiUnreachable_ReplicaNotPublishedAndMemberLogged()
    {
        await using var cluster = ScriptedCluster.Start(3);
        cluster.AnswerAll(cluster.Leader(0), cluster.Replica(1), cluster.Replica(2));
        cluster.Members[2].Behave(MemberBehavior.Reset); // Patroni still lists it as running, but it cannot be reached from here
        using var source = cluster.CreateSource();

        await source.RefreshAsync(cluster.Id);
        var status = await source.RefreshAsync(cluster.Id);

        Assert.Equal(PatroniClusterCondition.Published, status.Condition);
        Assert.Equal([ScriptedCluster.Host(1)], await AddressesAsync(source, cluster.ReplicaName));
        var warning = Assert.Single(cluster.Logger.WithEvent(2404)); // when it starts failing, not on every read
        Assert.Contains(cluster.Members[2].Url, warning, StringComparison.Ordinal);
        Assert.Contains("Unreachable", warning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refresh_ConnectionsResetRightAfterConnect_AlwaysUnreachableNeverThrown()
    {
        // SocketsHttpHandler sometimes lets a raw SocketException (ENOTCONN, from reading the socket's remote end point)
        // out of SendAsync when the peer resets at once; the source must count it as unreachable, not fail the read.
        await using var cluster = ScriptedCluster.Start(1);
        cluster.Members[0].Behave(MemberBehavior.Reset);
        using var source = cluster.CreateSource();

        for (var read = 0; read < 50; read++)
        {
            var status = await source.RefreshAsync(cluster.Id);
            Assert.Equal(PatroniClusterCondition.NoReachableMember, status.Condition);
        }

        Assert.True(cluster.Members[0].Requests >= 50); // the handler may retry a reset connection
    }

    [Fact]
    public async Task Refresh_MemberWithNothingListening_CountsAsUnreachable()
    {
        await using var cluster = ScriptedCluster.Start(2);
        cluster.AnswerAll(cluster.Leader(0), cluster.Replica(1));
        const int closedPort = 1; // nothing listens on port 1 (a freed ephemeral port could be taken by a test running beside this one)
        using var source = cluster.CreateSource(o => o.Datastores[0].RestApiUrls[1] = $"http://127.0.0.1:{closedPort}");

        var status = await source.RefreshAsync(cluster.Id);

        // n2's api_url no longer matches a configured URL; the unmatched member is not published.
        Assert.Equal(PatroniClusterCondition.Published, status.Condition);
        Assert.Empty(await AddressesAsync(source, cluster.ReplicaName));
        Assert.Contains(cluster.Logger.WithEvent(2404), m => m.Contains($"127.0.0.1:{closedPort}", StringComparison.Ordinal));
        Assert.Single(cluster.Logger.WithEvent(2406), m => m.Contains("n2", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Refresh_LeaderUnreachable_KeepsLastPublishedStateAndReportsIt()
    {
        await using var cluster = ScriptedCluster.Start(2);
        cluster.AnswerAll(cluster.Leader(0), cluster.Replica(1));
        using var source = cluster.CreateSource();
        await source.RefreshAsync(cluster.Id);
        var before = await source.GetEndpointsAsync();
        var signals = 0;
        source.Changed += (_, _) => signals++;

        // The replica's Patroni says n2 is now the leader, but n2's own REST API does not answer.
        cluster.Members[0].Answer(PatroniJson.Cluster(cluster.Replica(0, state: "stopped"), cluster.Leader(1)));
        cluster.Members[1].Behave(MemberBehavior.Reset);
        cluster.Clock.Advance(TimeSpan.FromSeconds(1));
        var status = await source.RefreshAsync(cluster.Id);

        Assert.Equal(PatroniClusterCondition.LeaderUnreachable, status.Condition);
        Assert.True(status.IsHolding);
        Assert.Equal(cluster.Clock.GetUtcNow(), status.HoldingSince);
        Assert.Contains("leader n2 is not reachable", status.Detail, StringComparison.Ordinal);
        Assert.Equal(before, await source.GetEndpointsAsync());
        Assert.Equal(0, signals);
        Assert.Equal("n1", status.Leader);
        Assert.Equal(ScriptedCluster.Host(0), status.Published!.Primary!.Address);
        Assert.Single(cluster.Logger.WithEvent(2402));
    }

    [Fact]
    public async Task Refresh_NoLeader_KeepsLastStateByDefault()
    {
        await using var cluster = ScriptedCluster.Start(2);
        cluster.AnswerAll(cluster.Leader(0), cluster.Replica(1));
        using var source = cluster.CreateSource();
        await source.RefreshAsync(cluster.Id);
        var before = await source.GetEndpointsAsync();

        cluster.AnswerAll(cluster.Replica(0, lag: "unknown", state: "stopped"), cluster.Replica(1));
        var first = await source.RefreshAsync(cluster.Id);
        cluster.Clock.Advance(TimeSpan.FromSeconds(5));
        var second = await source.RefreshAsync(cluster.Id);

        Assert.Equal(PatroniClusterCondition.NoLeader, second.Condition);
        Assert.Equal(first.HoldingSince, second.HoldingSince); // holding since the first read that could not publish
        Assert.Equal(before, await source.GetEndpointsAsync());
        Assert.Single(cluster.Logger.WithEvent(2402)); // logged when it started, not on every read

        // The leader comes back: published again, and the recovery is logged with how long the state was kept.
        cluster.AnswerAll(cluster.Replica(0), cluster.Leader(1));
        var recovered = await source.RefreshAsync(cluster.Id);
        Assert.Equal(PatroniClusterCondition.Published, recovered.Condition);
        Assert.Null(recovered.HoldingSince);
        Assert.Equal([ScriptedCluster.Host(1)], await AddressesAsync(source, cluster.PrimaryName));
        Assert.Contains("00:00:05", Assert.Single(cluster.Logger.WithEvent(2403)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refresh_NoLeaderWithWithdrawOption_WithdrawsPrimaryKeepsReplicas()
    {
        await using var cluster = ScriptedCluster.Start(2);
        cluster.AnswerAll(cluster.Leader(0), cluster.Replica(1));
        using var source = cluster.CreateSource(o => o.WithdrawPrimaryWithoutLeader = true);
        await source.RefreshAsync(cluster.Id);

        cluster.AnswerAll(cluster.Replica(0, state: "stopped"), cluster.Replica(1));
        var status = await source.RefreshAsync(cluster.Id);

        Assert.Equal(PatroniClusterCondition.NoLeader, status.Condition);
        Assert.False(status.IsHolding);
        Assert.Empty(await AddressesAsync(source, cluster.PrimaryName));
        Assert.Equal([ScriptedCluster.Host(1)], await AddressesAsync(source, cluster.ReplicaName));
    }

    [Fact]
    public async Task Refresh_NoMemberReachable_KeepsLastStateNamesEveryFailure()
    {
        await using var cluster = ScriptedCluster.Start(2);
        cluster.AnswerAll(cluster.Leader(0), cluster.Replica(1));
        using var source = cluster.CreateSource();
        await source.RefreshAsync(cluster.Id);
        var before = await source.GetEndpointsAsync();

        cluster.Members[0].Behave(MemberBehavior.Reset);
        cluster.Members[1].Answer("upstream timed out", status: 503);
        var status = await source.RefreshAsync(cluster.Id);

        Assert.Equal(PatroniClusterCondition.NoReachableMember, status.Condition);
        Assert.Contains(cluster.Members[0].Url, status.Detail, StringComparison.Ordinal);
        Assert.Contains("answered 503", status.Detail, StringComparison.Ordinal);
        Assert.Equal(before, await source.GetEndpointsAsync());
    }

    [Fact]
    public async Task Refresh_MemberHangs_TimesOutOnTheSourceClockAndOthersStillCount()
    {
        await using var cluster = ScriptedCluster.Start(2);
        cluster.AnswerAll(cluster.Leader(0), cluster.Replica(1));
        cluster.Members[1].Behave(MemberBehavior.Hang); // like /cluster while Patroni cannot reach its DCS
        using var source = cluster.CreateSource(o =>
        {
            o.RequestTimeout = TimeSpan.FromSeconds(2);
            o.MaxConcurrentRequests = 1; // n1 is read (and done) before n2 hangs, so advancing the clock times out only n2
        });

        var seen = cluster.Members[1].NextRequest();
        var refresh = source.RefreshAsync(cluster.Id);
        await seen.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.False(refresh.IsCompleted);
        cluster.Clock.Advance(TimeSpan.FromSeconds(2));
        var status = await refresh.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(PatroniClusterCondition.Published, status.Condition);
        Assert.Empty(await AddressesAsync(source, cluster.ReplicaName)); // the hanging member is not published
        Assert.Contains(cluster.Logger.WithEvent(2404), m => m.Contains("no answer within 2000 ms", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Refresh_LagFilter_LeavesOutReplicasOverTheLimitAndUnknownLag()
    {
        await using var cluster = ScriptedCluster.Start(4);
        cluster.AnswerAll(cluster.Leader(0), cluster.Replica(1, lag: 100L), cluster.Replica(2, lag: 5_000_000L), cluster.Replica(3, lag: "unknown"));

        using (var unfiltered = cluster.CreateSource())
        {
            await unfiltered.RefreshAsync(cluster.Id);
            Assert.Equal([ScriptedCluster.Host(1), ScriptedCluster.Host(2), ScriptedCluster.Host(3)], await AddressesAsync(unfiltered, cluster.ReplicaName));
        }

        using (var filtered = cluster.CreateSource(o => o.MaxReplicaLagBytes = 1_000_000))
        {
            await filtered.RefreshAsync(cluster.Id);
            Assert.Equal([ScriptedCluster.Host(1)], await AddressesAsync(filtered, cluster.ReplicaName));
        }

        // A datastore's own limit overrides the global one.
        using var overridden = cluster.CreateSource(o =>
        {
            o.MaxReplicaLagBytes = 10;
            o.Datastores[0].MaxReplicaLagBytes = 10_000_000;
        });
        await overridden.RefreshAsync(cluster.Id);
        Assert.Equal([ScriptedCluster.Host(1), ScriptedCluster.Host(2)], await AddressesAsync(overridden, cluster.ReplicaName));
    }

    [Fact]
    public async Task Refresh_ReplicaNotRunningOrNoLoadBalance_NotPublished()
    {
        await using var cluster = ScriptedCluster.Start(4);
        cluster.AnswerAll(
            cluster.Leader(0),
            cluster.Replica(1, state: "streaming"), // Patroni 3.1+ reports streaming replicas so
            cluster.Replica(2, state: "starting"),
            cluster.Replica(3) with { NoLoadBalance = true });
        using var source = cluster.CreateSource();

        await source.RefreshAsync(cluster.Id);

        Assert.Equal([ScriptedCluster.Host(1)], await AddressesAsync(source, cluster.ReplicaName));
    }

    [Fact]
    public async Task Refresh_FlappingReplica_LeftOutOnceAndBackOnlyAfterConsecutiveHealthyReads()
    {
        await using var cluster = ScriptedCluster.Start(2);
        cluster.AnswerAll(cluster.Leader(0), cluster.Replica(1));
        using var source = cluster.CreateSource(o => o.ReplicaPublishAfterReads = 3);
        var signals = new List<IReadOnlySet<string>?>();
        source.Changed += (_, e) => signals.Add(EndpointsChangedEventArgs.NamesOf(e));
        await source.RefreshAsync(cluster.Id); // first read publishes what it finds
        Assert.Equal([ScriptedCluster.Host(1)], await AddressesAsync(source, cluster.ReplicaName));

        // n2's REST API flaps: down, up, down, …, down — eleven reads.
        for (var read = 0; read < 11; read++)
        {
            cluster.Members[1].Behave(read % 2 == 0 ? MemberBehavior.Reset : MemberBehavior.Answer);
            await source.RefreshAsync(cluster.Id);
            Assert.Empty(await AddressesAsync(source, cluster.ReplicaName));
        }

        // Stable again: published on the third healthy read in a row.
        cluster.Members[1].Behave(MemberBehavior.Answer);
        await source.RefreshAsync(cluster.Id);
        await source.RefreshAsync(cluster.Id);
        Assert.Empty(await AddressesAsync(source, cluster.ReplicaName));
        await source.RefreshAsync(cluster.Id);
        Assert.Equal([ScriptedCluster.Host(1)], await AddressesAsync(source, cluster.ReplicaName));

        // Three signals over 15 reads: first publish, the replica left out, the replica back.
        Assert.Equal(3, signals.Count);
        Assert.All(signals, names => Assert.Equal(new HashSet<string> { cluster.PrimaryName, cluster.ReplicaName }, names!.ToHashSet()));
    }

    [Fact]
    public async Task Refresh_FlappingLeader_EachRealLeaderChangeIsPublished()
    {
        await using var cluster = ScriptedCluster.Start(2);
        using var source = cluster.CreateSource();
        var signals = 0;
        source.Changed += (_, _) => signals++;

        for (var round = 0; round < 6; round++)
        {
            var leader = round % 2;
            cluster.AnswerAll(cluster.Leader(leader), cluster.Replica(1 - leader));
            var status = await source.RefreshAsync(cluster.Id);
            Assert.Equal(cluster.Members[leader].Name, status.Leader);
            Assert.Equal([ScriptedCluster.Host(leader)], await AddressesAsync(source, cluster.PrimaryName));
        }

        Assert.Equal(6, signals); // the leader Patroni names is the truth: no damping of leader changes
    }

    [Theory]
    [InlineData("this is not json", "not JSON")]
    [InlineData("[1, 2, 3]", "not an object")]
    [InlineData("{\"members\": 3}", "no 'members' array")]
    [InlineData("{\"members\": [{\"name\": \"a\", \"role\": \"leader\"}, {\"name\": \"b\", \"role\": \"leader\"}]}", "more than one member is a leader")]
    [InlineData("{\"members\": [{\"name\": \"a\", \"role\": \"replica\"}, {\"name\": \"a\", \"role\": \"leader\"}]}", "appears more than once")]
    [InlineData("{\"members\": [{\"name\": \"a\", \"role\": \"leader\"", "not JSON")]
    public async Task Refresh_MalformedAnswer_NoCrashKeepsStateAndLogsTheReason(string body, string reason)
    {
        await using var cluster = ScriptedCluster.Start(2);
        cluster.AnswerAll(cluster.Leader(0), cluster.Replica(1));
        using var source = cluster.CreateSource();
        await source.RefreshAsync(cluster.Id);
        var before = await source.GetEndpointsAsync();

        foreach (var member in cluster.Members)
        {
            member.Answer(body);
        }

        var status = await source.RefreshAsync(cluster.Id);

        Assert.Equal(PatroniClusterCondition.NoReachableMember, status.Condition);
        Assert.Contains(reason, status.Detail, StringComparison.Ordinal);
        Assert.Equal(before, await source.GetEndpointsAsync());
        var logged = cluster.Logger.WithEvent(2404);
        Assert.Equal(2, logged.Count);
        Assert.All(logged, m => Assert.Contains("Malformed", m, StringComparison.Ordinal));
        Assert.All(logged, m => Assert.Contains(reason, m, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Refresh_OneMalformedMemberEntry_SkippedWithAWarningOthersPublished()
    {
        await using var cluster = ScriptedCluster.Start(2);
        var body = PatroniJson.Cluster(cluster.Leader(0), cluster.Replica(1)).Replace("{\"members\":[", "{\"members\":[{\"role\":\"replica\"},7,", StringComparison.Ordinal);
        foreach (var member in cluster.Members)
        {
            member.Answer(body);
        }

        using var source = cluster.CreateSource();
        await source.RefreshAsync(cluster.Id);
        await source.RefreshAsync(cluster.Id);

        Assert.Equal([ScriptedCluster.Host(0)], await AddressesAsync(source, cluster.PrimaryName));
        Assert.Equal([ScriptedCluster.Host(1)], await AddressesAsync(source, cluster.ReplicaName));
        var warnings = cluster.Logger.WithEvent(2407);
        Assert.Equal(2, warnings.Count); // once per member URL, not once per read
        Assert.Contains("members[0] has no 'name'", warnings[0], StringComparison.Ordinal);
        Assert.Contains("members[1] is a JSON Number", warnings[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refresh_AnswerTooLarge_IsMalformedNotReadWhole()
    {
        await using var cluster = ScriptedCluster.Start(1);
        cluster.Members[0].Answer("{\"members\": [], \"pad\": \"" + new string('x', 2 * 1024 * 1024) + "\"}");
        using var source = cluster.CreateSource();

        var status = await source.RefreshAsync(cluster.Id);

        Assert.Equal(PatroniClusterCondition.NoReachableMember, status.Condition);
        Assert.Contains("more than the 1048576 read", status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refresh_MembersNameDifferentLeaders_KeepsStateUntilTheyAgree()
    {
        await using var cluster = ScriptedCluster.Start(2);
        cluster.AnswerAll(cluster.Leader(0), cluster.Replica(1));
        using var source = cluster.CreateSource();
        await source.RefreshAsync(cluster.Id);

        cluster.Members[0].Answer(PatroniJson.Cluster(cluster.Leader(0), cluster.Replica(1)));
        cluster.Members[1].Answer(PatroniJson.Cluster(cluster.Replica(0), cluster.Leader(1)));
        var status = await source.RefreshAsync(cluster.Id);

        Assert.Equal(PatroniClusterCondition.ConflictingLeaders, status.Condition);
        Assert.Contains("names n1", status.Detail, StringComparison.Ordinal);
        Assert.Contains("names n2", status.Detail, StringComparison.Ordinal);
        Assert.Equal([ScriptedCluster.Host(0)], await AddressesAsync(source, cluster.PrimaryName));
    }

    [Fact]
    public async Task Refresh_StandbyLeader_PublishedAsReplicaByDefaultOrAsPrimary()
    {
        await using var cluster = ScriptedCluster.Start(2);
        cluster.AnswerAll(cluster.Leader(0) with { Role = "standby_leader" }, cluster.Replica(1));

        using (var source = cluster.CreateSource(o => o.MaxReplicaLagBytes = 0))
        {
            var status = await source.RefreshAsync(cluster.Id);
            Assert.Equal(PatroniClusterCondition.Published, status.Condition);
            Assert.Contains("standby leader n1", status.Detail, StringComparison.Ordinal);
            Assert.Empty(await AddressesAsync(source, cluster.PrimaryName));
            Assert.Equal([ScriptedCluster.Host(0), ScriptedCluster.Host(1)], await AddressesAsync(source, cluster.ReplicaName));
        }

        using var asPrimary = cluster.CreateSource(o => o.StandbyLeaderRole = PatroniStandbyLeaderRole.Primary);
        await asPrimary.RefreshAsync(cluster.Id);
        Assert.Equal([ScriptedCluster.Host(0)], await AddressesAsync(asPrimary, cluster.PrimaryName));
        Assert.Equal([ScriptedCluster.Host(1)], await AddressesAsync(asPrimary, cluster.ReplicaName));
    }

    [Fact]
    public async Task Refresh_OlderPatroniRoleMaster_IsTheLeader()
    {
        await using var cluster = ScriptedCluster.Start(2);
        cluster.AnswerAll(cluster.Leader(0) with { Role = "master" }, cluster.Replica(1) with { Role = "sync_standby" });
        using var source = cluster.CreateSource();

        await source.RefreshAsync(cluster.Id);

        Assert.Equal([ScriptedCluster.Host(0)], await AddressesAsync(source, cluster.PrimaryName));
        Assert.Equal([ScriptedCluster.Host(1)], await AddressesAsync(source, cluster.ReplicaName));
    }

    [Fact]
    public async Task Changed_RaisedOnlyWhenPublishedRecordsChange_NamingTheDatastoresNames()
    {
        await using var cluster = ScriptedCluster.Start(2);
        cluster.AnswerAll(cluster.Leader(0), cluster.Replica(1, lag: 10L));
        using var source = cluster.CreateSource();
        var signals = new List<EventArgs>();
        source.Changed += (sender, e) =>
        {
            Assert.Same(source, sender);
            signals.Add(e);
        };

        await source.RefreshAsync(cluster.Id);
        cluster.AnswerAll(cluster.Leader(0), cluster.Replica(1, lag: 20L)); // lag changes nothing published
        await source.RefreshAsync(cluster.Id);
        await source.RefreshAsync(cluster.Id);
        Assert.Single(signals);

        cluster.AnswerAll(cluster.Replica(0), cluster.Leader(1)); // switchover
        await source.RefreshAsync(cluster.Id);

        Assert.Equal(2, signals.Count);
        var names = EndpointsChangedEventArgs.NamesOf(signals[1]);
        Assert.NotNull(names);
        Assert.Equal(new HashSet<string> { cluster.PrimaryName, cluster.ReplicaName }, names.ToHashSet());
        var scoped = await source.GetEndpointsAsync(names);
        Assert.Equal(1, scoped.TotalCount); // the old leader joins the replicas after two healthy reads
        Assert.Equal([ScriptedCluster.Host(1)], Assert.Single(scoped.Endpoints, e => e.DnsName == cluster.PrimaryName).Targets);
        Assert.Contains(cluster.Logger.WithEvent(2417), m => m.Contains("from n1 to n2", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Refresh_UnknownDatastore_Throws()
    {
        await using var cluster = ScriptedCluster.Start(1);
        using var source = cluster.CreateSource();

        var ex = await Assert.ThrowsAsync<KeyNotFoundException>(() => source.RefreshAsync(Guid.NewGuid()));
        Assert.Contains("is configured", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refresh_Switchover_LogsWhatIsPublishedAndTheOldLeaderJoinsTheReplicasAfterTwoReads()
    {
        await using var cluster = ScriptedCluster.Start(2);
        cluster.AnswerAll(cluster.Leader(0), cluster.Replica(1));
        using var source = cluster.CreateSource();

        await source.RefreshAsync(cluster.Id);
        cluster.AnswerAll(cluster.Replica(0), cluster.Leader(1));
        await source.RefreshAsync(cluster.Id);

        await source.RefreshAsync(cluster.Id);

        // The old leader is published as a replica once it has been healthy for two reads in a row.
        var published = cluster.Logger.WithEvent(2401);
        Assert.Equal(3, published.Count);
        Assert.Contains($"primary {ScriptedCluster.Host(0)}, replicas [{ScriptedCluster.Host(1)}]", published[0], StringComparison.Ordinal);
        Assert.Contains($"primary {ScriptedCluster.Host(1)}, replicas []", published[1], StringComparison.Ordinal);
        Assert.Contains($"primary {ScriptedCluster.Host(1)}, replicas [{ScriptedCluster.Host(0)}]", published[2], StringComparison.Ordinal);
        Assert.DoesNotContain(cluster.Logger.Entries, e => e.Level >= LogLevel.Error);
    }
}
