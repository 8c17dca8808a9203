using Ccx.Dns.Reconciliation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Ccx.Dns.Tests.DependencyInjection;

/// <summary>
/// A hosted service that a part registers on a named reconciler's builder (a source's poller, a registry's start-up
/// check) lives in that reconciler's own container, which the host does not start: the reconciler's parts service
/// starts it before the reconciler's loop and stops it with the host.
/// </summary>
public sealed class NamedDnsReconcilerPartsTests
{
    [Fact]
    public async Task Host_HostedServiceOnANamedReconcilersBuilder_StartsOnceBeforeTheLoopAndStops()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        var named = builder.Services.AddDnsReconciler("private").AddInMemoryProvider(o => o.Zones.Add("example.org")).AddNoopRegistry();
        RecordingPart? part = null;
        DnsReconciler? reconciler = null;
        named.Services.AddSingleton<IHostedService>(_ => part = new RecordingPart(() => reconciler));
        using var host = builder.Build();
        reconciler = host.Services.GetRequiredKeyedService<DnsReconciler>("private");

        await host.StartAsync();

        Assert.NotNull(part);
        Assert.Equal((1, 0), (part.Starts, part.Stops));
        Assert.Null(part.ReconcileSeenAtStart); // started before the reconciler's loop ran its first reconcile
        await host.StopAsync();
        Assert.Equal((1, 1), (part.Starts, part.Stops));
    }

    [Fact]
    public async Task Host_PartFailsToStart_HostDoesNotStart()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddDnsReconciler("private").AddInMemoryProvider(o => o.Zones.Add("example.org")).AddNoopRegistry()
            .Services.AddSingleton<IHostedService, FailingPart>();
        using var host = builder.Build();

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());

        Assert.Equal("the part cannot start", ex.Message);
    }

    private sealed class RecordingPart(Func<DnsReconciler?> reconciler) : IHostedService
    {
        public int Starts { get; private set; }

        public int Stops { get; private set; }

        public ReconcileResult? ReconcileSeenAtStart { get; private set; }

        public Task StartAsync(CancellationToken cancellationToken)
        {
            Starts++;
            ReconcileSeenAtStart = reconciler()?.LastResult;
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken)
        {
            Stops++;
            return Task.CompletedTask;
        }
    }

    private sealed class FailingPart : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => throw new InvalidOperationException("the part cannot start");

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
