using Ccx.Dns.Route53;
using Ccx.Dns.TestServers;

namespace Ccx.Dns.Conformance.Tests.Infrastructure;

/// <summary>moto_server with the project's <see cref="Route53RuleProxy"/> in front (Route 53's rules, which moto does not enforce).</summary>
public sealed class MotoBehindRuleProxy(MotoServer moto, Route53RuleProxy proxy) : IAsyncDisposable
{
    public MotoServer Moto { get; } = moto;

    public Route53RuleProxy Proxy { get; } = proxy;

    public async ValueTask DisposeAsync()
    {
        await Proxy.DisposeAsync();
        await Moto.DisposeAsync();
    }
}

/// <summary>One moto_server behind the rule proxy for the Route 53 conformance runs; each scenario gets its own hosted zone.</summary>
public sealed class MotoFixture : ZonePerScenarioFixture<MotoBehindRuleProxy, Route53Provider>
{
    protected override async Task<MotoBehindRuleProxy> StartServerAsync()
    {
        var moto = await MotoServer.StartAsync();
        return new MotoBehindRuleProxy(moto, Route53RuleProxy.Start(moto.Endpoint));
    }

    protected override async Task<Route53Provider> CreateZoneAndProviderCoreAsync(string zone, CancellationToken cancellationToken)
    {
        await Server.Moto.CreateZoneAsync(zone, cancellationToken);
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
