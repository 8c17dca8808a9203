using System.Collections.Concurrent;
using Ccx.Dns.Providers.PowerDns;
using Ccx.Dns.TestServers;

namespace Ccx.Dns.Conformance.Tests.Infrastructure;

/// <summary>One real pdns_server for the PowerDNS conformance runs; each scenario gets its own zone.</summary>
public sealed class PowerDnsFixture : IAsyncLifetime
{
    private readonly ConcurrentBag<PowerDnsProvider> _providers = [];

    public PowerDnsServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await PowerDnsServer.StartAsync();

    public async Task<PowerDnsProvider> CreateZoneAndProviderAsync(string zone, CancellationToken cancellationToken)
    {
        await Server.CreateZoneAsync(zone, cancellationToken);
        var provider = new PowerDnsProvider(Server.ProviderOptions(zone));
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
public sealed class PowerDnsServerGroup : ICollectionFixture<PowerDnsFixture>
{
    public const string Name = "conformance: PowerDNS";
}
