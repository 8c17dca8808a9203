using Ccx.Dns;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace DocSnippets;

/// <summary>
/// docs/getting-started.md, "From configuration only": the page's appsettings.json (read from the page itself, passed
/// as command-line configuration) and its program, run as printed in run-once mode.
/// </summary>
public sealed class ConfigurationSnippet
{
    [Fact]
    public async Task Snippet_ConfigurationOnlyHost_RunsOnceAndExitsZero()
    {
        string[] args = [.. Ccx.Dns.Tests.Docs.DocSnippets.JsonAsArguments("getting-started-appsettings"), "--Dns:Once=true"];
        var exitCode = Environment.ExitCode;
        Environment.ExitCode = 99;
        try
        {
            // begin-snippet: getting-started-configuration
            var builder = Host.CreateApplicationBuilder(args);       // appsettings.json, environment, command line
            builder.Services.AddDnsReconciler(builder.Configuration.GetSection("Dns"));
            builder.Services.AddHealthChecks().AddDnsReconcilerCheck();

            using var host = builder.Build();
            await host.RunAsync();   // with --Dns:Once=true: one reconcile, its report, exit code 0 or 1
            // end-snippet

            Assert.Equal(0, Environment.ExitCode); // RunAsync returned by itself, after one reconcile that completed
        }
        finally
        {
            Environment.ExitCode = exitCode;
        }
    }

    [Fact]
    public async Task PageConfiguration_ChoosesProviderRegistrySourceFilterAndDurations()
    {
        var builder = Host.CreateApplicationBuilder([.. Ccx.Dns.Tests.Docs.DocSnippets.JsonAsArguments("getting-started-appsettings")]);
        builder.Services.AddDnsReconciler(builder.Configuration.GetSection("Dns"));
        using var host = builder.Build();

        var options = host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Ccx.Dns.Reconciliation.DnsReconcilerOptions>>().Value;
        Assert.Equal((TimeSpan.FromMinutes(1), TimeSpan.FromMilliseconds(500)), (options.Interval, options.MinEventSyncInterval));
        Assert.Equal(["db.example.org"], options.IncludeDomains);
        Assert.Equal(["db.example.org"], host.Services.GetRequiredService<Ccx.Dns.Providers.InMemory.InMemoryDnsProvider>().Zones);
        Assert.Equal("control-plane-eu1", host.Services.GetRequiredService<Ccx.Dns.Registry.IRegistry>().OwnerId);
        var source = host.Services.GetRequiredService<Ccx.Dns.Sources.Datastore.DatastoreNamingSource>();
        source.SetCluster(new(Guid.Parse("3f1b7c1e-0d52-4c43-9b8e-5a3c2d1e0f01"), "db.example.org", [new("10.0.1.10", Ccx.Dns.Sources.Datastore.DatastoreNodeRole.Primary)]));
        var result = await host.Services.GetRequiredService<Ccx.Dns.Reconciliation.DnsReconciler>().RunOnceAsync();
        Assert.True(result.Applied, result.ToString());
        Assert.Equal(30, result.AppliedChanges.Create.Single(e => e.RecordType == Ccx.Dns.Endpoints.RecordType.A).Ttl); // "RecordTtl": "30s"
    }
}
