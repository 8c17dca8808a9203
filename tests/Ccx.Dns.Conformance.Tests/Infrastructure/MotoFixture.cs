using System.Collections.Concurrent;
using Ccx.Dns.Providers.Route53;
using Ccx.Dns.TestServers;

namespace Ccx.Dns.Conformance.Tests.Infrastructure;

/// <summary>One moto_server for the Route 53 conformance runs; each scenario gets its own hosted zone.</summary>
public sealed class MotoFixture : IAsyncLifetime
{
    private readonly ConcurrentBag<Route53Provider> _providers = [];

    public MotoServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await MotoServer.StartAsync();

    public async Task<Route53Provider> CreateZoneAndProviderAsync(string zone, CancellationToken cancellationToken)
    {
        await Server.CreateZoneAsync(zone, cancellationToken);
        var provider = new Route53Provider(Server.ProviderOptions(zone));
        _providers.Add(provider);
        return provider;
    }

    public async Task DisposeAsync()
    {
        foreach (var provider in _providers)
        {
            provider.Dispose();
        }

        if (Server is not null)
        {
            await Server.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class MotoServerGroup : ICollectionFixture<MotoFixture>
{
    public const string Name = "conformance: moto (Route 53)";
}
