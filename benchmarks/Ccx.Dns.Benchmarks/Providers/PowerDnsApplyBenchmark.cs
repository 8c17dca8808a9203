using System.Net.Http.Json;
using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Ccx.Dns.Endpoints;
using Ccx.Dns.Planning;
using Ccx.Dns.PowerDns;
using Ccx.Dns.TestServers;

namespace Ccx.Dns.Benchmarks.Providers;

/// <summary>
/// Wall-clock cost of one <see cref="PowerDnsProvider.ApplyChangesAsync"/> against a real pdns_server on loopback: an
/// apply of <see cref="Changes"/> creates (records and their ownership TXT records, half each) into a zone that
/// already holds 2,000 RRsets. Each iteration creates the names and the (unmeasured) cleanup deletes them again, so
/// every measured apply writes to free names. Run with <c>--filter *PowerDnsApplyBenchmark*</c>.
/// </summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 3, iterationCount: 20)]
#pragma warning disable CA1001 // BenchmarkDotNet owns the lifetime: the server and provider are disposed in [GlobalCleanup].
public class PowerDnsApplyBenchmark
#pragma warning restore CA1001
{
    private const string Zone = "apply-bench.test";
    private const int ExistingRecordSets = 2_000;
    private PowerDnsServer _server = null!;
    private PowerDnsProvider _provider = null!;
    private DnsChanges _changes = null!;
    private JsonObject _cleanup = null!;

    /// <summary>The number of record-set changes in the measured apply.</summary>
    [Params(10, 1_000)]
    public int Changes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _server = PowerDnsServer.StartAsync().GetAwaiter().GetResult();
        _server.CreateZoneAsync(Zone).GetAwaiter().GetResult();
        Patch(new JsonArray([.. Enumerable.Range(0, ExistingRecordSets).Select(i => RrSet($"existing{i}.{Zone}.", "A", $"198.51.100.{i % 250}"))]));
        _provider = new PowerDnsProvider(_server.ProviderOptions(Zone));
        var creates = new List<DnsEndpoint>(Changes);
        var deletes = new JsonArray();
        for (var i = 0; i < Changes / 2; i++)
        {
            creates.Add(new DnsEndpoint($"app{i}.{Zone}", RecordType.A, $"192.0.2.{i % 250}") { Ttl = 60 });
            creates.Add(new DnsEndpoint($"a-app{i}.{Zone}", RecordType.TXT, "\"heritage=external-dns,external-dns/owner=bench\"") { Ttl = 60 }
                .WithLabel(EndpointLabels.OwnedRecordKey, $"app{i}.{Zone}"));
            deletes.Add(Delete($"app{i}.{Zone}.", "A"));
            deletes.Add(Delete($"a-app{i}.{Zone}.", "TXT"));
        }

        _changes = new DnsChanges { Create = creates };
        _cleanup = new JsonObject { ["rrsets"] = deletes };
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _provider.Dispose();
        _server.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [IterationCleanup]
    public void DeleteCreated() => Send(_cleanup);

    [Benchmark]
    public Task Apply() => _provider.ApplyChangesAsync(_changes);

    private static JsonObject RrSet(string name, string type, string content) => new()
    {
        ["name"] = name,
        ["type"] = type,
        ["ttl"] = 60,
        ["changetype"] = "REPLACE",
        ["records"] = new JsonArray(new JsonObject { ["content"] = content, ["disabled"] = false }),
    };

    private static JsonObject Delete(string name, string type) => new() { ["name"] = name, ["type"] = type, ["changetype"] = "DELETE" };

    private void Patch(JsonArray rrsets) => Send(new JsonObject { ["rrsets"] = rrsets });

    private void Send(JsonObject body)
    {
        using var response = _server.Http.PatchAsJsonAsync(new Uri($"{_server.ApiUrl}/api/v1/servers/localhost/zones/{Zone}."), body)
            .GetAwaiter().GetResult();
        response.EnsureSuccessStatusCode();
    }
}
