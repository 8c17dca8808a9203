using Ccx.Dns.DynamoDb.Tests.Infrastructure;
using Ccx.Dns.Endpoints;
using Ccx.Dns.Providers.InMemory;
using Ccx.Dns.Reconciliation;
using static Ccx.Dns.DynamoDb.Tests.Infrastructure.RegistryKit;

namespace Ccx.Dns.DynamoDb.Tests;

/// <summary>
/// The reconciler with the real <see cref="DynamoDb.DynamoDbLeaderLease"/> and the fenced DynamoDB
/// registry on DynamoDB Local: <see cref="DnsReconcilerOptions.LeaseApplyMargin"/> before and during the apply.
/// Duration 15 s, SafetyMargin 2 s, RenewInterval 5 s, LeaseApplyMargin 3 s unless stated.
/// </summary>
[Collection(DynamoDbLocalGroup.Name)]
[Trait("Category", "Integration")]
public sealed class DynamoDbLeaseReconcilerTests(DynamoDbLocalFixture fixture)
{
    private static readonly DnsEndpoint Keep = A("keep", "192.0.2.1");

    [Fact]
    public async Task RunOnce_LeaderStallsInTheProviderAndTheWatchingStandbyTakesOver_TheLeaderWritesNothingAndTheStandbyApplies()
    {
        var table = await fixture.CreateTableAsync();
        var clock = new ManualTimeProvider();
        var zone = new InMemoryDnsProvider([Zone]);
        using var a = new FencedReplica(fixture, table, "replica-a", zone, clock);
        using var b = new FencedReplica(fixture, table, "replica-b", zone, clock);

        a.Source.ReplaceAll([Keep, A("foo", "192.0.2.10")]);
        Assert.Equal(ReconcileOutcome.Applied, (await a.Reconciler.RunOnceAsync()).Outcome);
        Assert.False(await b.Lease.TryAcquireOrRenewAsync()); // the standby's hosted service looks at the lease every LeaseRenewInterval

        // a's (older) desired state drops foo: it plans the delete, passes the lease check (13 s left) and stalls in the provider.
        a.Source.ReplaceAll([Keep]);
        a.Provider.Arm();
        var runA = a.Reconciler.RunOnceAsync();
        await a.Provider.Entered.WaitAsync(TimeSpan.FromSeconds(30));

        // 16 s later: a's apply was cancelled when 3 s of its lease were left; b has seen the lease unchanged for 16 s.
        clock.Advance(TimeSpan.FromSeconds(16));
        b.Source.ReplaceAll([Keep, A("foo", "192.0.2.20")]);
        var resultB = await b.Reconciler.RunOnceAsync();
        Assert.Equal(ReconcileOutcome.Applied, resultB.Outcome);
        Assert.Equal(2, b.Lease.FencingToken);

        a.Provider.Release();
        var resultA = await runA;

        Assert.Equal(ReconcileOutcome.Failed, resultA.Outcome);
        Assert.Equal(ReconcileStage.Lease, resultA.Error!.Stage);
        Assert.True(resultA.Error.IsTransient);
        Assert.StartsWith("the lease ran out during the apply", resultA.Error.Message);
        Assert.Contains("nothing more is written", resultA.Error.Message);
        Assert.Empty(a.Provider.Applied.Skip(1)); // only its first, legitimate apply
        var foo = Assert.Single(zone.GetZoneRecords(Zone), r => r.DnsName == "foo.example.org");
        Assert.Equal(["192.0.2.20"], foo.Targets);
    }

