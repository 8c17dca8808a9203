using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Ccx.Dns.Endpoints;
using Ccx.Dns.Planning;
using Ccx.Dns.Providers;
using Ccx.Dns.Providers.InMemory;
using Ccx.Dns.Providers.PowerDns;
using Ccx.Dns.Providers.Webhook;
using Ccx.Dns.TestServers;

namespace Ccx.Dns.Benchmarks;

/// <summary>
/// The ExternalDNS webhook client on 10,000 records through Ccx.Dns's webhook server (real Kestrel on loopback, in this
/// process), next to the same provider called directly: list (<c>GET /records</c>) and apply (10,000 creates, then the
/// 10,000 deletes: two <c>POST /records</c>). Two providers: PowerDNS (a real pdns_server, zones with api_rectify off),
/// the realistic case the goal is stated for (the protocol adds at most 2× time and 3× allocation), and the in-memory
/// provider, whose direct calls cost next to nothing, so that its rows show the protocol's own cost in absolute terms.
/// Allocations count both ends of the protocol (client and server run in this process).
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory, BenchmarkLogicalGroupRule.ByParams)]
[CategoriesColumn]
#pragma warning disable CA1001 // disposed in [GlobalCleanup]
public class WebhookBenchmark
#pragma warning restore CA1001
{
    private const int RecordCount = 10_000;
    private readonly List<IAsyncDisposable> _servers = [];
    private readonly List<IDisposable> _disposables = [];
    private IDnsProvider _listed = null!;
    private IDnsProvider _applied = null!;
    private ExternalDnsWebhookProvider _listClient = null!;
    private ExternalDnsWebhookProvider _applyClient = null!;
    private DnsChanges _create = null!;
    private DnsChanges _delete = null!;

    /// <summary>The provider behind the server.</summary>
    [Params("pdns", "in-memory")]
    public string Provider { get; set; } = "pdns";

    [GlobalSetup]
    public async Task SetupAsync()
    {
        const string ListZone = "list.bench.example";
        const string ApplyZone = "apply.bench.example";
        _create = new DnsChanges { Create = Records(ApplyZone) };
        _delete = new DnsChanges { Delete = _create.Create };
        if (Provider == "pdns")
        {
            var pdns = await PowerDnsServer.StartAsync();
            _servers.Add(pdns);
            foreach (var zone in new[] { ListZone, ApplyZone })
            {
                await pdns.CreateZoneAsync(zone);
                using var noRectify = await pdns.Http.PutAsync(
                    new Uri($"{pdns.ApiUrl}/api/v1/servers/localhost/zones/{zone}."),
                    new StringContent("""{"api_rectify":false}""", System.Text.Encoding.UTF8, "application/json"));
                noRectify.EnsureSuccessStatusCode();
            }

            _listed = Own(new PowerDnsProvider(pdns.ProviderOptions(ListZone)));
            _applied = Own(new PowerDnsProvider(pdns.ProviderOptions(ApplyZone)));
        }
        else
        {
            _listed = new InMemoryDnsProvider([ListZone], new DomainFilter([ListZone]));
            _applied = new InMemoryDnsProvider([ApplyZone], new DomainFilter([ApplyZone]));
        }

        await _listed.ApplyChangesAsync(new DnsChanges { Create = Records(ListZone) });
        var listServer = await WebhookServerHost.StartAsync(_listed);
        var applyServer = await WebhookServerHost.StartAsync(_applied);
        _servers.Insert(0, listServer);
        _servers.Insert(0, applyServer);
        _listClient = Own(new ExternalDnsWebhookProvider(listServer.ClientOptions()));
        _applyClient = Own(new ExternalDnsWebhookProvider(applyServer.ClientOptions()));
        await _listClient.NegotiateAsync();
        await _applyClient.NegotiateAsync();
        var direct = (await _listed.GetRecordsAsync()).Count(r => r.RecordType == RecordType.A);
        var viaWebhook = (await _listClient.GetRecordsAsync()).Count(r => r.RecordType == RecordType.A);
        if (direct != RecordCount || viaWebhook != RecordCount)
        {
            throw new InvalidOperationException($"the zone holds {direct} A records directly and {viaWebhook} through the webhook, not {RecordCount}");
        }
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        foreach (var disposable in _disposables)
        {
            disposable.Dispose();
        }

        foreach (var server in _servers)
        {
            await server.DisposeAsync();
        }
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

    private static DnsEndpoint[] Records(string zone) =>
        [.. Enumerable.Range(0, RecordCount).Select(i => new DnsEndpoint($"host-{i:D5}.{zone}", RecordType.A, $"10.{i / 65536 % 256}.{i / 256 % 256}.{i % 256}") { Ttl = 300 })];

    private T Own<T>(T disposable)
        where T : IDisposable
    {
        _disposables.Add(disposable);
        return disposable;
    }
}
