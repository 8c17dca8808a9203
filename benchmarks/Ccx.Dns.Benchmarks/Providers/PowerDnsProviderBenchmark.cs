using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Ccx.Dns.Endpoints;
using Ccx.Dns.PowerDns;
using Ccx.Dns.PowerDns.Internal;

namespace Ccx.Dns.Benchmarks.Providers;

/// <summary>
/// The CPU side of the PowerDNS provider for a 10,000-RRset zone: canonicalising desired endpoints, reading and
/// checking the zone JSON, and writing a PATCH body.
/// </summary>
[MemoryDiagnoser]
#pragma warning disable CA1001 // BenchmarkDotNet owns the lifetime: the provider is disposed in [GlobalCleanup].
public class PowerDnsProviderBenchmark
#pragma warning restore CA1001
{
    private const int RecordSets = 10_000;
    private PowerDnsProvider _provider = null!;
    private DnsEndpoint[] _desired = null!;
    private byte[] _zoneJson = null!;
    private PowerDnsPatch _patch = null!;

    [GlobalSetup]
    public void Setup()
    {
        _provider = new PowerDnsProvider(new PowerDnsProviderOptions { ApiUrl = "http://127.0.0.1:9", ApiKey = "k" });
        _desired = [.. Enumerable.Range(0, RecordSets).Select(i => (i % 4) switch
        {
            0 => new DnsEndpoint($"h{i}.example.org", RecordType.A, $"192.0.{i % 250}.1", $"192.0.{i % 250}.2"),
            1 => new DnsEndpoint($"h{i}.example.org", RecordType.CNAME, $"lb{i}.example.net"),
            2 => new DnsEndpoint($"h{i}.example.org", RecordType.TXT, $"heritage=external-dns,external-dns/owner=default,external-dns/resource=ingress/ns/app{i}"),
            _ => new DnsEndpoint($"h{i}.example.org", RecordType.MX, $"10 mail{i}.example.org"),
        })];
        var adjusted = _provider.AdjustEndpoints(_desired);
        var rrsets = adjusted.Select(e => new PowerDnsRrSet
        {
            Name = e.DnsName + ".",
            Type = e.RecordType.Value,
            Ttl = 300,
            ChangeType = "REPLACE",
            Records = [.. e.Targets.Select(t => new PowerDnsRecord { Content = PowerDnsContent.ToContent(e.RecordType.Value, t) })],
        }).ToArray();
        _patch = new PowerDnsPatch { RrSets = rrsets };
        _zoneJson = JsonSerializer.SerializeToUtf8Bytes(
            new PowerDnsZone
            {
                Id = "example.org.",
                Name = "example.org.",
                RrSets = new PowerDnsRrSetList([.. rrsets.Select(r => new PowerDnsRrSetEntry(r with { ChangeType = null }, r.Name, r.Type, null))]),
            },
            PowerDnsJsonContext.Default.PowerDnsZone);
    }

    [GlobalCleanup]
    public void Cleanup() => _provider.Dispose();

    [Benchmark]
    public IReadOnlyList<DnsEndpoint> AdjustEndpoints() => _provider.AdjustEndpoints(_desired);

    [Benchmark]
    public int DeserializeZone() =>
        PowerDnsRecordSets.Check(JsonSerializer.Deserialize(_zoneJson, PowerDnsJsonContext.Default.PowerDnsZone)!.RrSets!).Valid.Count;

    [Benchmark]
    public byte[] SerializePatch() => JsonSerializer.SerializeToUtf8Bytes(_patch, PowerDnsJsonContext.Default.PowerDnsPatch);
}
