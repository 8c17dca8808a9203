using CsCheck;
using Ccx.Dns.Endpoints;
using Ccx.Dns.Reconciliation;
using Ccx.Dns.Sources.Datastore;
using Ccx.Dns.Tests.TestSupport;
using Microsoft.Extensions.Options;

namespace Ccx.Dns.Tests.Sources;

public sealed class DatastoreNamingSourceTests
{
    private const string Domain = "db.example.org";
    private static readonly Guid Id = Guid.Parse("7f0c2a1e-1111-4e2b-9a0d-3c4b5d6e7f80");

    private static DatastoreCluster Cluster(params (string Address, DatastoreNodeRole Role)[] nodes) =>
        new(Id, Domain, [.. nodes.Select(n => new DatastoreNode(n.Address, n.Role))]);

    private static string Describe(DnsEndpoint e) => $"{e.DnsName} {e.RecordType} {string.Join(",", e.Targets)}";

    private static readonly Guid[] Ids = [Id, Guid.Parse("00000000-0000-4000-8000-000000000001"), Guid.Parse("ffffffff-ffff-4fff-bfff-ffffffffffff")];
    private static readonly string[] ReplicaLabels = ["replica", "ro", "Standby-1"];
    private static readonly string[] Domains = [Domain, "DB.Example.ORG", "other.example.net"];
    private static readonly string[] Addresses = ["10.0.0.1", "10.0.0.2", " 10.0.0.2 ", "2001:db8::1", "2001:DB8:0::1", "pg-1.internal.example", "PG-2.internal.example"];

    private static readonly Gen<DatastoreCluster> GenCluster =
        Gen.Select(Gen.Int[0, Ids.Length - 1], Gen.Int[0, Domains.Length - 1], Gen.Select(Gen.Int[0, Addresses.Length - 1], Gen.Bool).Array[0, 5])
            .Select((id, domain, nodes) => new DatastoreCluster(
                Ids[id],
                Domains[domain],
                [.. nodes.Select((n, i) => new DatastoreNode(Addresses[n.Item1], n.Item2 && i == 0 ? DatastoreNodeRole.Primary : DatastoreNodeRole.Replica))]));

    /// <summary>
    /// What lets the reconciler use the source's snapshot as its own merge (no key index): every snapshot holds each
    /// key once and no null, whatever the topology (repeated, respelt and mixed-family addresses, host names, domains
    /// differing in case) and whatever sequence of changes built it.
    /// </summary>
    [Fact]
    public void Snapshots_AnyTopologyAndChanges_HoldEachKeyOnce()
    {
        Gen.Select(GenCluster.Array[1, 6], Gen.Select(GenCluster, Gen.Int[0, 3]).Array[0, 8], Gen.Int[0, 2].Select(i => ReplicaLabels[i])).Sample((initial, steps, label) =>
        {
            var source = new DatastoreNamingSource(Options.Create(new DatastoreNamingSourceOptions { ReplicaLabel = label }));
            source.SetClusters(initial.DistinctBy(c => c.Id));
            AssertDistinct(source);
            foreach (var (cluster, action) in steps)
            {
                try
                {
                    Apply(source, cluster, action);
                }
                catch (ArgumentException)
                {
                    // An invalid topology (a promotion giving two nodes at one address the primary role) is refused
                    // and changes nothing.
                }

                AssertDistinct(source);
            }
        }, iter: 2_000, threads: 1);

        static void Apply(DatastoreNamingSource source, DatastoreCluster cluster, int action)
        {
            switch (action)
            {
                case 0:
                    source.SetCluster(cluster);
                    break;
                case 1:
                    source.RemoveCluster(cluster.Id);
                    break;
                case 2 when source.Clusters.FirstOrDefault(c => c.Id == cluster.Id) is { Nodes.Count: > 0 } existing:
                    source.Promote(existing.Id, existing.Nodes[^1].Address);
                    break;
                default:
                    source.SetClusters([cluster]);
                    break;
            }
        }

        static void AssertDistinct(DatastoreNamingSource source)
        {
            var snapshot = source.GetEndpointsAsync().GetAwaiter().GetResult();
            Assert.All(snapshot, Assert.NotNull);
            Assert.Equal(snapshot.Count, snapshot.Select(e => e.Key).Distinct().Count());
            Assert.Equal(source.Clusters.Sum(c => source.EndpointsFor(c).Count), snapshot.Count);
        }
    }

    [Fact]
    public void EndpointsFor_PrimaryAndReplicaAddresses_PublishesPrimaryAndReplicaNames()
    {
        var source = new DatastoreNamingSource();

        var endpoints = source.EndpointsFor(Cluster(
            ("10.0.0.1", DatastoreNodeRole.Primary), ("10.0.0.3", DatastoreNodeRole.Replica), ("10.0.0.2", DatastoreNodeRole.Replica)));

        Assert.Equal(
            [$"{Id}.{Domain} A 10.0.0.1", $"replica.{Id}.{Domain} A 10.0.0.2,10.0.0.3"],
            endpoints.Select(Describe));
        Assert.All(endpoints, e => Assert.Equal(30, e.Ttl));
        Assert.All(endpoints, e => Assert.Equal($"datastore/{Id}", e.Labels[EndpointLabels.ResourceKey]));
    }

