using Ccx.Dns.Diagnostics;
using Ccx.Dns.Hosting;
using Ccx.Dns.Providers;
using Ccx.Dns.Reconciliation;
using Ccx.Dns.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using static Ccx.Dns.Tests.TestSupport.ReconcilerHarness;

namespace Ccx.Dns.Tests.Hosting;

/// <summary>Failures are one line each with their cause chain; stack traces only at Debug; a repeated failure is not repeated per caller.</summary>
public sealed class QuietFailureLogTests
{
    private static DnsProviderException Down() =>
        new("provider unreachable", isTransient: true, new HttpRequestException("Connection refused (127.0.0.1:1)", new IOException("socket closed")));

    [Fact]
    public async Task FailedReconcilesAndHealthProbes_OneLineEachWithTheCauseChain_StackOnlyAtDebug()
    {
        var logs = new CapturingLoggerProvider();
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Logging.AddProvider(logs).SetMinimumLevel(LogLevel.Debug);
        var registry = default(OwnerLabelRegistry);
        builder.Services.AddDnsReconciler().AddInMemoryProvider(o => o.Zones.Add(Zone)).AddCaching();
        builder.Services.AddSingleton<Ccx.Dns.Registry.IRegistry>(sp => registry = new OwnerLabelRegistry(sp.GetRequiredService<IDnsProvider>()));
        builder.Services.AddHealthChecks().AddDnsReconcilerCheck();
        using var host = builder.Build();
        var reconciler = host.Services.GetRequiredService<DnsReconciler>();
        registry!.FailNextReads(Down(), Down(), Down());

        for (var i = 0; i < 3; i++)
        {
            await reconciler.RunOnceAsync();
            await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        }

        var visible = logs.Entries.Where(e => e.Level >= LogLevel.Information).ToList();
        Assert.All(visible, e => Assert.Null(e.Exception));
        Assert.All(visible, e => Assert.DoesNotContain('\n', e.Message));
        var failures = visible.Where(e => e.Category == typeof(DnsReconciler).FullName).ToList();
        Assert.Equal(3, failures.Count);
        Assert.All(failures, f => Assert.Contains("provider unreachable ← HttpRequestException: Connection refused (127.0.0.1:1) ← IOException: socket closed", f.Message, StringComparison.Ordinal));
        Assert.Equal(3, logs.Entries.Count(e => e.Level == LogLevel.Debug && e.EventId == 1015 && e.Exception is not null));
        Assert.All(visible.Where(e => e.Category.Contains("HealthCheck", StringComparison.Ordinal)), e => Assert.Contains("← IOException: socket closed", e.Message, StringComparison.Ordinal));
    }

    [Fact]
    public async Task LeaseRenewalFailingTheSameWay_WarnedOnceStackAtDebugEachTime()
    {
        var lease = new StubLease(held: false) { Failure = new DnsProviderException("lease table unreachable", isTransient: true, new IOException("connection reset")) };
        await using var h = new ReconcilerHarness(o =>
        {
            o.LeaseRenewInterval = TimeSpan.FromSeconds(5);
            o.InitialRetryDelay = o.MaxRetryDelay = TimeSpan.FromHours(1);
        }, lease);
        await h.StartAsync();
        await h.NextResultAsync();

        for (var i = 1; i <= 3; i++)
        {
            await h.Clock.WaitForTimerAsync(h.Start + TimeSpan.FromSeconds(5 * i));
            h.Clock.Advance(TimeSpan.FromSeconds(5));
            await Eventually.TrueAsync(() => h.ServiceLogger.Entries.Count(e => e.EventId == 1032) >= i + 1, $"failure {i + 1} was logged", TimeSpan.FromSeconds(10));
        }

        var warning = Assert.Single(h.ServiceLogger.Entries, e => e.Level == LogLevel.Warning);
        Assert.Equal(1027, warning.EventId);
        Assert.EndsWith("lease table unreachable ← IOException: connection reset", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Describe_SkipsCausesTheOuterMessageAlreadyNames()
    {
        var inner = new IOException("Connection refused");
        var outer = new DnsProviderException("cannot reach PowerDNS (Connection refused)", isTransient: true, new HttpRequestException("Connection refused", inner));

        Assert.Equal("cannot reach PowerDNS (Connection refused)", ExceptionChain.Describe(outer));
        Assert.Equal("a ← InvalidOperationException: b", ExceptionChain.Describe(new InvalidOperationException("a", new InvalidOperationException("b"))));
    }
}
