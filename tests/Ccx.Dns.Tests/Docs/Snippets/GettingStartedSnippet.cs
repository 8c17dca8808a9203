using Ccx.Dns;
using Ccx.Dns.Reconciliation;
using Ccx.Dns.Sources.Datastore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace DocSnippets;

/// <summary>
/// docs/getting-started.md, "Wire it in": compiled and run here. The namespace lies outside Ccx.Dns and this file's
/// using directives are exactly the ones the page shows, so the snippet compiles with what it prints.
/// </summary>
public sealed class GettingStartedSnippet
{
    [Fact]
    public async Task Snippet_ReconcilesTheDatastoreNames()
    {
        var builder = Host.CreateApplicationBuilder();

        // begin-snippet: getting-started
        builder.Services.AddDnsReconciler(options =>
            {
                options.Interval = TimeSpan.FromMinutes(1);          // periodic safety net
                options.MinEventSyncInterval = TimeSpan.FromMilliseconds(500); // changes apply at once
            })
            .AddInMemoryProvider(o => o.Zones.Add("db.example.org")) // or AddRoute53Provider, AddPowerDnsProvider, AddRfc2136Provider
            .AddCaching(o => o.CacheDuration = TimeSpan.FromMinutes(5))
            .AddTxtRegistry(o => o.OwnerId = "control-plane-eu1")  // ExternalDNS-compatible ownership
            .AddDatastoreNamingSource(o => o.RecordTtl = TimeSpan.FromSeconds(30));
        builder.Services.AddHealthChecks().AddDnsReconcilerCheck();

        using var host = builder.Build();
        var clusters = host.Services.GetRequiredService<DatastoreNamingSource>();
        clusters.SetCluster(new DatastoreCluster(
            Guid.Parse("3f1b7c1e-0d52-4c43-9b8e-5a3c2d1e0f01"),
            "db.example.org",
            [new("10.0.1.10", DatastoreNodeRole.Primary), new("10.0.1.11", DatastoreNodeRole.Replica)]));

        // Hosted: await host.RunAsync(); — or one pass on demand:
        var result = await host.Services.GetRequiredService<DnsReconciler>().RunOnceAsync();
        Console.WriteLine(result.ToMarkdown());
        // end-snippet

        Assert.True(result.Applied, result.ToString());
        var zone = await host.Services.GetRequiredService<Ccx.Dns.Providers.InMemory.InMemoryDnsProvider>().GetRecordsAsync();
        Assert.Contains(zone, r => r.DnsName == "3f1b7c1e-0d52-4c43-9b8e-5a3c2d1e0f01.db.example.org" && r.RecordType == Ccx.Dns.Endpoints.RecordType.A && r.Targets.SequenceEqual(["10.0.1.10"]));
        Assert.Contains(zone, r => r.DnsName == "replica.3f1b7c1e-0d52-4c43-9b8e-5a3c2d1e0f01.db.example.org" && r.Targets.SequenceEqual(["10.0.1.11"]));
        Assert.Contains(zone, r => r.DnsName == "a-3f1b7c1e-0d52-4c43-9b8e-5a3c2d1e0f01.db.example.org" && r.RecordType == Ccx.Dns.Endpoints.RecordType.TXT);
    }
}
