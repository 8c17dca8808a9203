using Ccx.Dns.Hosting;
using Ccx.Dns.PowerDns.Tests.Infrastructure;
using Ccx.Dns.Providers.PowerDns;
using Ccx.Dns.Reconciliation;
using Ccx.Dns.Sources.Datastore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Ccx.Dns.PowerDns.Tests;

/// <summary>
/// A generic host configured from configuration alone, ExternalDNS style, against a real pdns_server: provider and
/// registry by name (ExternalDNS's <c>pdns</c>), one domain filter, ExternalDNS durations, run-once with its exit code.
/// </summary>
[Collection(PowerDnsServerGroup.Name)]
[Trait("Category", "Integration")]
public sealed class ConfigurationOnlyHostTests(PowerDnsServerFixture server)
{
    [Fact]
    public async Task RunOnce_PdnsChosenByName_RecordsServedAndExitCodeZero()
    {
        var zone = await server.CreateZoneAsync();
        var exitCode = Environment.ExitCode;
        try
        {
            var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Dns:Provider"] = "pdns",
                ["Dns:Registry"] = "Txt",
                ["Dns:DomainFilter:0"] = zone,
                ["Dns:Interval"] = "1m",
                ["Dns:MinEventSyncInterval"] = "250ms",
                ["Dns:Once"] = "true",
                ["Dns:PowerDns:ApiUrl"] = server.ApiUrl,
                ["Dns:PowerDns:ApiKey"] = server.ApiKey,
                ["Dns:PowerDns:Timeout"] = "10s",
                ["Dns:Txt:OwnerId"] = "control-plane-eu1",
                ["Dns:Sources:0"] = "DatastoreNaming",
            });
            builder.Services.AddDnsReconciler(builder.Configuration.GetSection("Dns"));
            using var host = builder.Build();
            var powerDns = host.Services.GetRequiredService<IOptions<PowerDnsProviderOptions>>().Value;
            var outcome = host.Services.GetRequiredService<DnsRunOnceOutcome>();
            var id = Guid.NewGuid();
            host.Services.GetRequiredService<DatastoreNamingSource>().SetCluster(new(id, zone, [new("10.0.7.10", DatastoreNodeRole.Primary)]));

            await host.RunAsync().WaitAsync(TimeSpan.FromSeconds(60));

            Assert.Equal((0, ReconcileOutcome.Applied), (outcome.ExitCode, outcome.Result!.Outcome));
            Assert.Equal([zone], powerDns.IncludeDomains); // the one domain filter, shared
            Assert.Equal(TimeSpan.FromSeconds(10), powerDns.Timeout);
            Assert.Equal(["10.0.7.10"], await server.Dig.DataAsync($"{id}.{zone}", "A"));
        }
        finally
        {
            Environment.ExitCode = exitCode;
        }
    }

    [Fact]
    public async Task StartAsync_PowerDnsSettingMissing_ErrorNamesTheNestedPath()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Dns:Provider"] = "PowerDns",
            ["Dns:Registry"] = "Txt",
            ["Dns:PowerDns:ApiUrl"] = "http://127.0.0.1:8081",
            ["Dns:Txt:OwnerId"] = "cp",
        });
        builder.Services.AddDnsReconciler(builder.Configuration.GetSection("Dns"));
        using var host = builder.Build();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Equal("Dns:PowerDns:ApiKey (PowerDnsProviderOptions.ApiKey) is required.", Assert.Single(ex.Failures));
    }
}
