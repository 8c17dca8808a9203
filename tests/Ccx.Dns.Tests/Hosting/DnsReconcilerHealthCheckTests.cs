using Ccx.Dns.Hosting;
using Ccx.Dns.Providers;
using Ccx.Dns.Reconciliation;
using Ccx.Dns.Registry;
using Ccx.Dns.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using static Ccx.Dns.Tests.TestSupport.ReconcilerHarness;

namespace Ccx.Dns.Tests.Hosting;

public sealed class DnsReconcilerHealthCheckTests
{
    private static Task<HealthCheckResult> CheckAsync(ReconcilerHarness h)
    {
        var check = new DnsReconcilerHealthCheck(h.Reconciler, h.Clock);
        return check.CheckHealthAsync(new HealthCheckContext { Registration = new HealthCheckRegistration("dns", check, HealthStatus.Unhealthy, null) });
    }

    [Fact]
    public async Task CheckHealth_BeforeTheFirstRun_IsHealthyStarting()
    {
        await using var h = new ReconcilerHarness();

        var result = await CheckAsync(h);

        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.StartsWith("starting", result.Description);
    }

    [Fact]
    public async Task CheckHealth_LastSyncWithinThreshold_IsHealthy()
    {
        await using var h = new ReconcilerHarness();
        await h.RunAsync();
        h.Clock.Advance(TimeSpan.FromMinutes(3));

        Assert.Equal(HealthStatus.Healthy, (await CheckAsync(h)).Status);
    }

    [Fact]
    public async Task CheckHealth_FailingWithinThreshold_IsDegraded()
    {
        await using var h = new ReconcilerHarness();
        await h.RunAsync();
        h.Registry.FailNextReads(new DnsProviderException("down", isTransient: true));
        await h.RunAsync();

        var result = await CheckAsync(h);

        Assert.Equal(HealthStatus.Degraded, result.Status);
        Assert.Contains("down", result.Description);
    }

    [Fact]
    public async Task CheckHealth_NoSuccessForMoreThanTheThreshold_IsUnhealthy()
    {
        await using var h = new ReconcilerHarness(o => o.UnhealthyAfterIntervals = 3);
        await h.RunAsync();
        h.Registry.FailNextReads(new DnsProviderException("down", isTransient: true));
        h.Clock.Advance(TimeSpan.FromMinutes(3) + TimeSpan.FromSeconds(1));
        await h.RunAsync();

        var result = await CheckAsync(h);

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains("no successful DNS sync for 181 s", result.Description);
    }

    [Fact]
    public async Task CheckHealth_NeverSyncedPastTheThreshold_IsUnhealthy()
    {
        await using var h = new ReconcilerHarness();
        h.Clock.Advance(TimeSpan.FromMinutes(4));

        Assert.Equal(HealthStatus.Unhealthy, (await CheckAsync(h)).Status);
    }

    [Fact]
    public async Task AddDnsReconcilerCheck_RegistersTheCheckWithTheHealthService()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddDnsReconciler().AddInMemoryProvider(o => o.Zones.Add(Zone));
        services.AddSingleton<IRegistry>(sp => new OwnerLabelRegistry(sp.GetRequiredService<IDnsProvider>()));
        services.AddHealthChecks().AddDnsReconcilerCheck();
        await using var sp = services.BuildServiceProvider();
        await sp.GetRequiredService<DnsReconciler>().RunOnceAsync();

        var report = await sp.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        Assert.Equal(HealthStatus.Healthy, report.Entries["ccx-dns"].Status);
    }
}
