using Ccx.Dns.Hosting;
using Ccx.Dns.Reconciliation;
using Ccx.Dns.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Ccx.Dns.Tests.Hosting;

/// <summary>A domain filter that matches no zone of the provider is said in one line after a full read, once.</summary>
public sealed class DnsSetupMonitorTests
{
    [Fact]
    public async Task FullReconciles_FilterWithoutAZone_OneWarningNamingTheFilterAndTheZonesFound()
    {
        var logs = new CapturingLoggerProvider();
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Logging.AddProvider(logs);
        builder.Services.AddDnsReconciler(o => { o.IncludeDomains.Add("db.example.com"); o.IncludeDomains.Add("api.example.org"); })
            .AddInMemoryProvider(o => o.Zones.Add("example.org"))
            .AddTxtRegistry(o => o.OwnerId = "cp");
        using var host = builder.Build();
        var monitor = host.Services.GetServices<IHostedService>().OfType<DnsSetupMonitor>().Single();
        await monitor.StartAsync(CancellationToken.None);
        var reconciler = host.Services.GetRequiredService<DnsReconciler>();

        await reconciler.RunOnceAsync();
        await reconciler.RunOnceAsync();
        await reconciler.RunOnceAsync(["x.db.example.com"]); // targeted: reads no zones, judges nothing

        var warning = Assert.Single(logs.Entries, e => e.EventId == 1030);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.StartsWith("Domain filter db.example.com matches no zone of InMemoryDnsProvider (zones found: example.org)", warning.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("api.example.org", warning.Message, StringComparison.Ordinal); // served by example.org
    }

    [Theory]
    [InlineData("db.example.org", "example.org", true)] // a parent zone serves it
    [InlineData("example.org", "eu.example.org", true)] // a zone below it
    [InlineData("db.example.org", "db.example.org", true)]
    [InlineData("db.example.org", "other.org", false)]
    [InlineData("db.example.org", "b.example.org", false)]
    public void Uncovered_ZoneAtAboveOrBelowTheFilter_Covers(string filter, string zone, bool covered) =>
        Assert.Equal(covered, DnsSetupMonitor.Uncovered([filter], [zone]).Count == 0);
}
