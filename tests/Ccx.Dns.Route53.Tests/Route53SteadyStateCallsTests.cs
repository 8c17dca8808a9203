using Ccx.Dns.Endpoints;
using Ccx.Dns.Reconciliation;
using Ccx.Dns.Route53.Tests.Infrastructure;
using Ccx.Dns.Sources.Programmatic;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Ccx.Dns.Route53.Tests;

/// <summary>
/// The HTTP-call budget of a steady-state reconcile through <c>AddDnsReconciler()</c> with the caching decorator and
/// the TXT registry: no Route 53 read inside the cache time, and none right after an apply (the cache is patched).
/// </summary>
public sealed class Route53SteadyStateCallsTests(MotoServerFixture moto, ITestOutputHelper output) : MotoTestBase(moto)
{
    [Fact]
    public async Task RunOnce_WithCaching_SteadyStateAndAfterAnApplyReadNothingFromRoute53()
    {
        await Moto.CreateZoneAsync("steady.example");
        var provider = Providers.Create(o => o.ZonesCacheDuration = TimeSpan.FromHours(1));
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddDnsReconciler()
            .AddProvider(_ => provider)
            .AddCaching(o => o.CacheDuration = TimeSpan.FromMinutes(5))
            .AddTxtRegistry(o => o.OwnerId = "steady")
            .AddProgrammaticSource();
        await using var sp = services.BuildServiceProvider();
        var source = sp.GetRequiredService<ProgrammaticEndpointSource>();
        var reconciler = sp.GetRequiredService<DnsReconciler>();
        source.ReplaceAll(Enumerable.Range(0, 20).Select(i => A($"db{i}.steady.example", $"10.0.0.{i}")));

        var cold = await reconciler.RunOnceAsync();
        Assert.Equal(ReconcileOutcome.Applied, cold.Outcome);
        var coldCalls = Providers.Counter.Total;
        Providers.Counter.Reset();

        var steady = await reconciler.RunOnceAsync();
        Assert.Equal(ReconcileOutcome.NoChanges, steady.Outcome);
        Assert.Equal(0, Providers.Counter.Total);

        source.Upsert(A("db0.steady.example", "10.0.1.0")); // a failover
        var failover = await reconciler.RunOnceAsync();
        Assert.Equal(ReconcileOutcome.Applied, failover.Outcome);
        Assert.Equal(1, Providers.Counter.Total);
        Assert.Equal(1, Providers.Counter.Count("ChangeResourceRecordSets"));
        Providers.Counter.Reset();

        var afterApply = await reconciler.RunOnceAsync();
        Assert.Equal(ReconcileOutcome.NoChanges, afterApply.Outcome);
        Assert.Equal(0, Providers.Counter.Total);

        var live = await Providers.Create().GetRecordsAsync();
        Assert.Contains(live, r => r.DnsName == "db0.steady.example" && r.RecordType == RecordType.A && r.Targets.SequenceEqual(["10.0.1.0"]));
        output.WriteLine($"cold reconcile: {coldCalls} calls; steady state: 0; failover: 1 ChangeResourceRecordSets; right after the apply: 0");
    }
}
