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
    private Route53Provider _audit = null!;

    private Route53ReliabilityZone(MotoServer moto, Route53RuleProxy proxy, string zone, string zoneId)
    {
        Moto = moto;
        Proxy = proxy;
        Zone = zone;
        ZoneId = zoneId;
    }

    public MotoServer Moto { get; }

    public Route53RuleProxy Proxy { get; }

    public string Zone { get; }

    public string ZoneId { get; }

    /// <summary>The providers' clock: retry backoffs fire at once.</summary>
    public InstantTimeProvider Time { get; } = new();

    public static async Task<Route53ReliabilityZone> StartAsync(string zone)
    {
        var moto = await MotoServer.StartAsync();
        Route53RuleProxy? proxy = null;
        try
        {
            var zoneId = await moto.CreateZoneAsync(zone);
            proxy = Route53RuleProxy.Start(moto.Endpoint);
            var result = new Route53ReliabilityZone(moto, proxy, zone, zoneId);
            result._audit = new Route53Provider(result.Options("AKIDAUDITREADER", moto.Endpoint), result.Time);
            return result;
        }
        catch
        {
            if (proxy is not null)
            {
                await proxy.DisposeAsync();
            }

            await moto.DisposeAsync();
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
        await Proxy.DisposeAsync();
        await Moto.DisposeAsync();
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
