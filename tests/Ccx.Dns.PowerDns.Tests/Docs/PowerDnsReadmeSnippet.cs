using Ccx.Dns;
using Microsoft.Extensions.DependencyInjection;

namespace DocSnippets;

/// <summary>
/// src/Ccx.Dns.PowerDns/README.md's first snippet, compiled with exactly the using lines it shows and run against a
/// real pdns_server (DocSnippetTests in Ccx.Dns.Tests checks the README shows it word for word).
/// </summary>
[Collection(Ccx.Dns.PowerDns.Tests.Infrastructure.PowerDnsServerGroup.Name)]
[Trait("Category", "Integration")]
public sealed class PowerDnsReadmeSnippet(Ccx.Dns.PowerDns.Tests.Infrastructure.PowerDnsServerFixture server)
{
    [Fact]
    public async Task Snippet_RegistersPowerDnsThatReadsTheZone()
    {
        var services = new ServiceCollection();
        var (apiUrl, apiKey, zone) = (server.ApiUrl, server.ApiKey, await server.CreateZoneAsync());

        // begin-snippet: powerdns-readme
        services.AddDnsReconciler()
            .AddPowerDnsProvider(o =>
            {
                o.ApiUrl = apiUrl;                     // the PowerDNS webserver, e.g. http://127.0.0.1:8081; may include a path prefix
                o.ApiKey = apiKey;                     // sent as X-API-Key, never logged
                o.IncludeDomains.Add(zone);            // optional domain filter, e.g. "example.org"
            })
            .AddTxtRegistry(o => o.OwnerId = "control-plane-eu1");
        // or: .AddPowerDnsProvider(configuration.GetSection("PowerDns")), or "Provider": "PowerDns" in configuration
        // end-snippet

        await using var provider = services.AddLogging().BuildServiceProvider();
        var result = await provider.GetRequiredService<Ccx.Dns.Reconciliation.DnsReconciler>().RunOnceAsync();
        Assert.True(result.Succeeded, result.ToString());
        Assert.Equal([zone], (provider.GetRequiredService<Ccx.Dns.Providers.IDnsProvider>() as Ccx.Dns.Providers.IZoneAwareDnsProvider)!.KnownZones);
    }
}
