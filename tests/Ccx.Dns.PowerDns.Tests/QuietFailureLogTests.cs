using Ccx.Dns.PowerDns.Tests.Infrastructure;
using Ccx.Dns.Reconciliation;
using Ccx.Dns.Sources.Datastore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Ccx.Dns.PowerDns.Tests;

/// <summary>
/// PowerDNS down (nothing listens on its API port): every failed reconcile is one log line with the cause chain, health
/// probes log no stack trace, and stack traces appear only at Debug.
/// </summary>
public sealed class QuietFailureLogTests
{
    [Fact]
    public async Task PowerDnsDown_ReconcilesAndHealthProbes_OneLinePerFailureWithTheCauseAndNoStackAboveDebug()
    {
        var logs = new CapturingLoggerProvider();
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Logging.AddProvider(logs).SetMinimumLevel(LogLevel.Debug);
        builder.Services.AddDnsReconciler()
            .AddPowerDnsProvider(o =>
            {
                o.ApiUrl = $"http://127.0.0.1:{LoopbackPorts.FreeTcpPort()}"; // nothing listens there
                o.ApiKey = "k";
                o.IncludeDomains.Add("db.example.org");
            })
            .AddCaching()
            .AddTxtRegistry(o => o.OwnerId = "control-plane-eu1")
            .AddDatastoreNamingSource();
        builder.Services.AddHealthChecks().AddDnsReconcilerCheck();
        using var host = builder.Build();
        var reconciler = host.Services.GetRequiredService<DnsReconciler>();
        var health = host.Services.GetRequiredService<HealthCheckService>();

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(ReconcileOutcome.Failed, (await reconciler.RunOnceAsync()).Outcome);
            for (var probe = 0; probe < 5; probe++)
            {
                Assert.Equal(HealthStatus.Degraded, (await health.CheckHealthAsync()).Status);
            }
        }

        var visible = logs.Entries.Where(e => e.Level >= LogLevel.Information).ToList();
        Assert.All(visible, e => Assert.Null(e.Exception));
        Assert.DoesNotContain("   at ", logs.Text(LogLevel.Information), StringComparison.Ordinal);
        var failures = visible.Where(e => e.Category == typeof(DnsReconciler).FullName).ToList();
        Assert.Equal(3, failures.Count); // one line per failed reconcile, from the reconciler only
        Assert.All(failures, f => Assert.Contains("cannot reach PowerDNS at http://127.0.0.1:", f.Message, StringComparison.Ordinal));
        Assert.Contains("(failure 3 in a row)", failures[2].Message, StringComparison.Ordinal);
        Assert.Contains(logs.Entries, e => e.Level == LogLevel.Debug && e.EventId == 1015 && e.Exception is not null);
        Assert.All(visible, e => Assert.DoesNotContain('\n', e.Message)); // every line one line (the health service logs each probe's description)
        var text = logs.Text(LogLevel.Information);
        Assert.True(text.Length < 3 * 6 * 500, $"{text.Length} characters of log at Information and above for 3 failures and 15 probes:\n{text}");
    }
}
