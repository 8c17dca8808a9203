using Ccx.Dns.PowerDns;
using Ccx.Dns.TestServers;

namespace Ccx.Dns.Conformance.Tests.Infrastructure;

/// <summary>One real pdns_server for the PowerDNS conformance runs; each scenario gets its own zone.</summary>
public sealed class PowerDnsFixture : ZonePerScenarioFixture<PowerDnsServer, PowerDnsProvider>
{
    protected override Task<PowerDnsServer> StartServerAsync() => PowerDnsServer.StartAsync();

    protected override async Task<PowerDnsProvider> CreateZoneAndProviderCoreAsync(string zone, CancellationToken cancellationToken)
    {
        await Server.CreateZoneAsync(zone, cancellationToken);
        return new PowerDnsProvider(Server.ProviderOptions(zone));
    }
}

[CollectionDefinition(Name)]
public sealed class PowerDnsServerGroup : ICollectionFixture<PowerDnsFixture>
{
    public const string Name = "conformance: PowerDNS";
}
