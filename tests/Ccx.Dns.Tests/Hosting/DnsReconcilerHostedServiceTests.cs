using Ccx.Dns.Hosting;
using Ccx.Dns.Providers;
using Ccx.Dns.Reconciliation;
using Ccx.Dns.Tests.TestSupport;
using static Ccx.Dns.Tests.TestSupport.ReconcilerHarness;

namespace Ccx.Dns.Tests.Hosting;

public sealed class DnsReconcilerHostedServiceTests
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(500);

    [Fact]
    public async Task Execute_Started_RunsAtOnceThenEveryInterval()
    {
        await using var h = new ReconcilerHarness();
        h.Source.ReplaceAll([A("db1", "10.0.0.1")]);

        await h.StartAsync();
        var first = await h.NextResultAsync();
        await h.Clock.WaitForTimerAsync(h.Start + Minute);
        Assert.False(h.HasPendingResult);
        h.Clock.Advance(Minute);
        var second = await h.NextResultAsync();

        Assert.Equal((h.Start, ReconcileOutcome.Applied), (first.StartedAt, first.Outcome));
        Assert.Equal((h.Start + Minute, ReconcileOutcome.NoChanges), (second.StartedAt, second.Outcome));
        await h.Clock.WaitForTimerAsync(h.Start + (2 * Minute));
    }

    [Fact]
    public async Task Execute_SourceChangedAfterTheDebounceWindow_RunsImmediately()
    {
        await using var h = new ReconcilerHarness();
        await h.StartAsync();
        await h.NextResultAsync();
        await h.Clock.WaitForTimerAsync(h.Start + Minute);
        h.Clock.Advance(TimeSpan.FromSeconds(10));

        h.Source.Upsert(A("db1", "10.0.0.1"));
        var result = await h.NextResultAsync();

        Assert.Equal(h.Start + TimeSpan.FromSeconds(10), result.StartedAt);
        Assert.Single(result.AppliedChanges.Create);
        await h.Clock.WaitForTimerAsync(h.Start + TimeSpan.FromSeconds(10) + Minute); // the interval restarts from that run
    }

    [Fact]
    public async Task Execute_BurstOfChangesWithinTheDebounceWindow_RunsOnceWhenItEnds()
    {
        await using var h = new ReconcilerHarness();
        await h.StartAsync();
        await h.NextResultAsync();
        await h.Clock.WaitForTimerAsync(h.Start + Minute);
        h.Clock.Advance(TimeSpan.FromMilliseconds(100));

        h.Source.Upsert(A("db1", "10.0.0.1"));
        h.Source.Upsert(A("db2", "10.0.0.2"));
        h.Source.Upsert(A("db3", "10.0.0.3"));
        await h.Clock.WaitForTimerAsync(h.Start + Debounce);
        Assert.False(h.HasPendingResult);
        h.Clock.Advance(TimeSpan.FromMilliseconds(399));
        Assert.False(h.HasPendingResult);
        h.Clock.Advance(TimeSpan.FromMilliseconds(1));
        var result = await h.NextResultAsync();

        Assert.Equal(h.Start + Debounce, result.StartedAt);
        Assert.Equal(3, result.AppliedChanges.Create.Count);
        await h.Clock.WaitForTimerAsync(h.Start + Debounce + Minute);
        Assert.False(h.HasPendingResult);
    }

    [Fact]
    public async Task Execute_SourceChangedDuringARun_RunsAgainAfterTheDebounceWindow()
    {
        var source = new ControlledSource { Endpoints = [A("db1", "10.0.0.1")] };
        await using var h = new ReconcilerHarness(sources: [source]);
        var entered = source.HoldNextRead();
        await h.StartAsync();
        await entered;

        source.Endpoints = [A("db1", "10.0.0.1"), A("db2", "10.0.0.2")];
        source.RaiseChanged();
        source.Release();
        var first = await h.NextResultAsync();
        await h.Clock.WaitForTimerAsync(h.Start + Debounce);
        h.Clock.Advance(Debounce);
        var second = await h.NextResultAsync();

        Assert.Equal(h.Start, first.StartedAt);
        Assert.Equal(h.Start + Debounce, second.StartedAt);
        Assert.Equal(2, (await h.Provider.GetRecordsAsync()).Count);
    }

    [Fact]
    public async Task Execute_TransientFailures_BackOffExponentiallyThenRecover()
    {
        await using var h = new ReconcilerHarness();
        h.Source.ReplaceAll([A("db1", "10.0.0.1")]);
        var throttled = new DnsProviderException("throttled", isTransient: true);
        h.Registry.FailNextReads(throttled, throttled, throttled);

        await h.StartAsync();
        var results = new List<ReconcileResult> { await h.NextResultAsync() };
        foreach (var (delay, at) in new[] { (1, 1), (2, 3), (4, 7) })
        {
            await h.Clock.WaitForTimerAsync(h.Start + TimeSpan.FromSeconds(at));
            h.Clock.Advance(TimeSpan.FromSeconds(delay));
            results.Add(await h.NextResultAsync());
        }

        Assert.Equal(
            [ReconcileOutcome.Failed, ReconcileOutcome.Failed, ReconcileOutcome.Failed, ReconcileOutcome.Applied],
            results.Select(r => r.Outcome));
        Assert.Equal(h.Start + TimeSpan.FromSeconds(7), results[^1].StartedAt);
        Assert.Equal(0, h.Reconciler.ConsecutiveTransientFailures);
        await h.Clock.WaitForTimerAsync(h.Start + TimeSpan.FromSeconds(7) + Minute); // back on the interval
    }

    [Fact]
    public async Task Execute_SourceChangedDuringBackOff_WaitsForTheRetry()
    {
        await using var h = new ReconcilerHarness();
        h.Registry.FailNextReads(new DnsProviderException("throttled", isTransient: true));
        await h.StartAsync();
        Assert.Equal(ReconcileOutcome.Failed, (await h.NextResultAsync()).Outcome);
        await h.Clock.WaitForTimerAsync(h.Start + TimeSpan.FromSeconds(1));
        h.Clock.Advance(TimeSpan.FromMilliseconds(600)); // past the debounce window, inside the back-off

        h.Source.Upsert(A("db1", "10.0.0.1"));
        await h.Clock.WaitForTimerAsync(h.Start + TimeSpan.FromSeconds(1));
        Assert.False(h.HasPendingResult);
        h.Clock.Advance(TimeSpan.FromMilliseconds(400));
        var result = await h.NextResultAsync();

        Assert.Equal((ReconcileOutcome.Applied, h.Start + TimeSpan.FromSeconds(1)), (result.Outcome, result.StartedAt));
    }

    [Fact]
    public void Backoff_DoublesFromTheInitialDelayUpToTheCap()
    {
        var options = new DnsReconcilerOptions { InitialRetryDelay = TimeSpan.FromSeconds(1), MaxRetryDelay = TimeSpan.FromSeconds(30) };

        var delays = Enumerable.Range(1, 8).Select(a => DnsReconcilerHostedService.Backoff(options, a).TotalSeconds);

        Assert.Equal([1, 2, 4, 8, 16, 30, 30, 30], delays);
        Assert.Equal(TimeSpan.FromSeconds(30), DnsReconcilerHostedService.Backoff(options, int.MaxValue));
    }

    [Fact]
    public async Task Execute_PermanentFailureOrBuggySource_ReportedAndTheLoopContinuesAtTheInterval()
    {
        var source = new ControlledSource { Endpoints = [A("db1", "10.0.0.1")] };
        source.FailNext(new InvalidOperationException("bug"));
        await using var h = new ReconcilerHarness(sources: [source]);
        h.Registry.FailNextApplies(new DnsProviderException("access denied", isTransient: false));

        await h.StartAsync();
        var first = await h.NextResultAsync();
        await h.Clock.WaitForTimerAsync(h.Start + Minute);
        Assert.DoesNotContain(h.Start + TimeSpan.FromSeconds(1), h.Clock.ArmedTimers);
        h.Clock.Advance(Minute);
        var second = await h.NextResultAsync();
        await h.Clock.WaitForTimerAsync(h.Start + (2 * Minute));
        h.Clock.Advance(Minute);
        var third = await h.NextResultAsync();

        Assert.Equal((ReconcileStage.Source, false), (first.Error!.Stage, first.Error.IsTransient));
        Assert.Equal((ReconcileStage.Apply, false), (second.Error!.Stage, second.Error.IsTransient));
        Assert.Equal(ReconcileOutcome.Applied, third.Outcome);
    }

    [Fact]
    public async Task Stop_WhileIdle_EndsTheLoopCleanly()
    {
        await using var h = new ReconcilerHarness();
        await h.StartAsync();
        await h.NextResultAsync();
        await h.Clock.WaitForTimerAsync(h.Start + Minute);

        await h.Service.StopAsync(CancellationToken.None);
        h.Source.Upsert(A("db1", "10.0.0.1"));
        h.Clock.Advance(10 * Minute);

        Assert.True(h.Service.ExecuteTask!.IsCompletedSuccessfully);
        Assert.False(h.HasPendingResult);
        Assert.Empty(h.Clock.ArmedTimers);
    }

    [Fact]
    public async Task Stop_DuringARun_CancelsItAndEndsCleanly()
    {
        var source = new ControlledSource();
        await using var h = new ReconcilerHarness(sources: [source]);
        var entered = source.HoldNextRead();
        await h.StartAsync();
        await entered;

        await h.Service.StopAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(h.Service.ExecuteTask!.IsCompletedSuccessfully);
        Assert.False(h.HasPendingResult);
    }

    [Fact]
    public async Task Execute_LeaseNotHeld_AppliesNothingUntilItIsWonThenConvergesAtOnce()
    {
        var lease = new StubLease(held: false);
        await using var h = new ReconcilerHarness(o => o.LeaseRenewInterval = TimeSpan.FromSeconds(5), lease);
        h.Source.ReplaceAll([A("db1", "10.0.0.1")]);

        await h.StartAsync();
        var first = await h.NextResultAsync();
        await h.Clock.WaitForTimerAsync(h.Start + TimeSpan.FromSeconds(5));
        Assert.Equal(0, h.Provider.ApplyCount);
        lease.Set(true);
        h.Clock.Advance(TimeSpan.FromSeconds(5));
        var second = await h.NextResultAsync();

        Assert.Equal(ReconcileOutcome.NotLeader, first.Outcome);
        Assert.Equal((ReconcileOutcome.Applied, h.Start + TimeSpan.FromSeconds(5)), (second.Outcome, second.StartedAt));
        Assert.Equal(1, h.Provider.ApplyCount);
    }

    [Fact]
    public async Task ApproveWithheldPlan_WhileRunning_TriggersARunThatAppliesIt()
    {
        await using var h = new ReconcilerHarness();
        await h.Registry.SeedAsync("test-owner", [.. Enumerable.Range(0, 10).Select(i => A($"db{i}", "10.0.0.1"))]);
        h.Source.ReplaceAll([A("db0", "10.0.0.1")]);
        await h.StartAsync();
        Assert.Equal(ReconcileOutcome.Withheld, (await h.NextResultAsync()).Outcome);
        await h.Clock.WaitForTimerAsync(h.Start + Minute);
        h.Clock.Advance(TimeSpan.FromSeconds(1));

        h.Reconciler.ApproveWithheldPlan();
        var result = await h.NextResultAsync();

        Assert.Equal((ReconcileOutcome.Applied, h.Start + TimeSpan.FromSeconds(1)), (result.Outcome, result.StartedAt));
        Assert.Single(await h.Provider.GetRecordsAsync());
    }
}
