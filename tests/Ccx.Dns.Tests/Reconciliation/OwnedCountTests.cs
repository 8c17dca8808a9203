using System.Globalization;
using Ccx.Dns.Endpoints;
using Ccx.Dns.Planning;
using Ccx.Dns.Providers.InMemory;
using Ccx.Dns.Reconciliation;
using Ccx.Dns.Registry.Txt;
using Ccx.Dns.Sources.Programmatic;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ccx.Dns.Tests.Reconciliation;

/// <summary>
/// The safety guard's owned count that a full reconcile reports: carried from the last full read and corrected at the
/// positions that changed when the registry's snapshot kept its order, counted anew otherwise — always what counting the
/// zone from scratch gives.
/// </summary>
public sealed class OwnedCountTests
{
    private const string Zone = "example.org";

    [Fact]
    public async Task FullReconciles_BetweenTargetedChangesAndForeignWrites_ReportTheCountAFreshReconcilerCounts()
    {
        var provider = new InMemoryDnsProvider([Zone], new DomainFilter([Zone]));
        var registry = new TxtRegistry(provider, new TxtRegistryOptions { OwnerId = "me", CacheInterval = TimeSpan.FromHours(1) });
        var source = new ProgrammaticEndpointSource();
        using var reconciler = NewReconciler(source, registry, new DnsReconcilerOptions { Policy = "sync" });
        source.ReplaceAll(Enumerable.Range(0, 40).Select(i => A(i, 1)));
        await reconciler.RunOnceAsync();

        var random = new Random(3);
        var checkedCounts = new HashSet<int>();
        for (var step = 0; step < 30; step++)
        {
            var i = random.Next(60);
            var name = Name(i);
            switch (random.Next(4))
            {
                case 0:
                    source.Upsert(A(i, random.Next(1, 9)));
                    break;
                case 1:
                    source.Remove(new EndpointKey(name, RecordType.A, string.Empty));
                    break;
                case 2:
                    source.Upsert(A(i, 1));
                    break;
                default:
                    // Someone else's record, straight at the provider: seen at the registry's next full read.
                    await provider.ApplyChangesAsync(new DnsChanges { Create = [new DnsEndpoint($"foreign{step.ToString(CultureInfo.InvariantCulture)}.{Zone}", RecordType.A, "192.0.2.200")] });
                    break;
            }

            await reconciler.RunOnceAsync([name]);
            var full = await reconciler.RunOnceAsync();

            Assert.True(full.Succeeded, full.ToString());
            var fresh = await FreshCountAsync(provider);
            Assert.Equal(fresh, full.OwnedRecordCount);
            checkedCounts.Add(fresh);
        }

        Assert.True(checkedCounts.Count > 3, $"the count hardly moved: {string.Join(", ", checkedCounts)}");
    }

    [Fact]
    public async Task FullReconciles_OverSnapshotsChangedInPlace_CorrectTheCountAtTheChangedPositions()
    {
        // Snapshots of the same length whose records change in place (owner, type, inside or outside the zone, none),
        // and now and then one of another length: every full reconcile reports the count of its own snapshot.
        var random = new Random(9);
        var registry = new SnapshotRegistry { Snapshot = [.. Enumerable.Range(0, 200).Select(_ => RandomRecord(random))] };
        using var reconciler = NewReconciler(new ProgrammaticEndpointSource(), registry, new DnsReconcilerOptions { DryRun = true, Policy = "upsert-only" });
        var seen = new HashSet<int>();
        for (var step = 0; step < 300; step++)
        {
            var next = new List<DnsEndpoint?>(registry.Snapshot);
            for (var n = random.Next(1, 6); n > 0; n--)
            {
                next[random.Next(next.Count)] = random.Next(10) == 0 ? null : RandomRecord(random);
            }

            if (random.Next(15) == 0)
            {
                next.Add(RandomRecord(random));
            }

            registry.Snapshot = next;
            var result = await reconciler.RunOnceAsync();

            var want = next.Count(r => r is not null && r.Owner == "me" && r.RecordType != RecordType.TXT && r.DnsName.EndsWith("." + Zone, StringComparison.Ordinal));
            Assert.Equal(want, result.OwnedRecordCount);
            seen.Add(want);
        }

        Assert.True(seen.Count > 10, $"the count hardly moved: {string.Join(", ", seen)}");
    }

    private static DnsEndpoint RandomRecord(Random random)
    {
        var name = random.Next(6) == 0 ? $"x{random.Next(50).ToString(CultureInfo.InvariantCulture)}.elsewhere.net" : Name(random.Next(50));
        var record = random.Next(5) == 0 ? new DnsEndpoint(name, RecordType.TXT, "text") : new DnsEndpoint(name, RecordType.A, "10.0.0." + random.Next(1, 9).ToString(CultureInfo.InvariantCulture));
        return random.Next(4) switch
        {
            0 => record,
            1 => record.WithLabel(EndpointLabels.OwnerKey, "other"),
            _ => record.WithLabel(EndpointLabels.OwnerKey, "me"),
        };
    }

    private static async Task<int> FreshCountAsync(InMemoryDnsProvider provider)
    {
        var registry = new TxtRegistry(provider, new TxtRegistryOptions { OwnerId = "me" });
        using var reconciler = NewReconciler(new ProgrammaticEndpointSource(), registry, new DnsReconcilerOptions { DryRun = true });
        return (await reconciler.RunOnceAsync()).OwnedRecordCount;
    }

    private static DnsReconciler NewReconciler(ProgrammaticEndpointSource source, Ccx.Dns.Registry.IRegistry registry, DnsReconcilerOptions options) =>
        new([source], registry, Microsoft.Extensions.Options.Options.Create(options), TimeProvider.System, NullLogger<DnsReconciler>.Instance);

    private static string Name(int i) => $"db{i.ToString(CultureInfo.InvariantCulture)}.{Zone}";

    private static DnsEndpoint A(int i, int last) => new(Name(i), RecordType.A, "10.0.0." + last.ToString(CultureInfo.InvariantCulture));

    /// <summary>A registry that serves the snapshot it is given (the zone filter is the provider's) and applies nothing.</summary>
    private sealed class SnapshotRegistry : Ccx.Dns.Registry.IRegistry
    {
        public IReadOnlyList<DnsEndpoint?> Snapshot { get; set; } = [];

        public string OwnerId => "me";

        public DomainFilter DomainFilter { get; } = new([Zone]);

        public Task<IReadOnlyList<DnsEndpoint>> GetRecordsAsync(CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<DnsEndpoint>>(Snapshot!);

        public Task<Ccx.Dns.Registry.RegistryApplyResult> ApplyChangesAsync(DnsChanges changes, CancellationToken cancellationToken = default) =>
            Task.FromResult(Ccx.Dns.Registry.RegistryApplyResult.AllApplied(DnsChanges.Empty));

        public IReadOnlyList<DnsEndpoint> AdjustEndpoints(IReadOnlyList<DnsEndpoint> endpoints) => endpoints;
    }
}
