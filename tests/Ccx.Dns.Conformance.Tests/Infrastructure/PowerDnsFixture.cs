using Ccx.Dns.PowerDns;
using Ccx.Dns.TestServers;

namespace Ccx.Dns.Conformance.Tests.Infrastructure;

/// <summary>One real pdns_server for the PowerDNS conformance runs; each scenario gets its own zone.</summary>
public sealed class PowerDnsFixture() : ZonePerScenarioFixture<PowerDnsServer, PowerDnsProvider>(
    () => PowerDnsServer.StartAsync(),
    async (server, zone, cancellationToken) => new PowerDnsProvider(server.ProviderOptions(await server.CreateZoneAsync(zone, cancellationToken))));

[CollectionDefinition(Name)]
public sealed class PowerDnsServerGroup : ICollectionFixture<PowerDnsFixture>
{
    public const string Name = "conformance: PowerDNS";
}
