using System.Collections.Immutable;
using System.Collections.ObjectModel;
using System.Globalization;
using System.Net.Sockets;
using Ccx.Dns.Endpoints;
using Microsoft.Extensions.Options;

namespace Ccx.Dns.Sources.Datastore;

/// <summary>
/// Publishes the names of datastore clusters from a topology the host keeps up to date: for cluster
/// <c>U</c> under domain <c>D</c>, <c>U.D</c> points at the primary and <c>replica.U.D</c> at the replicas.
/// Every change that alters a published record raises <see cref="Changed"/> at once, so a failover reaches DNS
/// in one reconcile. Thread-safe.
/// </summary>
/// <remarks>
/// <para>Record types follow the targets: an IP address gives an A or AAAA record, a host name a CNAME. Replicas
/// reached by address are published as one A record with every IPv4 address and one AAAA record with every IPv6
/// address (both when the families are mixed).</para>
/// <para>A name can hold only one CNAME, and a CNAME cannot share a name with A/AAAA records (RFC 1034 §3.6.2),
/// so replicas given by host name are handled deterministically: when any replica has an IP address, only the
/// addressed replicas are published (host-name replicas are left out); when all replicas are host names, the
/// replica name is a CNAME to the ordinally smallest host name (lower-cased). Publish replicas by address to
/// spread reads over all of them.</para>
/// <para>A cluster without a primary (mid-failover) publishes no primary record, so the old one is deleted
/// rather than left pointing at a failed node; a cluster without replicas publishes no replica record. Every
/// record carries the TTL from <see cref="DatastoreNamingSourceOptions.RecordTtl"/> and the label
/// <c>resource=datastore/&lt;uuid&gt;</c>.</para>
/// <para>Its change signal names the changed names (<see cref="EndpointsChangedEventArgs"/>), and it reads the
/// endpoints of a few names in O(names), so a failover is planned by a targeted reconcile.</para>
/// </remarks>
public sealed class DatastoreNamingSource : IScopedEndpointSource, IDistinctKeyEndpointSource
{
    private readonly Lock _gate = new();
    private readonly long _ttl;
    private readonly string _replicaLabel;
    private ImmutableSortedDictionary<Guid, Entry> _clusters = ImmutableSortedDictionary<Guid, Entry>.Empty;
    private IReadOnlyList<DnsEndpoint>? _snapshot;
    private int _endpointCount;

    /// <summary>Creates a source with default options.</summary>
    public DatastoreNamingSource()
        : this(Options.Create(new DatastoreNamingSourceOptions()))
    {
    }

