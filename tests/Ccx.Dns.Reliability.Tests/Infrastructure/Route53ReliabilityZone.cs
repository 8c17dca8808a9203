using Amazon.Runtime;
using Ccx.Dns.Endpoints;
using Ccx.Dns.Route53;
using Ccx.Dns.TestServers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ccx.Dns.Reliability.Tests.Infrastructure;

/// <summary>
/// One hosted zone on moto_server behind <see cref="Route53RuleProxy"/> (Route 53's rules and wire faults): providers
/// that talk to the proxy by URL over their own HTTP handler, one per process of a run, and an audit that reads the
/// zone straight from moto, around the proxy.
/// </summary>
public sealed class Route53ReliabilityZone : IAsyncDisposable
{
    private readonly List<Route53Provider> _providers = [];
    private readonly MotoBehindRuleProxy _servers;
    private Route53Provider _audit = null!;

    private Route53ReliabilityZone(MotoBehindRuleProxy servers, string zone, string zoneId)
    {
        _servers = servers;
        Zone = zone;
        ZoneId = zoneId;
    }

    public MotoServer Moto => _servers.Moto;

    public Route53RuleProxy Proxy => _servers.Proxy;

    public string Zone { get; }

    public string ZoneId { get; }

    /// <summary>The providers' clock: retry backoffs fire at once.</summary>
    public InstantTimeProvider Time { get; } = new();

    public static async Task<Route53ReliabilityZone> StartAsync(string zone)
    {
        var servers = await MotoBehindRuleProxy.StartAsync();
        try
        {
            var result = new Route53ReliabilityZone(servers, zone, await servers.Moto.CreateZoneAsync(zone));
            result._audit = new Route53Provider(result.Options("AKIDAUDITREADER", servers.Moto.Endpoint), result.Time);
            return result;
        }
        catch
        {
            await servers.DisposeAsync();
            throw;
        }
    }

    /// <summary>A new provider (a new process) signing as <paramref name="accessKey"/>, talking to the proxy.</summary>
    public Route53Provider NewProvider(string accessKey, ILoggerFactory? logs = null, Action<Route53ProviderOptions>? configure = null)
    {
        var options = Options(accessKey, Proxy.Endpoint);
        configure?.Invoke(options);
        var provider = new Route53Provider(options, Time, logs ?? NullLoggerFactory.Instance);
        lock (_providers)
        {
            _providers.Add(provider);
        }

        return provider;
    }

    /// <summary>The zone as moto holds it, read around the proxy (apex NS left out; SOA is not a managed type).</summary>
    public async Task<IReadOnlyList<DnsEndpoint>> ReadAsync() =>
        [.. (await _audit.GetRecordsAsync()).Where(r => !(r.RecordType == RecordType.NS && DnsNames.AreEqual(r.DnsName, Zone)))];

    /// <summary>Record set keys moto holds twice or more (none on Route 53).</summary>
    public Task<IReadOnlyList<string>> DuplicatesAsync() => Proxy.DuplicateRecordSetsAsync(ZoneId);

    public async ValueTask DisposeAsync()
    {
        lock (_providers)
        {
            _providers.ForEach(p => p.Dispose());
        }

        _audit?.Dispose();
        await _servers.DisposeAsync();
    }

    private Route53ProviderOptions Options(string accessKey, Uri endpoint)
    {
        var options = Moto.ProviderOptions(Zone);
        options.Endpoint = endpoint;
        options.Credentials = new BasicAWSCredentials(accessKey, "reliability-secret-" + accessKey);
        options.ZonesCacheDuration = TimeSpan.FromHours(1);
        return options;
    }
}
