using System.Globalization;
using Ccx.Dns.Endpoints;
using Ccx.Dns.Sources.Datastore;
using Ccx.Dns.Sources.Programmatic;

namespace Ccx.Dns.Reliability.Tests.Infrastructure;

/// <summary>The kinds of random desired-state change <see cref="DesiredStateModel"/> makes.</summary>
public enum DesiredChangeKind
{
    Create,
    Update,
    Delete,
    CnameToA,
    AToCname,
    ClaimForeignName,
    DatastoreFailover,
}

/// <summary>
/// A random but always valid desired state for one zone, pushed into a programmatic source and a datastore naming
/// source: plain records (A, AAAA, A+AAAA, CNAME) on a fixed pool of names, claims on names a foreign owner holds, and
/// datastore clusters whose failovers move the primary name between an address (A) and a host name (CNAME).
/// </summary>
public sealed class DesiredStateModel
{
    private readonly Random _random;
    private readonly string _zone;
    private readonly Dictionary<string, DnsEndpoint[]> _byName = new(StringComparer.Ordinal);
    private readonly List<DatastoreCluster> _clusters = [];
    private readonly string[] _pool;
    private readonly (string Name, RecordType Type)[] _foreignClaims;

    public DesiredStateModel(Random random, string zone, int poolSize, IEnumerable<(string Name, RecordType Type)> foreignClaims)
    {
        _random = random;
        _zone = zone;
        // A sixth of the pool are wildcard names, which the TXT registry maps through its wildcard replacement.
        _pool = [.. Enumerable.Range(0, poolSize).Select(i => i % 6 == 5 ? $"*.wild{i}.{zone}" : $"svc{i}.{zone}")];
        _foreignClaims = [.. foreignClaims];
        for (var i = 0; i < 3; i++)
        {
            var id = new Guid(i + 1, 0, 0, new byte[8]);
            _clusters.Add(new DatastoreCluster(id, "db." + zone,
            [
                new DatastoreNode($"10.20.{i}.1", DatastoreNodeRole.Primary),
                new DatastoreNode($"10.20.{i}.2", DatastoreNodeRole.Replica),
                new DatastoreNode($"node-{i}.hosts.example.net", DatastoreNodeRole.Replica),
            ]));
        }
    }

    public ProgrammaticEndpointSource Programmatic { get; } = new();

    public DatastoreNamingSource Datastores { get; } = new();

    /// <summary>
    /// The names both sources' change signals named since the last <see cref="TakeChangedNames"/> (for targeted
    /// reconciles); <see langword="null"/> when a signal named nothing.
    /// </summary>
    private HashSet<string>? _changedNames = new(StringComparer.Ordinal);

    /// <summary>Starts collecting the names the sources' change signals name.</summary>
    public void CollectChangedNames()
    {
        void OnChanged(object? sender, EventArgs e)
        {
            if (Ccx.Dns.Sources.EndpointsChangedEventArgs.NamesOf(e) is { } names)
            {
                _changedNames?.UnionWith(names);
            }
            else
            {
                _changedNames = null;
            }
        }

        Programmatic.Changed += OnChanged;
        Datastores.Changed += OnChanged;
    }

    /// <summary>The names changed since the last call; <see langword="null"/> when unknown.</summary>
    public HashSet<string>? TakeChangedNames()
    {
        var names = _changedNames;
        _changedNames = new HashSet<string>(StringComparer.Ordinal);
        return names;
    }

    /// <summary>How many changes of each kind were made.</summary>
    public Dictionary<DesiredChangeKind, int> Counts { get; } = Enum.GetValues<DesiredChangeKind>().ToDictionary(k => k, _ => 0);

    /// <summary>Everything desired from both sources, including claims on foreign names (which must not be applied).</summary>
    public IReadOnlyList<DnsEndpoint> Desired => [.. _byName.Values.SelectMany(e => e), .. Datastores.GetEndpointsAsync().Result];

    /// <summary>What the owner may hold after convergence: the desired set minus claims on foreign names.</summary>
    public IReadOnlyList<DnsEndpoint> Achievable =>
        [.. Desired.Where(d => !_foreignClaims.Any(f => DnsNames.AreEqual(f.Name, d.DnsName) && f.Type == d.RecordType))];

    /// <summary>Publishes the initial clusters.</summary>
    public void Start()
    {
        Datastores.SetClusters(_clusters);
        Publish();
    }

