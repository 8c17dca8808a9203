using Ccx.Dns.Providers.Route53;
using Ccx.Dns.TestServers;

namespace Ccx.Dns.Conformance.Tests.Infrastructure;

/// <summary>One moto_server behind the rule proxy for the Route 53 conformance runs; each scenario gets its own hosted zone.</summary>
public sealed class MotoFixture : ZonePerScenarioFixture<MotoBehindRuleProxy, Route53Provider>
{
    protected override Task<MotoBehindRuleProxy> StartServerAsync() => MotoBehindRuleProxy.StartAsync();

    protected override async Task<Route53Provider> CreateZoneAndProviderCoreAsync(string zone, CancellationToken cancellationToken)
    {
        await Server.Moto.CreateZoneAsync(zone, cancellationToken: cancellationToken);
        var options = Server.Moto.ProviderOptions(zone);
        options.Endpoint = Server.Proxy.Endpoint;
        return new Route53Provider(options);
    }
}

[CollectionDefinition(Name)]
public sealed class MotoServerGroup : ICollectionFixture<MotoFixture>
{
    public const string Name = "conformance: moto (Route 53)";
}
