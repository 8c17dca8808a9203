using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Ccx.Dns.Endpoints;
using Ccx.Dns.Planning;
using Ccx.Dns.Providers.InMemory;
using Ccx.Dns.Providers.Webhook;
using Ccx.Dns.TestServers;

namespace Ccx.Dns.Benchmarks;

/// <summary>
/// The ExternalDNS webhook client on 10,000 records through Ccx.Dns's webhook server (real Kestrel on loopback, in this
/// process) in front of the in-memory provider, next to the same provider called directly: list (<c>GET /records</c>)
/// and apply (10,000 creates, then 10,000 deletes: two <c>POST /records</c>). Allocations count both ends (client and
/// server run in this process). Goal: the protocol adds at most 2× time and 3× allocation.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
#pragma warning disable CA1001 // disposed in [GlobalCleanup]
public class WebhookBenchmark
#pragma warning restore CA1001
{
    private const int RecordCount = 10_000;
    private const string Zone = "bench.example";
    private InMemoryDnsProvider _listed = null!;
    private InMemoryDnsProvider _applied = null!;
    private WebhookServerHost _listServer = null!;
    private WebhookServerHost _applyServer = null!;
    private ExternalDnsWebhookProvider _listClient = null!;
    private ExternalDnsWebhookProvider _applyClient = null!;
    private DnsChanges _create = null!;
    private DnsChanges _delete = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        var records = Enumerable.Range(0, RecordCount)
            .Select(i => new DnsEndpoint($"host-{i:D5}.{Zone}", RecordType.A, $"10.{i / 65536 % 256}.{i / 256 % 256}.{i % 256}") { Ttl = 300 })
            .ToArray();
        _create = new DnsChanges { Create = records };
        _delete = new DnsChanges { Delete = records };
        _listed = new InMemoryDnsProvider([Zone], new DomainFilter([Zone]));
        await _listed.ApplyChangesAsync(_create);
        _applied = new InMemoryDnsProvider([Zone], new DomainFilter([Zone]));
        _listServer = await WebhookServerHost.StartAsync(_listed);
        _applyServer = await WebhookServerHost.StartAsync(_applied);
        _listClient = new ExternalDnsWebhookProvider(_listServer.ClientOptions());
        _applyClient = new ExternalDnsWebhookProvider(_applyServer.ClientOptions());
        await _listClient.NegotiateAsync();
        await _applyClient.NegotiateAsync();
        if ((await _listClient.GetRecordsAsync()).Count != RecordCount)
        {
            throw new InvalidOperationException("the webhook server does not serve the records");
        }
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        _listClient.Dispose();
        _applyClient.Dispose();
        await _listServer.DisposeAsync();
        await _applyServer.DisposeAsync();
    }

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("list")]
    public async Task<int> ListDirect() => (await _listed.GetRecordsAsync()).Count;

    [Benchmark]
    [BenchmarkCategory("list")]
    public async Task<int> ListThroughWebhook() => (await _listClient.GetRecordsAsync()).Count;

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("apply")]
    public async Task ApplyDirect()
    {
        await _applied.ApplyChangesAsync(_create);
        await _applied.ApplyChangesAsync(_delete);
    }

    [Benchmark]
    [BenchmarkCategory("apply")]
    public async Task ApplyThroughWebhook()
    {
        await _applyClient.ApplyChangesAsync(_create);
        await _applyClient.ApplyChangesAsync(_delete);
    }
}