    [Fact]
    public void EndpointsFor_MixedAddressFamilies_PublishesAAndAaaa()
    {
        var source = new DatastoreNamingSource();

        var endpoints = source.EndpointsFor(Cluster(
            ("2001:db8::1", DatastoreNodeRole.Primary),
            ("10.0.0.2", DatastoreNodeRole.Replica),
            ("2001:DB8:0::2", DatastoreNodeRole.Replica)));

        Assert.Equal(
            [$"{Id}.{Domain} AAAA 2001:db8::1", $"replica.{Id}.{Domain} A 10.0.0.2", $"replica.{Id}.{Domain} AAAA 2001:db8::2"],
            endpoints.Select(Describe));
    }

    [Fact]
    public void EndpointsFor_HostNames_PublishesCnamesAndTheSmallestReplicaHostDeterministically()
    {
        var source = new DatastoreNamingSource();

        var endpoints = source.EndpointsFor(Cluster(
            ("Node-A.internal.example.net.", DatastoreNodeRole.Primary),
            ("node-c.internal.example.net", DatastoreNodeRole.Replica),
            ("node-b.internal.example.net", DatastoreNodeRole.Replica)));
        var reordered = source.EndpointsFor(Cluster(
            ("Node-A.internal.example.net.", DatastoreNodeRole.Primary),
            ("node-b.internal.example.net", DatastoreNodeRole.Replica),
            ("node-c.internal.example.net", DatastoreNodeRole.Replica)));

        Assert.Equal(
            [$"{Id}.{Domain} CNAME node-a.internal.example.net", $"replica.{Id}.{Domain} CNAME node-b.internal.example.net"],
            endpoints.Select(Describe));
        Assert.Equal(endpoints, reordered);
    }

    [Fact]
    public void EndpointsFor_ReplicasMixingHostsAndAddresses_PublishesOnlyTheAddresses()
    {
        var source = new DatastoreNamingSource();

        var endpoints = source.EndpointsFor(Cluster(("node-b.example.net", DatastoreNodeRole.Replica), ("10.0.0.2", DatastoreNodeRole.Replica)));

        Assert.Equal([$"replica.{Id}.{Domain} A 10.0.0.2"], endpoints.Select(Describe));
    }

    [Fact]
    public void EndpointsFor_NoPrimaryOrNoReplicas_PublishesOnlyWhatExists()
    {
        var source = new DatastoreNamingSource();

        Assert.Equal([$"replica.{Id}.{Domain} A 10.0.0.2"], source.EndpointsFor(Cluster(("10.0.0.2", DatastoreNodeRole.Replica))).Select(Describe));
        Assert.Equal([$"{Id}.{Domain} A 10.0.0.1"], source.EndpointsFor(Cluster(("10.0.0.1", DatastoreNodeRole.Primary))).Select(Describe));
        Assert.Empty(source.EndpointsFor(Cluster()));
    }

    [Fact]
    public void SetCluster_InvalidTopology_Throws()
    {
        var source = new DatastoreNamingSource();

        Assert.Throws<ArgumentException>(() => source.SetCluster(Cluster(("10.0.0.1", DatastoreNodeRole.Primary), ("10.0.0.2", DatastoreNodeRole.Primary))));
        Assert.Throws<ArgumentException>(() => source.SetCluster(Cluster((" ", DatastoreNodeRole.Replica))));
        Assert.Throws<ArgumentException>(() => source.SetCluster(new DatastoreCluster(Guid.Empty, Domain, [])));
        Assert.Throws<ArgumentException>(() => source.SetCluster(new DatastoreCluster(Id, "bad domain!", [])));
        Assert.Empty(source.Clusters);
    }

