using Ccx.Dns.Route53;
using Ccx.Dns.TestServers;

namespace Ccx.Dns.Conformance.Tests.Infrastructure;

/// <summary>One moto_server behind the rule proxy for the Route 53 conformance runs; each scenario gets its own hosted zone.</summary>
public sealed class MotoFixture() : ZonePerScenarioFixture<MotoBehindRuleProxy, Route53Provider>(MotoBehindRuleProxy.StartAsync, CreateZoneAndProviderAsync)
{
    /// <summary>A hosted zone on moto and a provider for it that talks to the rule proxy.</summary>
    private static async Task<Route53Provider> CreateZoneAndProviderAsync(MotoBehindRuleProxy servers, string zone, CancellationToken cancellationToken)
    {
        await servers.Moto.CreateZoneAsync(zone, cancellationToken: cancellationToken);
        var options = servers.Moto.ProviderOptions(zone);
        options.Endpoint = servers.Proxy.Endpoint;
        return new Route53Provider(options);
    }
}

[CollectionDefinition(Name)]
public sealed class MotoServerGroup : ICollectionFixture<MotoFixture>
{
    public const string Name = "conformance: moto (Route 53)";
}
