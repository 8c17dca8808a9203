using System.Globalization;
using Ccx.Dns.Providers.Caching;
using Ccx.Dns.Providers.InMemory;
using Ccx.Dns.Reconciliation;
using Ccx.Dns.Registry.Txt;
using Ccx.Dns.Sources;
using Ccx.Dns.Sources.Datastore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Ccx.Dns.Benchmarks;

/// <summary>
/// The stack the failover figures are measured on: in-memory provider behind <see cref="CachingDnsProvider"/>, the TXT
/// registry, and the datastore naming source with <c>clusters</c> clusters of two nodes (a primary name and a replica
/// name each: 2 records + 2 ownership TXT records per cluster), reconciled once in full.
/// </summary>
internal sealed class FailoverStack : IDisposable
{
    public const string Zone = "db.example.org";

    private readonly List<Guid> _ids;
    private readonly HashSet<string> _lastNames = new(StringComparer.Ordinal);
    private int _next;

    public FailoverStack(int clusters)
    {
        Provider = new InMemoryDnsProvider([Zone], new Endpoints.DomainFilter([Zone]));
        Source = new DatastoreNamingSource();
        _ids = new List<Guid>(clusters);
        var topology = new List<DatastoreCluster>(clusters);
        for (var i = 0; i < clusters; i++)
        {
            var id = new Guid(i, 0, 0, [0, 0, 0, 0, 0, 0, 0, 1]);
            _ids.Add(id);
            topology.Add(new DatastoreCluster(id, Zone,
            [
                new($"10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}", DatastoreNodeRole.Primary),
                new($"10.{128 + ((i >> 16) & 127)}.{(i >> 8) & 255}.{i & 255}", DatastoreNodeRole.Replica),
            ]));
        }

        Source.SetClusters(topology);
        ReportMemory("after the topology");
        Source.Changed += (_, e) =>
        {
            _lastNames.Clear();
            _lastNames.UnionWith(EndpointsChangedEventArgs.NamesOf(e) ?? (IEnumerable<string>)[]);
        };
        var cached = new CachingDnsProvider(Provider, new CachingDnsProviderOptions { CacheDuration = TimeSpan.FromHours(1) });
        Registry = new TxtRegistry(cached, new TxtRegistryOptions { OwnerId = "bench" });
        Reconciler = new DnsReconciler([Source], Registry, Options.Create(new DnsReconcilerOptions { MinEventSyncInterval = TimeSpan.Zero }), TimeProvider.System, NullLogger<DnsReconciler>.Instance);
        var initial = Reconciler.RunOnceAsync().GetAwaiter().GetResult();
        ReportMemory("after the bulk creation");
        if (ReportsMemory && GC.GetGCMemoryInfo(GCKind.FullBlocking) is { Index: > 0 } compaction)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  last blocking full collection (the compaction after the bulk apply): pause {compaction.PauseDurations[0].TotalMilliseconds:0} ms, compacted {compaction.Compacted}, heap after {compaction.HeapSizeBytes >> 20} MB"));
        }
        if (initial.AppliedChanges.Create.Count != 2 * clusters)
        {
            throw new InvalidOperationException($"initial reconcile: {initial}");
        }
    }

    /// <summary>Whether the stack prints the memory after building the topology and after the bulk creation (the scale runs set it).</summary>
    internal static bool ReportsMemory { get; set; }

    /// <summary>Prints the resident set, its peak so far and the collector's view of the heap (when <see cref="ReportsMemory"/>).</summary>
    /// <param name="at">Where the run is.</param>
    internal static void ReportMemory(string at)
    {
        if (!ReportsMemory)
        {
            return;
        }

        var peak = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmHWM", StringComparison.Ordinal))["VmHWM:".Length..].Trim();
        var info = GC.GetGCMemoryInfo();
        var generations = info.GenerationInfo.ToArray();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  memory {at}: RSS {Environment.WorkingSet >> 20} MB (peak {peak}), GC committed {info.TotalCommittedBytes >> 20} MB, gen2 {generations[2].SizeAfterBytes >> 20} MB ({generations[2].FragmentationAfterBytes >> 20} free), LOH {generations[3].SizeAfterBytes >> 20} MB ({generations[3].FragmentationAfterBytes >> 20} free) after the last collection"));
    }

    public InMemoryDnsProvider Provider { get; }

    public DatastoreNamingSource Source { get; }

    public TxtRegistry Registry { get; }

    public DnsReconciler Reconciler { get; }

    /// <summary>The names the last change signal named.</summary>
    public IReadOnlySet<string> LastNames => _lastNames;

    /// <summary>Fails the next cluster over: its replica becomes the primary.</summary>
    public void Failover()
    {
        var id = _ids[_next++ % _ids.Count];
        var cluster = Source.Clusters.First(c => c.Id == id);
        var replica = cluster.Nodes.First(n => n.Role == DatastoreNodeRole.Replica);
        Source.Promote(id, replica.Address);
    }

    /// <summary>Fails the next cluster over without the O(clusters) topology copy <see cref="DatastoreNamingSource.Clusters"/> makes.</summary>
    public void FailoverFast()
    {
        var i = _next++ % _ids.Count;
        var flip = (_next - 1) / _ids.Count % 2 == 0;
        var primary = $"10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}";
        var replica = $"10.{128 + ((i >> 16) & 127)}.{(i >> 8) & 255}.{i & 255}";
        Source.Promote(_ids[i], flip ? replica : primary);
    }

    public void Dispose() => Reconciler.Dispose();
}
