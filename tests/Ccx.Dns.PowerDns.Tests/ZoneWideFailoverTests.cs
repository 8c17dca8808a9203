using System.Globalization;
using Ccx.Dns.PowerDns.Tests.Infrastructure;
using Ccx.Dns.Providers.PowerDns;
using Ccx.Dns.Reconciliation;
using Ccx.Dns.Registry.Txt;
using Ccx.Dns.Sources;
using Ccx.Dns.Sources.Datastore;
using Microsoft.Extensions.Options;

namespace Ccx.Dns.PowerDns.Tests;

/// <summary>
/// An availability-zone outage against a real pdns_server: six of ten datastore clusters fail over at once (twelve of
/// twenty owned records change targets, 60 %). With the default safety guard DNS follows every one of them, checked by
/// DNS queries; counting target changes (<c>GuardTargetChanges</c>, the old rule) withholds the same plan.
/// </summary>
[Collection(PowerDnsServerGroup.Name)]
[Trait("Category", "Integration")]
public sealed class ZoneWideFailoverTests(PowerDnsServerFixture server)
{
    private const int Clusters = 10;
    private const int FailingOver = 6;

    private static Guid Id(int i) => Guid.Parse(string.Create(CultureInfo.InvariantCulture, $"00000000-0000-4000-8000-{i:D12}"));

    private static string Address(int i, int node) => string.Create(CultureInfo.InvariantCulture, $"10.0.{i}.{10 + node}");

    private static DatastoreCluster Cluster(string domain, int i) =>
        new(Id(i), domain, [new(Address(i, 0), DatastoreNodeRole.Primary), new(Address(i, 1), DatastoreNodeRole.Replica)]);

    [Theory]
    [InlineData(ReconcileMode.Full)]
    [InlineData(ReconcileMode.Targeted)]
    public async Task SixClustersFailOverAtOnce_DefaultGuard_DnsAnswersTheNewPrimaries(ReconcileMode mode)
    {
        var zone = await server.CreateZoneAsync();
        using var provider = new PowerDnsProvider(server.Options(zone));
        var source = new DatastoreNamingSource();
        using var reconciler = Reconciler(provider, source, new DnsReconcilerOptions());
        source.SetClusters(Enumerable.Range(0, Clusters).Select(i => Cluster(zone, i)));
        Assert.Equal(ReconcileOutcome.Applied, (await reconciler.RunOnceAsync()).Outcome);

        var changed = FailOver(source, zone);
        var result = mode == ReconcileMode.Full ? await reconciler.RunOnceAsync() : await reconciler.RunOnceAsync(changed);

        Assert.Equal((mode, ReconcileOutcome.Applied), (result.Mode, result.Outcome));
        Assert.Equal((2 * FailingOver, 2 * Clusters), (result.AppliedChanges.UpdateNew.Count, result.OwnedRecordCount));
        for (var i = 0; i < Clusters; i++)
        {
            var (primary, replica) = i < FailingOver ? (Address(i, 1), Address(i, 0)) : (Address(i, 0), Address(i, 1));
            Assert.Equal([primary], await server.Dig.DataAsync($"{Id(i)}.{zone}", "A"));
            Assert.Equal([replica], await server.Dig.DataAsync($"replica.{Id(i)}.{zone}", "A"));
        }
    }

    [Fact]
    public async Task SixClustersFailOverAtOnce_GuardTargetChanges_WithheldAndDnsStaysOnTheOldPrimaries()
    {
        var zone = await server.CreateZoneAsync();
        using var provider = new PowerDnsProvider(server.Options(zone));
        var source = new DatastoreNamingSource();
        using var reconciler = Reconciler(provider, source, new DnsReconcilerOptions { Guard = new SafetyGuardOptions { GuardTargetChanges = true } });
        source.SetClusters(Enumerable.Range(0, Clusters).Select(i => Cluster(zone, i)));
        await reconciler.RunOnceAsync();

        FailOver(source, zone);
        var result = await reconciler.RunOnceAsync();

        Assert.Equal(ReconcileOutcome.Withheld, result.Outcome);
        Assert.Contains("updates 12 of 20 owned records", result.WithheldReason, StringComparison.Ordinal);
        Assert.Equal([Address(0, 0)], await server.Dig.DataAsync($"{Id(0)}.{zone}", "A"));
    }

    private static DnsReconciler Reconciler(PowerDnsProvider provider, DatastoreNamingSource source, DnsReconcilerOptions options) =>
        new([source], new TxtRegistry(provider, new TxtRegistryOptions { OwnerId = "control-plane-eu1" }), Options.Create(options), TimeProvider.System, new CapturingLogger<DnsReconciler>());

    /// <summary>Promotes the replica of the first six clusters in one topology change; returns the names it changed.</summary>
    private static HashSet<string> FailOver(DatastoreNamingSource source, string zone)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        void Collect(object? sender, EventArgs e) => names.UnionWith(EndpointsChangedEventArgs.NamesOf(e) ?? new HashSet<string>());
        source.Changed += Collect;
        source.SetClusters(Enumerable.Range(0, Clusters).Select(i => i < FailingOver ? Cluster(zone, i).Promote(Address(i, 1)) : Cluster(zone, i)));
        source.Changed -= Collect;
        Assert.Equal(2 * FailingOver, names.Count);
        return names;
    }
}
