using System.Collections.Concurrent;
using BenchmarkDotNet.Attributes;
using Ccx.Dns.Endpoints;
using Ccx.Dns.Hosting;
using Ccx.Dns.Planning;
using Ccx.Dns.Providers;
using Ccx.Dns.Providers.InMemory;
using Ccx.Dns.Reconciliation;
using Ccx.Dns.Registry;
using Ccx.Dns.Sources.Datastore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Ccx.Dns.Benchmarks;

/// <summary>
/// Failover latency with 1,000 datastore clusters (2,000 records) on the in-memory provider: from a primary being
/// promoted in the topology to the changed records being applied. <see cref="RunOnce"/> promotes and reconciles
/// inline (the engine's share); <see cref="HostedService"/> promotes and waits for the background service to apply
/// the change (engine plus change signal and thread-pool hop), with the debounce window set to zero — with the
/// default 500 ms window a signal still runs at once unless the previous run started less than 500 ms earlier.
/// Goal: well under 50 ms.
/// </summary>
[MemoryDiagnoser]
#pragma warning disable CA1001 // disposed in [GlobalCleanup], BenchmarkDotNet's lifecycle
public class FailoverBenchmark
#pragma warning restore CA1001
{
    private const string Zone = "db.example.org";
    private readonly List<Guid> _clusters = [];
    private DatastoreNamingSource _source = null!;
    private DnsReconciler _reconciler = null!;
    private DnsReconcilerHostedService? _service;
    private TaskCompletionSource? _applied;
    private int _next;

    [Params(1_000)]
    public int Clusters { get; set; }

    [GlobalSetup(Target = nameof(RunOnce))]
    public void SetupRunOnce() => Setup(hosted: false);

    [GlobalSetup(Target = nameof(HostedService))]
    public void SetupHosted() => Setup(hosted: true);

    [GlobalCleanup]
    public void Cleanup()
    {
        _service?.StopAsync(CancellationToken.None).GetAwaiter().GetResult();
        _service?.Dispose();
        _reconciler.Dispose();
    }

    [Benchmark(Baseline = true)]
    public async Task<ReconcileResult> RunOnce()
    {
        Failover();
        var result = await _reconciler.RunOnceAsync();
        if (result.AppliedChanges.UpdateNew.Count != 2)
        {
            throw new InvalidOperationException($"expected 2 updates, got {result}");
        }

        return result;
    }

    [Benchmark]
    public async Task HostedService()
    {
        var applied = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _applied, applied);
        Failover();
        await applied.Task;
    }

    private void Failover()
    {
        // Alternate the primary of the next cluster between its two nodes.
        var id = _clusters[_next++ % _clusters.Count];
        var cluster = _source.Clusters.First(c => c.Id == id);
        var replica = cluster.Nodes.First(n => n.Role == DatastoreNodeRole.Replica);
        _source.Promote(id, replica.Address);
    }

    private void Setup(bool hosted)
    {
        var provider = new InMemoryDnsProvider([Zone], new DomainFilter([Zone]));
        _source = new DatastoreNamingSource();
        var topology = new List<DatastoreCluster>(Clusters);
        for (var i = 0; i < Clusters; i++)
        {
            var id = Guid.NewGuid();
            _clusters.Add(id);
            topology.Add(new DatastoreCluster(id, Zone,
            [
                new($"10.{i >> 8 & 255}.{i & 255}.1", DatastoreNodeRole.Primary),
                new($"10.{i >> 8 & 255}.{i & 255}.2", DatastoreNodeRole.Replica),
            ]));
        }

        _source.SetClusters(topology);
        var options = new DnsReconcilerOptions { MinEventSyncInterval = TimeSpan.Zero };
        _reconciler = new DnsReconciler([_source], new PassThroughOwnershipRegistry(provider, "bench"), Options.Create(options), TimeProvider.System, NullLogger<DnsReconciler>.Instance);
        var initial = _reconciler.RunOnceAsync().GetAwaiter().GetResult();
        if (initial.AppliedChanges.Create.Count != 2 * Clusters)
        {
            throw new InvalidOperationException($"initial reconcile: {initial}");
        }

        if (hosted)
        {
            _reconciler.Reconciled += (_, result) =>
            {
                if (result.Applied)
                {
                    Volatile.Read(ref _applied)?.TrySetResult();
                }
            };
            _service = new DnsReconcilerHostedService(_reconciler, TimeProvider.System, NullLogger<DnsReconcilerHostedService>.Instance);
            _service.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
        }
    }

    /// <summary>Ownership in memory (the TXT registry lives on another branch); labels our records, filters the rest.</summary>
    private sealed class PassThroughOwnershipRegistry(IDnsProvider provider, string ownerId) : IRegistry
    {
        private readonly ConcurrentDictionary<EndpointKey, bool> _owned = new();

        public string OwnerId => ownerId;

        public DomainFilter DomainFilter => provider.DomainFilter;

        public async Task<IReadOnlyList<DnsEndpoint>> GetRecordsAsync(CancellationToken cancellationToken = default)
        {
            var records = await provider.GetRecordsAsync(cancellationToken);
            var result = new DnsEndpoint[records.Count];
            for (var i = 0; i < result.Length; i++)
            {
                result[i] = _owned.ContainsKey(records[i].Key) ? records[i].WithLabel(EndpointLabels.OwnerKey, ownerId) : records[i];
            }

            return result;
        }

        public async Task<RegistryApplyResult> ApplyChangesAsync(DnsChanges changes, CancellationToken cancellationToken = default)
        {
            var filtered = changes with { Create = [.. changes.Create.Select(c => c.WithLabel(EndpointLabels.OwnerKey, ownerId))] };
            await provider.ApplyChangesAsync(filtered, cancellationToken);
            foreach (var created in filtered.Create)
            {
                _owned[created.Key] = true;
            }

            foreach (var deleted in filtered.Delete)
            {
                _owned.TryRemove(deleted.Key, out _);
            }

            return RegistryApplyResult.AllApplied(filtered);
        }

        public IReadOnlyList<DnsEndpoint> AdjustEndpoints(IReadOnlyList<DnsEndpoint> endpoints) => endpoints;
    }
}
