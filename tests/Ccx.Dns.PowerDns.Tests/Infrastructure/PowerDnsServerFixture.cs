using Ccx.Dns.PowerDns;

namespace Ccx.Dns.PowerDns.Tests.Infrastructure;

/// <summary>
/// The shared real pdns_server (<see cref="PowerDnsServer"/>) for the PowerDNS tests. Tests create their own zones
/// through the API.
/// </summary>
public class PowerDnsServerFixture : ServerFixture<PowerDnsServer>
{
    public string ApiKey => Server.ApiKey;

    public string ApiUrl => Server.ApiUrl;

    public HttpClient Http => Server.Http;

    public DigClient Dig => Server.Dig;

    /// <summary>Extra environment for eng/infra/start-pdns.sh, or null.</summary>
    protected virtual IReadOnlyDictionary<string, string>? Environment => null;

    /// <summary>Options pointing at this server, limited to the given zones.</summary>
    public PowerDnsProviderOptions Options(params string[] includeDomains) => Server.ProviderOptions(includeDomains);

    /// <summary>Creates a Native zone (a unique one when no name is given) and returns its name without the dot.</summary>
    public Task<string> CreateZoneAsync(string? name = null) => Server.CreateZoneAsync(name);

    /// <summary>The zone's RRsets as PowerDNS stores them: (name, type, ttl, contents), read directly from the API.</summary>
    public Task<IReadOnlyList<(string Name, string Type, long Ttl, string[] Contents)>> ReadRrSetsAsync(string zone) => Server.ReadRrSetsAsync(zone);

    protected override Task<PowerDnsServer> StartServerAsync() => PowerDnsServer.StartAsync(Environment);
}

[CollectionDefinition(Name)]
public sealed class PowerDnsServerGroup : ICollectionFixture<PowerDnsServerFixture>
{
    public const string Name = "PowerDNS server";
}

/// <summary>A second pdns_server, started with <c>expand-alias=yes</c> and itself as <c>resolver=</c>, so that ALIAS records answer A queries.</summary>
public sealed class ExpandAliasPowerDnsServerFixture : PowerDnsServerFixture
{
    protected override IReadOnlyDictionary<string, string>? Environment { get; } = new Dictionary<string, string> { ["PDNS_EXPAND_ALIAS"] = "yes" };
}