    [Fact]
    public async Task RunOnce_LeaseReachesTheMarginDuringTheApply_CancelsItAtThatMomentAsATransientLeaseFailure()
    {
        var table = await fixture.CreateTableAsync();
        var clock = new ManualTimeProvider();
        var zone = new InMemoryDnsProvider([Zone]);
        using var a = new FencedReplica(fixture, table, "replica-a", zone, clock);
        a.Source.ReplaceAll([Keep]);
        a.Provider.Arm();

        var run = a.Reconciler.RunOnceAsync();
        await a.Provider.Entered.WaitAsync(TimeSpan.FromSeconds(30));

        // Acquired at 0: valid 15 - 2 = 13 s here; the apply may run until 3 s are left, that is 10 s.
        clock.Advance(TimeSpan.FromSeconds(10) - TimeSpan.FromMilliseconds(1));
        Assert.False(run.IsCompleted);
        Assert.Equal(TimeSpan.FromSeconds(3) + TimeSpan.FromMilliseconds(1), a.Lease.RemainingTime);
        clock.Advance(TimeSpan.FromMilliseconds(1));
        var result = await run.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(ReconcileOutcome.Failed, result.Outcome);
        Assert.Equal(ReconcileStage.Lease, result.Error!.Stage);
        Assert.True(result.Error.IsTransient);
        Assert.Contains("the lease ran out during the apply (less than LeaseApplyMargin, 00:00:03, was left); nothing more is written", result.Error.Message);
        Assert.IsAssignableFrom<OperationCanceledException>(result.Error.Exception);
        Assert.Single(result.Changes.Create); // the report keeps the plan
        Assert.Empty(zone.GetZoneRecords(Zone));
        Assert.Equal(0, clock.ActiveTimers); // the deadline's timer is gone with the apply
        Assert.Equal(1, a.Reconciler.ConsecutiveTransientFailures);
    }

    [Fact]
    public async Task RunOnce_LeaseHeldWithLessThanTheMarginLeft_AppliesNothingUntilARenewalGivesItTime()
    {
        var table = await fixture.CreateTableAsync();
        var clock = new ManualTimeProvider();
        var zone = new InMemoryDnsProvider([Zone]);

        // RenewInterval 12 s: an answer from memory may leave 15 - 2 - 12 = 1 s, less than the 3 s margin (AddDynamoDbLeaderElection refuses this at start).
        using var a = new FencedReplica(fixture, table, "replica-a", zone, clock, lease => lease.RenewInterval = TimeSpan.FromSeconds(12));
        a.Source.ReplaceAll([Keep]);
        Assert.Equal(ReconcileOutcome.Applied, (await a.Reconciler.RunOnceAsync()).Outcome);

        clock.Advance(TimeSpan.FromSeconds(11));
        a.Source.ReplaceAll([Keep, A("late", "192.0.2.2")]);
        var result = await a.Reconciler.RunOnceAsync();

        Assert.Equal(ReconcileOutcome.Failed, result.Outcome);
        Assert.Equal(ReconcileStage.Lease, result.Error!.Stage);
        Assert.True(result.Error.IsTransient);
        Assert.Equal("the leader lease has 00:00:02 left, less than LeaseApplyMargin (00:00:03); nothing was applied", result.Error.Message);
        Assert.Single(a.Provider.Applied);
        Assert.Equal(1, a.Handler.Count("ExecuteTransaction")); // only the first apply's claim

        clock.Advance(TimeSpan.FromSeconds(1)); // 12 s after the last write: the next call renews
        Assert.Equal(ReconcileOutcome.Applied, (await a.Reconciler.RunOnceAsync()).Outcome);
        Assert.Equal(2, zone.GetZoneRecords(Zone).Count);
    }

    [Fact]
    public async Task RunOnce_CallerCancelsDuringTheApply_ThrowsOperationCanceledRatherThanALeaseFailure()
    {
        var table = await fixture.CreateTableAsync();
        var clock = new ManualTimeProvider();
        var zone = new InMemoryDnsProvider([Zone]);
        using var a = new FencedReplica(fixture, table, "replica-a", zone, clock);
        a.Source.ReplaceAll([Keep]);
        a.Provider.Arm();
        using var stop = new CancellationTokenSource();

        var run = a.Reconciler.RunOnceAsync(stop.Token);
        await a.Provider.Entered.WaitAsync(TimeSpan.FromSeconds(30));
        await stop.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        Assert.Empty(zone.GetZoneRecords(Zone));
        Assert.Equal(0, clock.ActiveTimers);
    }
}
