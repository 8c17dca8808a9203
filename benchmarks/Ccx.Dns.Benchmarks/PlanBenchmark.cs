using BenchmarkDotNet.Attributes;
using Ccx.Dns.Endpoints;
using Ccx.Dns.Planning;

namespace Ccx.Dns.Benchmarks;

/// <summary>
/// The planner over current × desired sets of N endpoints with 1% changed, against a bare dictionary join of
/// the same inputs (the least any planner must do). Goal at 100k: ≤ 2× the baseline's time and allocating ≤ 2×
/// the input size.
/// </summary>
[MemoryDiagnoser]
public class PlanBenchmark
{
    private DnsEndpoint[] _current = [];
    private DnsEndpoint[] _desired = [];
    private PlanInput _input = null!;

    [Params(1_000, 10_000, 100_000)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var before = GC.GetTotalAllocatedBytes(precise: true);
        _current = new DnsEndpoint[N];
        _desired = new DnsEndpoint[N];
        for (var i = 0; i < N; i++)
        {
            var name = $"{Guid.NewGuid():N}.db.example.org";
            var ip = $"10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}";
            _current[i] = new DnsEndpoint(name, RecordType.A, ip).WithLabel(EndpointLabels.OwnerKey, "owner");
            // 1% changed: a third updated, a third deleted (replaced by a new name), a third TTL changes.
            _desired[i] = (i % 100) switch
            {
                0 => new DnsEndpoint(name, RecordType.A, $"10.255.{(i >> 8) & 255}.{i & 255}"),
                33 => new DnsEndpoint($"new-{i}.db.example.org", RecordType.A, ip),
                66 => new DnsEndpoint(name, RecordType.A, ip) { Ttl = 30 },
                _ => new DnsEndpoint(name, RecordType.A, ip),
            };
        }

        _input = new PlanInput { Current = _current, Desired = _desired, OwnerId = "owner" };
        var inputBytes = GC.GetTotalAllocatedBytes(precise: true) - before;
        Console.WriteLine($"// PlanBenchmark input size at N={N}: {inputBytes / 1024.0:F0} KB ({inputBytes / (2.0 * N):F0} bytes per endpoint)");
    }

    [Benchmark(Baseline = true)]
    public int DictionaryJoin()
    {
        var byKey = new Dictionary<(string, RecordType, string), DnsEndpoint>(_current.Length);
        foreach (var current in _current)
        {
            byKey[(current.DnsName, current.RecordType, current.SetIdentifier)] = current;
        }

        var creates = new List<DnsEndpoint>();
        var updates = new List<DnsEndpoint>();
        foreach (var desired in _desired)
        {
            if (!byKey.Remove((desired.DnsName, desired.RecordType, desired.SetIdentifier), out var current))
            {
                creates.Add(desired);
            }
            else if (current.Ttl != desired.Ttl || !current.Targets.SequenceEqual(desired.Targets))
            {
                updates.Add(desired);
            }
        }

        return creates.Count + updates.Count + byKey.Count;
    }

    [Benchmark]
    public int Planner() => Ccx.Dns.Planning.Planner.Instance.Calculate(_input).Changes.Count;
}