    /// <summary>Creates a source.</summary>
    /// <param name="options">The options.</param>
    /// <exception cref="OptionsValidationException">The options are invalid.</exception>
    public DatastoreNamingSource(IOptions<DatastoreNamingSourceOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var value = options.Value;
        var validation = new DatastoreNamingSourceOptionsValidator().Validate(Options.DefaultName, value);
        if (validation.Failed)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(DatastoreNamingSourceOptions), validation.Failures);
        }

        _ttl = (long)value.RecordTtl.TotalSeconds;
        _replicaLabel = value.ReplicaLabel.ToLowerInvariant();
    }

    /// <inheritdoc />
    public event EventHandler? Changed;

    /// <summary>
    /// The clusters, ordered by id: copies with the id, domain and nodes (addresses as given, roles as promoted) that
    /// were set, not the instances given.
    /// </summary>
    public IReadOnlyList<DatastoreCluster> Clusters
    {
        get
        {
            lock (_gate)
            {
                return [.. _clusters.Values.Select(e => e.Cluster)];
            }
        }
    }

    /// <summary>Adds a cluster or replaces the one with the same id.</summary>
    /// <param name="cluster">The cluster.</param>
    /// <returns>Whether a published record changed (and <see cref="Changed"/> was raised).</returns>
    /// <exception cref="ArgumentException">The cluster is invalid (empty id, invalid domain, several primaries, an empty address).</exception>
    public bool SetCluster(DatastoreCluster cluster)
    {
        var entry = CreateEntry(cluster);
        HashSet<string>? names = null;
        lock (_gate)
        {
            var existing = _clusters.GetValueOrDefault(cluster.Id);
            if (existing is null || !existing.Endpoints.SequenceEqual(entry.Endpoints))
            {
                names = ChangedNames(existing, entry);
                _endpointCount += entry.Endpoints.Length - (existing?.Endpoints.Length ?? 0);
                _snapshot = null;
            }

            _clusters = _clusters.SetItem(cluster.Id, entry);
        }

        return Raise(names);
    }

    /// <summary>Replaces the whole topology.</summary>
    /// <param name="clusters">The clusters; ids must be distinct.</param>
    /// <returns>Whether a published record changed (and <see cref="Changed"/> was raised).</returns>
    /// <exception cref="ArgumentException">A cluster is invalid or two share an id.</exception>
    public bool SetClusters(IEnumerable<DatastoreCluster> clusters)
    {
        ArgumentNullException.ThrowIfNull(clusters);
        var builder = ImmutableSortedDictionary.CreateBuilder<Guid, Entry>();
        foreach (var cluster in clusters)
        {
            var entry = CreateEntry(cluster);
            if (!builder.TryAdd(cluster.Id, entry))
            {
                throw new ArgumentException($"cluster {cluster.Id} appears more than once", nameof(clusters));
            }
        }

        var next = builder.ToImmutable();
        HashSet<string>? names = null;
        lock (_gate)
        {
            // A first topology names every record: sized once (growing a set of 200k names leaves 9 MB of arrays behind).
            if (_clusters.IsEmpty && !next.IsEmpty)
            {
                names = new HashSet<string>(next.Count * 2, StringComparer.Ordinal);
            }

            foreach (var (id, entry) in next)
            {
                var existing = _clusters.GetValueOrDefault(id);
                if (existing is null || !existing.Endpoints.SequenceEqual(entry.Endpoints))
                {
                    (names ??= new HashSet<string>(StringComparer.Ordinal)).UnionWith(ChangedNames(existing, entry));
                }
            }

            foreach (var (id, existing) in _clusters)
            {
                if (!next.ContainsKey(id))
                {
                    (names ??= new HashSet<string>(StringComparer.Ordinal)).UnionWith(ChangedNames(existing, null));
                }
            }

            _clusters = next;
            if (names is not null)
            {
                _endpointCount = next.Values.Sum(e => e.Endpoints.Length);
                _snapshot = null;
            }
        }

        return Raise(names);
    }

    /// <summary>Removes a cluster (its records are then deleted by the next reconcile).</summary>
    /// <param name="clusterId">The cluster id.</param>
    /// <returns>Whether the cluster existed (and <see cref="Changed"/> was raised).</returns>
    public bool RemoveCluster(Guid clusterId)
    {
        HashSet<string>? names = null;
        lock (_gate)
        {
            if (_clusters.TryGetValue(clusterId, out var existing))
            {
                names = ChangedNames(existing, null);
                _endpointCount -= existing.Endpoints.Length;
                _clusters = _clusters.Remove(clusterId);
                _snapshot = null;
            }
        }

        return Raise(names);
    }

    /// <summary>Fails a cluster over: the node at <paramref name="address"/> becomes the primary, the former primary a replica.</summary>
    /// <param name="clusterId">The cluster id.</param>
    /// <param name="address">The address of the node to promote.</param>
    /// <returns>Whether a published record changed (and <see cref="Changed"/> was raised).</returns>
    /// <exception cref="KeyNotFoundException">No cluster has that id.</exception>
    /// <exception cref="ArgumentException">The cluster has no node at that address.</exception>
    public bool Promote(Guid clusterId, string address)
    {
        // Read-modify-write under the lock so that concurrent topology updates are not lost.
        Entry entry;
        HashSet<string>? names = null;
        lock (_gate)
        {
            if (!_clusters.TryGetValue(clusterId, out var existing))
            {
                throw new KeyNotFoundException($"no datastore cluster {clusterId}");
            }

            entry = CreateEntry(existing.Cluster.Promote(address));
            if (!existing.Endpoints.SequenceEqual(entry.Endpoints))
            {
                names = ChangedNames(existing, entry);
                _endpointCount += entry.Endpoints.Length - existing.Endpoints.Length;
                _snapshot = null;
            }

            _clusters = _clusters.SetItem(clusterId, entry);
        }

        return Raise(names);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<DnsEndpoint>> GetEndpointsAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return Task.FromResult(_snapshot ??= Snapshot());
        }
    }

    /// <inheritdoc />
    /// <remarks>O(names): each name is mapped back to its cluster by the id in its first (or second) label.</remarks>
    public Task<ScopedEndpoints> GetEndpointsAsync(IReadOnlySet<string> names, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(names);
        cancellationToken.ThrowIfCancellationRequested();
        var result = new List<DnsEndpoint>(names.Count);
        lock (_gate)
        {
            foreach (var name in names)
            {
                if (ClusterIdOf(name) is { } id && _clusters.TryGetValue(id, out var entry))
                {
                    foreach (var endpoint in entry.Endpoints)
                    {
                        if (string.Equals(entry.NameOf(endpoint), name, StringComparison.Ordinal))
                        {
                            result.Add(endpoint);
                        }
                    }
                }
            }

            return Task.FromResult(new ScopedEndpoints(result, _endpointCount));
        }
    }

    /// <summary>The endpoints published for one cluster, in the order primary (A/AAAA/CNAME), replicas (A, AAAA or CNAME).</summary>
    /// <param name="cluster">The cluster.</param>
    /// <returns>The endpoints.</returns>
    /// <exception cref="ArgumentException">The cluster is invalid.</exception>
    public IReadOnlyList<DnsEndpoint> EndpointsFor(DatastoreCluster cluster) => CreateEntry(cluster).Endpoints;

    private bool Raise(HashSet<string>? names)
    {
        if (names is null)
        {
            return false;
        }

        Changed?.Invoke(this, new EndpointsChangedEventArgs(names));
        return true;
    }

    /// <summary>The names whose endpoints differ between two entries of one cluster (either may be absent).</summary>
    private static HashSet<string> ChangedNames(Entry? before, Entry? after)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        if (before is not null)
        {
            names.Add(before.PrimaryName);
            names.Add(before.ReplicaName);
        }

        if (after is not null)
        {
            names.Add(after.PrimaryName);
            names.Add(after.ReplicaName);
        }

        return names;
    }

    /// <summary>The cluster id in a name: the first label (primary) or the second (replica label first).</summary>
    private static Guid? ClusterIdOf(string name)
    {
        var span = name.AsSpan();
        for (var label = 0; label < 2; label++)
        {
            var dot = span.IndexOf('.');
            if (dot < 0)
            {
                return null;
            }

            if (Guid.TryParseExact(span[..dot], "D", out var id))
            {
                return id;
            }

            span = span[(dot + 1)..];
        }

        return null;
    }

    private Entry CreateEntry(DatastoreCluster cluster)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        if (cluster.Id == Guid.Empty)
        {
            throw new ArgumentException("the cluster id must not be empty", nameof(cluster));
        }

        ArgumentNullException.ThrowIfNull(cluster.Nodes, nameof(cluster));
        var domain = DnsNames.Normalize(cluster.UserDomain ?? string.Empty);
        var primaryName = cluster.Id.ToString("D", CultureInfo.InvariantCulture) + "." + domain;
        var reason = domain.Length == 0 ? "the user domain is empty" : EndpointValidator.ValidateName(_replicaLabel + "." + primaryName, allowWildcard: false, what: "name");
        if (reason is not null)
        {
            throw new ArgumentException($"cluster {cluster.Id}: user domain '{cluster.UserDomain}' gives invalid names: {reason}", nameof(cluster));
        }

        string? primary = null;
        var replicas = new List<string>();
        foreach (var node in cluster.Nodes)
        {
            if (node is null || string.IsNullOrWhiteSpace(node.Address))
            {
                throw new ArgumentException($"cluster {cluster.Id} has a node without an address", nameof(cluster));
            }

            var address = node.Address.Trim();
            if (node.Role == DatastoreNodeRole.Primary)
            {
                if (primary is not null)
                {
                    throw new ArgumentException($"cluster {cluster.Id} has more than one primary ({primary}, {address})", nameof(cluster));
                }

                primary = address;
            }
            else
            {
                replicas.Add(address);
            }
        }

        // One label set per cluster, shared by its endpoints.
        var labels = LabelMap.Empty
            .SetItem(EndpointLabels.ResourceKey, "datastore/" + cluster.Id.ToString("D", CultureInfo.InvariantCulture));
        var replicaName = _replicaLabel + "." + primaryName;
        var endpoints = new List<DnsEndpoint>(3);
        if (primary is not null)
        {
            AddEndpoints(endpoints, primaryName, [primary], labels);
        }

        AddEndpoints(endpoints, replicaName, replicas, labels);
        var nodes = new NodeSpec[cluster.Nodes.Count];
        for (var i = 0; i < nodes.Length; i++)
        {
            nodes[i] = new NodeSpec(cluster.Nodes[i].Address, cluster.Nodes[i].Role);
        }

        return new Entry(cluster.Id, cluster.UserDomain!, nodes, [.. endpoints], primaryName, replicaName);
    }

    private void AddEndpoints(List<DnsEndpoint> endpoints, string name, List<string> addresses, LabelMap labels)
    {
        if (addresses.Count == 0)
        {
            return;
        }

        // Most clusters have one address per name: lists, sorted and deduplicated only when they hold more.
        List<string>? v4 = null;
        List<string>? v6 = null;
        string? firstHost = null;
        foreach (var address in addresses)
        {
            if (DnsTargets.TryParseIp(address, out var ip))
            {
                // The node's own string when it is already canonical: one string per address, not two.
                var canonical = ip.ToString();
                var target = string.Equals(canonical, address, StringComparison.Ordinal) ? address : canonical;
                if (ip.AddressFamily == AddressFamily.InterNetwork)
                {
                    (v4 ??= new List<string>(addresses.Count)).Add(target);
                }
                else
                {
                    (v6 ??= new List<string>(addresses.Count)).Add(target);
                }
            }
            else
            {
                var host = DnsNames.Normalize(address);
                if (firstHost is null || string.CompareOrdinal(host, firstHost) < 0)
                {
                    firstHost = host;
                }
            }
        }

        if (v4 is not null)
        {
            endpoints.Add(Endpoint(name, RecordType.A, SortedDistinct(v4), labels));
        }

        if (v6 is not null)
        {
            endpoints.Add(Endpoint(name, RecordType.AAAA, SortedDistinct(v6), labels));
        }

        if (v4 is null && v6 is null)
        {
            endpoints.Add(Endpoint(name, RecordType.CNAME, [firstHost!], labels));
        }
    }

    /// <summary>The targets sorted ordinally without repeats (a single target as it is).</summary>
    private static List<string> SortedDistinct(List<string> targets) =>
        targets.Count < 2 ? targets : [.. targets.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    private DnsEndpoint Endpoint(string name, RecordType type, IEnumerable<string> targets, LabelMap labels) =>
        new(name, type, targets) { Ttl = _ttl, Labels = labels };

    /// <summary>Every cluster's endpoints in cluster order, in one array sized once, handed out read-only.</summary>
    private ReadOnlyCollection<DnsEndpoint> Snapshot()
    {
        var snapshot = new DnsEndpoint[_endpointCount];
        var at = 0;
        foreach (var (_, entry) in _clusters)
        {
            entry.Endpoints.CopyTo(snapshot, at);
            at += entry.Endpoints.Length;
        }

        return snapshot.AsReadOnly();
    }

    /// <summary>
    /// A cluster as a few values (its id, domain and nodes as given, not the caller's objects: at 100k datastores those
    /// cost ~12 MB more), its endpoints and its two names (normalised).
    /// </summary>
    private sealed class Entry(Guid id, string userDomain, NodeSpec[] nodes, DnsEndpoint[] endpoints, string primaryName, string replicaName)
    {
        public DnsEndpoint[] Endpoints { get; } = endpoints;

        public string PrimaryName { get; } = primaryName;

        public string ReplicaName { get; } = replicaName;

        /// <summary>The cluster, rebuilt from what was kept: equal in every value to the one given.</summary>
        public DatastoreCluster Cluster => new(id, userDomain, Array.ConvertAll(nodes, n => new DatastoreNode(n.Address, n.Role)));

        /// <summary>The normalised name of one of the entry's endpoints, without normalising it again.</summary>
        public string NameOf(DnsEndpoint endpoint) =>
            ReferenceEquals(endpoint.DnsName, PrimaryName) || endpoint.DnsName.Length == PrimaryName.Length ? PrimaryName : ReplicaName;
    }

    /// <summary>A node as given: its address (untrimmed) and role.</summary>
    private readonly record struct NodeSpec(string Address, DatastoreNodeRole Role);
}