    /// <summary>Makes one random change and publishes it.</summary>
    public DesiredChangeKind Mutate()
    {
        var kind = (DesiredChangeKind)_random.Next(Enum.GetValues<DesiredChangeKind>().Length);
        var present = _byName.Keys.Where(n => _pool.Contains(n)).ToList();
        var absent = _pool.Where(n => !_byName.ContainsKey(n)).ToList();
        switch (kind)
        {
            case DesiredChangeKind.Create when absent.Count > 0:
                var name = absent[_random.Next(absent.Count)];
                _byName[name] = RandomRecords(name);
                break;
            case DesiredChangeKind.Update when present.Count > 0:
                var updated = present[_random.Next(present.Count)];
                _byName[updated] = [.. _byName[updated].Select(Retarget)];
                break;
            case DesiredChangeKind.Delete when present.Count > 0:
                _byName.Remove(present[_random.Next(present.Count)]);
                break;
            case DesiredChangeKind.CnameToA when present.Any(n => _byName[n][0].RecordType == RecordType.CNAME):
                var cname = Pick(present.Where(n => _byName[n][0].RecordType == RecordType.CNAME));
                _byName[cname] = [A(cname)];
                break;
            case DesiredChangeKind.AToCname when present.Any(n => _byName[n][0].RecordType != RecordType.CNAME):
                var a = Pick(present.Where(n => _byName[n][0].RecordType != RecordType.CNAME));
                _byName[a] = [Cname(a)];
                break;
            case DesiredChangeKind.ClaimForeignName:
                var (foreignName, type) = _foreignClaims[_random.Next(_foreignClaims.Length)];
                if (!_byName.Remove(foreignName))
                {
                    _byName[foreignName] = [type == RecordType.CNAME ? Cname(foreignName) : A(foreignName)];
                }

                break;
            case DesiredChangeKind.DatastoreFailover:
                var index = _random.Next(_clusters.Count);
                var cluster = _clusters[index];
                var candidates = cluster.Nodes.Where(n => n.Role != DatastoreNodeRole.Primary).ToList();
                _clusters[index] = _random.Next(5) == 0
                    ? cluster with { Nodes = [.. cluster.Nodes.Select(n => n with { Role = DatastoreNodeRole.Replica })] } // primary lost, none promoted yet
                    : cluster.Promote(candidates[_random.Next(candidates.Count)].Address);
                Datastores.SetCluster(_clusters[index]);
                break;
            default:
                return Mutate();
        }

        Counts[kind]++;
        Publish();
        return kind;
    }

    private void Publish() => Programmatic.ReplaceAll(_byName.Values.SelectMany(e => e));

    private string Pick(IEnumerable<string> names)
    {
        var list = names.ToList();
        return list[_random.Next(list.Count)];
    }

    private DnsEndpoint[] RandomRecords(string name) => _random.Next(4) switch
    {
        0 => [A(name)],
        1 => [Aaaa(name)],
        2 => [A(name), Aaaa(name)],
        _ => [Cname(name)],
    };

    private DnsEndpoint A(string name) =>
        new(name, RecordType.A, Enumerable.Range(0, _random.Next(1, 4)).Select(_ => $"192.0.2.{_random.Next(1, 255)}").Distinct()) { Ttl = Ttl() };

    private DnsEndpoint Aaaa(string name) =>
        new(name, RecordType.AAAA, Enumerable.Range(0, _random.Next(1, 3)).Select(_ => $"2001:db8::{_random.Next(1, 0xffff):x}").Distinct()) { Ttl = Ttl() };

    private DnsEndpoint Cname(string name) =>
        new(name, RecordType.CNAME, $"target{_random.Next(10).ToString(CultureInfo.InvariantCulture)}.example.net") { Ttl = Ttl() };

    private DnsEndpoint Retarget(DnsEndpoint endpoint) => _random.Next(3) switch
    {
        0 => endpoint with { Ttl = Ttl() },
        _ when endpoint.RecordType == RecordType.A => A(endpoint.DnsName),
        _ when endpoint.RecordType == RecordType.AAAA => Aaaa(endpoint.DnsName),
        _ => Cname(endpoint.DnsName),
    };

    private long Ttl() => _random.Next(3) switch { 0 => 60, 1 => 300, _ => 3600 };
}
