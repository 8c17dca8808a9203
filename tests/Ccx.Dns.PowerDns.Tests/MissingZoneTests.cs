using System.Globalization;
using Ccx.Dns.PowerDns.Tests.Infrastructure;
using Ccx.Dns.Reconciliation;
using Ccx.Dns.Sources.Datastore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Ccx.Dns.PowerDns.Tests;

/// <summary>
/// A domain filter whose PowerDNS zone was never created: one line says so (not the root cause once per record), and
/// <c>CreateMissingZones</c> creates the zone — plain, not rectified, with a low negative-cache TTL — when asked to.
/// </summary>
[Collection(PowerDnsServerGroup.Name)]
[Trait("Category", "Integration")]
public sealed class MissingZoneTests(PowerDnsServerFixture server)
{
    private const int Clusters = 10;

    [Fact]
    public async Task ZoneNeverCreated_OneLineNamesTheFilterAndTheRootCauseIsNotRepeatedPerRecord()
    {
        var domain = $"missing-{Guid.NewGuid():N}"[..16] + ".ccx.test";
        var logs = new CapturingLoggerProvider();
        using var host = Build(logs, domain, createMissingZones: false);
        var monitor = host.Services.GetServices<IHostedService>().Single(s => s.GetType().Name == "DnsSetupMonitor"); // the set-up log, without the loop
        await monitor.StartAsync(CancellationToken.None);
        var reconciler = host.Services.GetRequiredService<DnsReconciler>();

        var first = await reconciler.RunOnceAsync();
        var second = await reconciler.RunOnceAsync();

        Assert.Equal((ReconcileOutcome.Failed, ReconcileOutcome.Failed), (first.Outcome, second.Outcome));
        var warning = Assert.Single(logs.Entries, e => e.EventId == 1030);
        Assert.Contains($"Domain filter {domain} matches no zone of PowerDnsProvider", warning.Message, StringComparison.Ordinal);
        Assert.Contains("zones found: ", warning.Message, StringComparison.Ordinal);

        // The root cause once per reconcile at Information and above (the reconciler's line), not once per record.
        var text = logs.Text();
        var perRun = CountOf(text, "no zone of the PowerDNS server contains the name");
        Assert.True(perRun <= 2, $"the root cause appears {perRun} times in two reconciles:\n{text}");
        Assert.True(text.Length < 4_000, $"{text.Length} characters of log for two reconciles:\n{text}");
        var refused = logs.Entries.Where(e => e.EventId == 5).ToList(); // the provider's own summary, at Debug
        Assert.Equal(2, refused.Count); // one per reconcile
        Assert.StartsWith($"{4 * Clusters} endpoint(s) not applied: no zone of the PowerDNS server contains the name", refused[0].Message, StringComparison.Ordinal);
        Assert.Contains("and 37 more", refused[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateMissingZones_CreatesAPlainZoneWithALowNegativeTtlAndTheRecordsAreServed()
    {
        var domain = $"created-{Guid.NewGuid():N}"[..16] + ".ccx.test";
        var logs = new CapturingLoggerProvider();
        using var host = Build(logs, domain, createMissingZones: true);
        var monitor = host.Services.GetServices<IHostedService>().Single(s => s.GetType().Name == "DnsSetupMonitor"); // the set-up log, without the loop
        await monitor.StartAsync(CancellationToken.None);

        var result = await host.Services.GetRequiredService<DnsReconciler>().RunOnceAsync();

        Assert.Equal(ReconcileOutcome.Applied, result.Outcome);
        Assert.DoesNotContain(logs.Entries, e => e.EventId == 1030);
        Assert.Single(logs.Entries, e => e.EventId == 9 && e.Message.Contains(domain, StringComparison.Ordinal));
        Assert.Equal(["10.0.0.0"], await server.Dig.DataAsync($"{Id(0)}.{domain}", "A"));
        var soa = Assert.Single(await server.Dig.DataAsync(domain, "SOA"));
        Assert.EndsWith(" 60", soa, StringComparison.Ordinal); // SOA minimum: the negative-cache TTL
        var zone = await server.Http.GetStringAsync($"{server.ApiUrl}/api/v1/servers/localhost/zones/{domain}.");
        Assert.Contains("\"api_rectify\": false", zone, StringComparison.Ordinal);
        Assert.Contains("\"kind\": \"Native\"", zone, StringComparison.Ordinal);
    }

    private static Guid Id(int i) => Guid.Parse(string.Create(CultureInfo.InvariantCulture, $"00000000-0000-4000-8000-{i:D12}"));

    private static int CountOf(string text, string part)
    {
        var count = 0;
        for (var at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + part.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    private IHost Build(CapturingLoggerProvider logs, string domain, bool createMissingZones)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Logging.AddProvider(logs).SetMinimumLevel(LogLevel.Debug);
        builder.Services.AddDnsReconciler(o => o.IncludeDomains.Add(domain))
            .AddPowerDnsProvider(o =>
            {
                o.ApiUrl = server.ApiUrl;
                o.ApiKey = server.ApiKey;
                o.IncludeDomains.Add(domain);
                o.CreateMissingZones = createMissingZones;
            })
            .AddTxtRegistry(o => o.OwnerId = "control-plane-eu1")
            .AddDatastoreNamingSource();
        var host = builder.Build();
        host.Services.GetRequiredService<DatastoreNamingSource>().SetClusters(Enumerable.Range(0, Clusters).Select(i =>
            new DatastoreCluster(Id(i), domain, [new($"10.0.{i}.0", DatastoreNodeRole.Primary), new($"10.0.{i}.1", DatastoreNodeRole.Replica)])));
        return host;
    }
}