    [Fact]
    public void Options_CustomTtlAndInvalidValues_AreAppliedOrRejected()
    {
        var source = new DatastoreNamingSource(Options.Create(new DatastoreNamingSourceOptions { RecordTtl = TimeSpan.FromSeconds(5) }));

        Assert.Equal(5, Assert.Single(source.EndpointsFor(Cluster(("10.0.0.1", DatastoreNodeRole.Primary)))).Ttl);
        var ex = Assert.Throws<OptionsValidationException>(() => new DatastoreNamingSource(Options.Create(
            new DatastoreNamingSourceOptions { RecordTtl = TimeSpan.FromMilliseconds(1500), ReplicaLabel = "a.b" })));
        Assert.Equal(2, ex.Failures.Count());

        // A UUID as replica label would make one cluster's replica name another cluster's primary name.
        var uuid = Assert.Throws<OptionsValidationException>(() => new DatastoreNamingSource(Options.Create(
            new DatastoreNamingSourceOptions { ReplicaLabel = "11111111-1111-4111-8111-11111111111A" })));
        Assert.Contains("must not be a UUID", Assert.Single(uuid.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public void Clusters_GivesTheTopologyAsSetOrderedByIdAndFollowsPromotions()
    {
        var source = new DatastoreNamingSource();
        var other = Guid.Parse("00000000-0000-4000-8000-000000000001");
        source.SetClusters(
        [
            Cluster((" 10.0.0.1 ", DatastoreNodeRole.Primary), ("PG-2.Internal.example", DatastoreNodeRole.Replica)),
            new DatastoreCluster(other, "DB.Example.ORG", [new DatastoreNode("2001:DB8::1", DatastoreNodeRole.Replica)]),
        ]);

        static string Describe(DatastoreCluster c) => $"{c.Id} {c.UserDomain} {string.Join(",", c.Nodes.Select(n => $"{n.Address}/{n.Role}"))}";
        Assert.Equal(
            [$"{other} DB.Example.ORG 2001:DB8::1/Replica", $"{Id} {Domain}  10.0.0.1 /Primary,PG-2.Internal.example/Replica"],
            source.Clusters.Select(Describe));

        source.Promote(Id, "pg-2.internal.example");
        Assert.Equal(
            $"{Id} {Domain}  10.0.0.1 /Replica,PG-2.Internal.example/Primary",
            Describe(source.Clusters.Single(c => c.Id == Id)));
    }

    [Fact]
    public async Task GetEndpoints_SnapshotIsReadOnlyAndSharedUntilAChange()
    {
        var source = new DatastoreNamingSource();
        source.SetCluster(Cluster(("10.0.0.1", DatastoreNodeRole.Primary), ("10.0.0.2", DatastoreNodeRole.Replica)));

        var snapshot = await source.GetEndpointsAsync();

        Assert.Throws<NotSupportedException>(() => ((IList<DnsEndpoint>)snapshot)[0] = snapshot[1]);
        Assert.Same(snapshot, await source.GetEndpointsAsync());
        source.Promote(Id, "10.0.0.2");
        Assert.NotSame(snapshot, await source.GetEndpointsAsync());
    }

    [Fact]
    public void Changed_RaisedOnlyWhenAPublishedRecordChanges()
    {
        var source = new DatastoreNamingSource();
        var raised = 0;
        source.Changed += (_, _) => raised++;
        var cluster = Cluster(("10.0.0.1", DatastoreNodeRole.Primary), ("10.0.0.2", DatastoreNodeRole.Replica));

        Assert.True(source.SetCluster(cluster));
        Assert.False(source.SetCluster(cluster with { Nodes = [.. cluster.Nodes.Reverse()] })); // same records
        Assert.True(source.Promote(Id, "10.0.0.2")); // failover
        Assert.False(source.RemoveCluster(Guid.NewGuid()));
        Assert.True(source.RemoveCluster(Id));

        Assert.Equal(3, raised);
    }

    [Fact]
    public async Task SetCluster_ConcurrentWriters_KeepEveryCluster()
    {
        var source = new DatastoreNamingSource();
        var ids = Enumerable.Range(0, 200).Select(_ => Guid.NewGuid()).ToArray();

        await Parallel.ForEachAsync(ids, (id, _) =>
        {
            source.SetCluster(new DatastoreCluster(id, Domain, [new DatastoreNode("10.0.0.1", DatastoreNodeRole.Primary)]));
            return ValueTask.CompletedTask;
        });

        Assert.Equal(200, source.Clusters.Count);
        Assert.Equal(200, (await source.GetEndpointsAsync()).Count);
    }

    [Fact]
    public async Task Reconcile_CreateFailoverRemove_DrivesTheZoneEndToEnd()
    {
        var source = new DatastoreNamingSource();
        await using var h = new ReconcilerHarness(sources: [source]);
        var second = Guid.NewGuid();
        source.SetClusters([
            new DatastoreCluster(Id, ReconcilerHarness.Zone, [new("10.0.0.1", DatastoreNodeRole.Primary), new("10.0.0.2", DatastoreNodeRole.Replica)]),
            new DatastoreCluster(second, ReconcilerHarness.Zone, [new("10.0.1.1", DatastoreNodeRole.Primary)]),
        ]);

        var created = await h.RunAsync();
        source.Promote(Id, "10.0.0.2");
        var failedOver = await h.RunAsync();
        source.RemoveCluster(second);
        var removed = await h.RunAsync();

        Assert.Equal(3, created.AppliedChanges.Create.Count);
        Assert.Equal(
            [$"{Id}.{ReconcilerHarness.Zone} A 10.0.0.2", $"replica.{Id}.{ReconcilerHarness.Zone} A 10.0.0.1"],
            failedOver.AppliedChanges.UpdateNew.Select(Describe).Order());
        Assert.Equal($"{second}.{ReconcilerHarness.Zone}", Assert.Single(removed.AppliedChanges.Delete).DnsName);
        Assert.Equal(ReconcileOutcome.Applied, removed.Outcome);
        var zone = await h.Provider.GetRecordsAsync();
        Assert.Equal(
            [$"{Id}.{ReconcilerHarness.Zone} A 10.0.0.2", $"replica.{Id}.{ReconcilerHarness.Zone} A 10.0.0.1"],
            zone.Select(Describe).Order());
        Assert.All(zone, r => Assert.Equal(30, r.Ttl));
    }
}
