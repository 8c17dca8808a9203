using Ccx.Dns;
using Ccx.Dns.Patroni;
using Microsoft.Extensions.DependencyInjection;

namespace DocSnippets;

/// <summary>
/// src/Ccx.Dns.Patroni/README.md's snippet, compiled with exactly the using lines it shows and run against a real
/// pdns_server and scripted Patroni members: one reconcile publishes the leader and the replica, the health check
/// reports the datastore, and the callback listener it configures answers a refresh (DocSnippetTests in Ccx.Dns.Tests
/// checks the README shows it word for word).
/// </summary>
[Trait("Category", "Integration")]
public sealed class PatroniReadmeSnippet
{
    [Fact]
    public async Task Snippet_PublishesTheClusterIntoPowerDnsAndServesTheCallback()
    {
        await using var pdns = await Ccx.Dns.TestServers.PowerDnsServer.StartAsync();
        await pdns.CreateZoneAsync("db.example.org");
        await using var cluster = Ccx.Dns.Patroni.Tests.Infrastructure.ScriptedCluster.Start(2);
        cluster.AnswerAll(cluster.Leader(0), cluster.Replica(1));
        var configuration = Microsoft.Extensions.Configuration.MemoryConfigurationBuilderExtensions.AddInMemoryCollection(
            new Microsoft.Extensions.Configuration.ConfigurationBuilder(),
            new Dictionary<string, string?>
            {
                ["PowerDns:ApiUrl"] = pdns.ApiUrl,
                ["PowerDns:ApiKey"] = pdns.ApiKey,
                ["PowerDns:IncludeDomains:0"] = "db.example.org",
            }).Build();
        var services = new ServiceCollection();
        var ordersId = Guid.NewGuid();
        var (member1, member2) = (cluster.Members[0].Url, cluster.Members[1].Url);
        var callbackPrefix = $"http://127.0.0.1:{Ccx.Dns.TestServers.LoopbackPorts.FreeTcpPort()}/ccx-dns/patroni/";

        // begin-snippet: patroni-readme
        services.AddDnsReconciler()
            .AddPowerDnsProvider(configuration.GetSection("PowerDns"))
            .AddTxtRegistry(o => o.OwnerId = "db-control-plane")
            .AddPatroniSource(o =>
            {
                var orders = new PatroniDatastoreOptions { Id = ordersId, UserDomain = "db.example.org" };
                orders.RestApiUrls.Add(member1);               // every member's restapi.connect_address, e.g. http://10.0.0.11:8008
                orders.RestApiUrls.Add(member2);
                o.Datastores.Add(orders);
                o.PollInterval = TimeSpan.FromSeconds(1);
                o.CallbackListenerPrefix = callbackPrefix;     // optional: Patroni's callbacks, e.g. http://10.0.0.5:8089/ccx-dns/patroni/
            });
        // or: .AddPatroniSource(configuration.GetSection("Patroni")), or "Sources": [ "Patroni" ] in configuration
        services.AddHealthChecks().AddPatroniSourceCheck();
        // end-snippet

        await using var provider = services.AddLogging().BuildServiceProvider();
        var result = await provider.GetRequiredService<Ccx.Dns.Reconciliation.DnsReconciler>().RunOnceAsync();
        Assert.True(result.Succeeded, result.ToString());
        var query = pdns.Query();
        Assert.Equal([Ccx.Dns.Patroni.Tests.Infrastructure.ScriptedCluster.Host(0)], await Ccx.Dns.Patroni.Tests.Infrastructure.PatroniDocPage.AddressesAsync(query, $"{ordersId}.db.example.org"));
        Assert.Equal([Ccx.Dns.Patroni.Tests.Infrastructure.ScriptedCluster.Host(1)], await Ccx.Dns.Patroni.Tests.Infrastructure.PatroniDocPage.AddressesAsync(query, $"replica.{ordersId}.db.example.org"));
        var health = await provider.GetRequiredService<Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckService>().CheckHealthAsync();
        Assert.Equal(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy, health.Entries["ccx-dns-patroni"].Status);

        var hosted = provider.GetServices<Microsoft.Extensions.Hosting.IHostedService>().Single(s => s.GetType().Name == "PatroniHostedService");
        await hosted.StartAsync(CancellationToken.None);
        try
        {
            using var http = new HttpClient();
            using var response = await http.PostAsync(new Uri($"{callbackPrefix}refresh/{ordersId}?action=on_role_change&role=master"), null);
            Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
            Assert.Contains("Published", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        finally
        {
            await hosted.StopAsync(CancellationToken.None);
        }
    }
}
