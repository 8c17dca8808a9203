using System.Globalization;
using Ccx.Dns.Endpoints;
using Ccx.Dns.Providers.InMemory;
using Ccx.Dns.Reconciliation;
using Ccx.Dns.Registry.Txt;
using Ccx.Dns.Sources;
using Ccx.Dns.Sources.Datastore;
using Ccx.Dns.Tests.TestSupport;
using Microsoft.Extensions.Options;

namespace Ccx.Dns.Tests.Reconciliation;

/// <summary>
/// An availability-zone outage: six of ten datastore clusters fail over at once. Twelve of the twenty owned records
/// change targets (60 %, far over the guard's 30 %), and DNS must follow all of them without a person approving.
/// </summary>
public sealed class ZoneWideFailoverTests
{
    private const string Domain = "db.example.org";
    private const int Clusters = 10;
    private const int FailingOver = 6;

    private static Guid Id(int i) => Guid.Parse(string.Create(CultureInfo.InvariantCulture, $"00000000-0000-4000-8000-{i:D12}"));

    private static string Primary(int i, int generation) => string.Create(CultureInfo.InvariantCulture, $"10.0.{i}.{10 + generation}");

    private static DatastoreCluster Cluster(int i) =>
        new(Id(i), Domain, [new(Primary(i, 0), DatastoreNodeRole.Primary), new(Primary(i, 1), DatastoreNodeRole.Replica)]);

    [Theory]
    [InlineData(ReconcileMode.Full)]
    [InlineData(ReconcileMode.Targeted)]
    public async Task SixClustersFailOverAtOnce_DefaultGuard_AppliedAndEveryPrimaryNameMoves(ReconcileMode mode)
    {
        var (provider, source, reconciler) = Stack(configure: null);
        using var _ = reconciler;
        source.SetClusters(Enumerable.Range(0, Clusters).Select(Cluster));
        Assert.Equal(ReconcileOutcome.Applied, (await reconciler.RunOnceAsync()).Outcome);

        var changed = FailOver(source);
        var result = mode == ReconcileMode.Full ? await reconciler.RunOnceAsync() : await reconciler.RunOnceAsync(changed);

        Assert.Equal((mode, ReconcileOutcome.Applied), (result.Mode, result.Outcome));
        Assert.Equal(2 * FailingOver, result.AppliedChanges.UpdateNew.Count);
        Assert.Equal(2 * Clusters, result.OwnedRecordCount);
        var zone = await provider.GetRecordsAsync();
        for (var i = 0; i < Clusters; i++)
        {
            var expected = i < FailingOver ? Primary(i, 1) : Primary(i, 0);
            Assert.Equal([expected], zone.Single(r => r.DnsName == $"{Id(i)}.{Domain}" && r.RecordType == RecordType.A).Targets);
        }
    }

    [Fact]
    public async Task SixClustersFailOverAtOnce_GuardTargetChanges_IsWithheldAsOctoDnsWould()
    {
        // The same plan under the old rule (every update counted): this is what left DNS on dead primaries.
        var (provider, source, reconciler) = Stack(o => o.Guard.GuardTargetChanges = true);
        using var _ = reconciler;
        source.SetClusters(Enumerable.Range(0, Clusters).Select(Cluster));
        await reconciler.RunOnceAsync();

        FailOver(source);
        var result = await reconciler.RunOnceAsync();

        Assert.Equal(ReconcileOutcome.Withheld, result.Outcome);
        Assert.Contains("updates 12 of 20 owned records", result.WithheldReason);
        Assert.Equal([Primary(0, 0)], (await provider.GetRecordsAsync()).Single(r => r.DnsName == $"{Id(0)}.{Domain}" && r.RecordType == RecordType.A).Targets);
    }

    [Fact]
    public async Task SevenClustersLoseTheirPrimaryAtOnce_DeletesStayGuarded()
    {
        // Mid-failover clusters publish no primary: seven primary names (35 %) would vanish (NXDOMAIN, cached by resolvers).
        var (provider, source, reconciler) = Stack(configure: null);
        using var _ = reconciler;
        source.SetClusters(Enumerable.Range(0, Clusters).Select(Cluster));
        await reconciler.RunOnceAsync();

        source.SetClusters(Enumerable.Range(0, Clusters).Select(i => i < 7
            ? Cluster(i) with { Nodes = [new(Primary(i, 1), DatastoreNodeRole.Replica)] }
            : Cluster(i)));
        var result = await reconciler.RunOnceAsync();

        Assert.Equal(ReconcileOutcome.Withheld, result.Outcome);
        Assert.Contains("deletes 7 of 20 owned records", result.WithheldReason);
        Assert.Equal(2 * Clusters, (await provider.GetRecordsAsync()).Count(r => r.RecordType == RecordType.A));
    }

    /// <summary>Promotes the replica of the first six clusters in one topology change; returns the names it changed.</summary>
    private static HashSet<string> FailOver(DatastoreNamingSource source)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        void Collect(object? sender, EventArgs e) => names.UnionWith(EndpointsChangedEventArgs.NamesOf(e) ?? new HashSet<string>());
        source.Changed += Collect;
        source.SetClusters(Enumerable.Range(0, Clusters).Select(i => i < FailingOver ? Cluster(i).Promote(Primary(i, 1)) : Cluster(i)));
        source.Changed -= Collect;
        Assert.Equal(2 * FailingOver, names.Count);
        return names;
    }

    private static (InMemoryDnsProvider Provider, DatastoreNamingSource Source, DnsReconciler Reconciler) Stack(Action<DnsReconcilerOptions>? configure)
    {
        var provider = new InMemoryDnsProvider([Domain]);
        var registry = new TxtRegistry(provider, new TxtRegistryOptions { OwnerId = "control-plane-eu1" });
        var source = new DatastoreNamingSource();
        var options = new DnsReconcilerOptions();
        configure?.Invoke(options);
        var reconciler = new DnsReconciler([source], registry, Options.Create(options), new ManualTimeProvider(), new CapturingLogger<DnsReconciler>());
        return (provider, source, reconciler);
    }
}
