using Ccx.Dns.Providers.Route53;
using Ccx.Dns.TestServers;

namespace Ccx.Dns.Conformance.Tests.Infrastructure;

/// <summary>One moto_server for the Route 53 conformance runs; each scenario gets its own hosted zone.</summary>
public sealed class MotoFixture : ZonePerScenarioFixture<MotoServer, Route53Provider>
{
    protected override Task<MotoServer> StartServerAsync() => MotoServer.StartAsync();

    protected override async Task<Route53Provider> CreateZoneAndProviderCoreAsync(string zone, CancellationToken cancellationToken)
    {
        await Server.CreateZoneAsync(zone, cancellationToken);
        return new Route53Provider(Server.ProviderOptions(zone));
    }
}

[CollectionDefinition(Name)]
public sealed class MotoServerGroup : ICollectionFixture<MotoFixture>
{
    public const string Name = "conformance: moto (Route 53)";
}
