using Ccx.Dns.Endpoints;
using Ccx.Dns.Hosting;
using Ccx.Dns.Planning;
using Ccx.Dns.Providers;
using Ccx.Dns.Providers.Caching;
using Ccx.Dns.Providers.InMemory;
using Ccx.Dns.Reconciliation;
using Ccx.Dns.Registry.Txt;
using Ccx.Dns.Sources.Datastore;
using Ccx.Dns.Sources.Programmatic;
using Ccx.Dns.Tests.TestDoubles;
using Ccx.Dns.Tests.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Ccx.Dns.Tests.Reconciliation;

/// <summary>A failover does not wait behind a full reconcile: the full one yields to targeted ones before it writes.</summary>
public sealed class FullReconcileYieldTests
{
    private const string Zone = "example.org";

    [Fact]
    public async Task TargetedRequestDuringAFullReconcile_RunsFirst_AndTheFullOneStartsAgainFromFreshReads()
    {
        var s = Stack();
        s.Source.ReplaceAll([A("a", "192.0.2.1"), A("b", "192.0.2.1")]);
        await s.Reconciler.RunOnceAsync();
        s.Results.Clear();

        // The full reconcile reads a = .2 and is held reading the zone; meanwhile a fails over to .3.
        s.Source.Upsert(A("a", "192.0.2.2"));
        s.Provider.HoldReads();
        var full = s.Reconciler.RunOnceAsync();
        await s.Provider.ReadHeld;
        s.Source.Upsert(A("a", "192.0.2.3"));

        // The zone read is cancelled, the registry keeps its view, and the failover is applied while the read that the
        // full reconcile starts again is still held.
        var failover = await s.Reconciler.RunOnceAsync(["a." + Zone]).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(full.IsCompleted);
        Assert.Equal((ReconcileMode.Targeted, ReconcileOutcome.Applied), (failover.Mode, failover.Outcome));
        s.Provider.ReleaseReads();
        await full.WaitAsync(TimeSpan.FromSeconds(10));

        // The full one then read again and had nothing left to do. Had it gone on with what it read before yielding, a
        // would be back at .2.
        Assert.Equal(
            [(ReconcileMode.Targeted, ReconcileOutcome.Applied), (ReconcileMode.Full, ReconcileOutcome.NoChanges)],
            s.Results.Select(r => (r.Mode, r.Outcome)));
        Assert.Equal(["192.0.2.3"], s.Inner.GetZoneRecords(Zone).Single(r => r.DnsName == "a." + Zone && r.RecordType == RecordType.A).Targets);
        Assert.Equal(0, s.Reconciler.TargetedWaiting);
    }

    [Fact]
    public async Task TargetedRequest_ASourceCallbackThrowsWhenTheFullReadIsCancelled_StillRunsAndTheFullOneEnds()
    {
        // A callback that a source registered on its read's token throws when the yield cancels it: the targeted
        // reconcile still gets the gate the full one released, and nothing is left holding it.
        var inner = new InMemoryDnsProvider([Zone]);
        var source = new ThrowingOnCancelSource();
        var logger = new CapturingLogger<DnsReconciler>();
        using var reconciler = new DnsReconciler([source], new TxtRegistry(inner, new TxtRegistryOptions { OwnerId = "o" }), Options.Create(new DnsReconcilerOptions()), TimeProvider.System, logger);
        source.Inner.ReplaceAll([A("a", "192.0.2.1")]);
        await reconciler.RunOnceAsync();

        var held = source.HoldNextFullRead();
        var full = reconciler.RunOnceAsync();
        await held.WaitAsync(TimeSpan.FromSeconds(10));
        source.Inner.Upsert(A("a", "192.0.2.2"));
        var targeted = await reconciler.RunOnceAsync(["a." + Zone]).WaitAsync(TimeSpan.FromSeconds(10));
        var fullResult = await full.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal((ReconcileMode.Targeted, ReconcileOutcome.Applied), (targeted.Mode, targeted.Outcome));
        Assert.Equal((ReconcileMode.Full, ReconcileOutcome.NoChanges), (fullResult.Mode, fullResult.Outcome));
        Assert.Single(logger.WithEvent(1043));
        Assert.Equal(ReconcileOutcome.NoChanges, (await reconciler.RunOnceAsync(["a." + Zone]).WaitAsync(TimeSpan.FromSeconds(10))).Outcome);
    }

    [Fact]
    public async Task TargetedRequestDuringTheFirstFullReconcile_WaitsForIt()
    {
        // Before the first full reconcile there is nothing a targeted one can continue from: it would be a second full
        // reconcile, so the first one does not yield to it.
        var s = Stack();
        s.Source.ReplaceAll([A("a", "192.0.2.1")]);
        s.Provider.HoldReads();
        var full = s.Reconciler.RunOnceAsync();
        await s.Provider.ReadHeld;
        var targeted = s.Reconciler.RunOnceAsync(["a." + Zone]);
        Assert.Equal(0, s.Reconciler.TargetedWaiting);
        s.Provider.ReleaseReads();
        await Task.WhenAll(full, targeted).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(
            [(ReconcileMode.Full, ReconcileOutcome.Applied), (ReconcileMode.Targeted, ReconcileOutcome.NoChanges)],
            s.Results.Select(r => (r.Mode, r.Outcome)));
    }

    [Fact]
    public async Task TargetedRequestDuringAFullApply_WaitsForIt()
    {
        // From the safety guard on, a full reconcile is committed to its plan: a targeted one asked for during the apply
        // runs after it.
        var s = Stack();
        s.Source.ReplaceAll([A("a", "192.0.2.1")]);
        await s.Reconciler.RunOnceAsync();
        s.Results.Clear();
        s.Source.Upsert(A("b", "192.0.2.1"));
        var applying = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        s.Provider.BeforeApply = async () =>
        {
            applying.TrySetResult();
            await release.Task;
        };
        var full = s.Reconciler.RunOnceAsync();
        await applying.Task.WaitAsync(TimeSpan.FromSeconds(10));
        s.Provider.BeforeApply = null;
        s.Source.Upsert(A("a", "192.0.2.9"));
        var targeted = s.Reconciler.RunOnceAsync(["a." + Zone]);
        release.SetResult();
        await Task.WhenAll(full, targeted).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(
            [(ReconcileMode.Full, ReconcileOutcome.Applied), (ReconcileMode.Targeted, ReconcileOutcome.Applied)],
            s.Results.Select(r => (r.Mode, r.Outcome)));
        Assert.Equal(["192.0.2.9"], s.Inner.GetZoneRecords(Zone).Single(r => r.DnsName == "a." + Zone && r.RecordType == RecordType.A).Targets);
    }

    [Fact]
    public async Task HostedService_NamedSignalDuringAFullReconcile_IsAppliedBeforeTheFullOneEnds_ThrottledFromItsStart()
    {
        var clock = new ManualTimeProvider();
        var inner = new InMemoryDnsProvider([Zone]);
        var provider = new RecordingDnsProvider(inner);
        var datastores = new DatastoreNamingSource();
        var registry = new TxtRegistry(provider, new TxtRegistryOptions { OwnerId = "o" });
        var options = new DnsReconcilerOptions(); // MinEventSyncInterval 500 ms, Interval 1 min
        using var reconciler = new DnsReconciler([datastores], registry, Options.Create(options), clock, NullLogger<DnsReconciler>.Instance);
        var results = System.Threading.Channels.Channel.CreateUnbounded<ReconcileResult>();
        reconciler.Reconciled += (_, r) => results.Writer.TryWrite(r);
        var id = Guid.Parse("0b7c4e1a-8c55-4f51-9b0e-000000000002");
        datastores.SetCluster(new DatastoreCluster(id, Zone, [new("10.0.0.1", DatastoreNodeRole.Primary), new("10.0.0.2", DatastoreNodeRole.Replica)]));
        using var service = new DnsReconcilerHostedService(reconciler, clock, NullLogger<DnsReconcilerHostedService>.Instance);
        await service.StartAsync(CancellationToken.None);
        var first = await results.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        await clock.WaitForTimerAsync(clock.GetUtcNow() + options.Interval);

        // The interval's full reconcile starts and is held reading the zone; the primary fails over meanwhile.
        provider.HoldReads();
        clock.Advance(options.Interval);
        var fullStart = clock.GetUtcNow();
        await provider.ReadHeld;
        datastores.Promote(id, "10.0.0.2");

        // The targeted reconcile waits for MinEventSyncInterval from the full one's start, then asks it to yield: the zone
        // read is cancelled and the failover applied while the full reconcile's next read is still held.
        await clock.WaitForTimerAsync(fullStart + options.MinEventSyncInterval);
        Assert.False(results.Reader.TryPeek(out _));
        clock.Advance(options.MinEventSyncInterval);
        var failover = await results.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        provider.ReleaseReads();
        var full = await results.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        await service.StopAsync(CancellationToken.None);

        Assert.Equal((ReconcileMode.Full, ReconcileOutcome.Applied), (first.Mode, first.Outcome));
        Assert.Equal((ReconcileMode.Targeted, ReconcileOutcome.Applied, 2), (failover.Mode, failover.Outcome, failover.AppliedChanges.UpdateNew.Count));
        Assert.Equal(fullStart + options.MinEventSyncInterval, failover.StartedAt);
        Assert.Equal((ReconcileMode.Full, ReconcileOutcome.NoChanges), (full.Mode, full.Outcome));
        Assert.Equal(["10.0.0.2"], inner.GetZoneRecords(Zone).Single(r => r.DnsName == id + "." + Zone && r.RecordType == RecordType.A).Targets);
    }

    /// <summary>
    /// Full and targeted reconciles requested at random moments, concurrently, over a provider that takes random short
    /// pauses (so that full reconciles yield in every stage): when all have ended, the zone is exactly what the source
    /// says, with one ownership record per record, and no reconcile failed. 40 fixed seeds (the interleavings vary).
    /// </summary>
    [Fact]
    public async Task ConcurrentFullAndTargetedReconciles_Converge()
    {
        var yields = 0;
        for (var seed = 0; seed < 40; seed++)
        {
            var random = new Random(seed);
            var inner = new InMemoryDnsProvider([Zone]);
            var pausing = new PausingProvider(inner, seed);
            IDnsProvider provider = seed % 2 == 0 ? pausing : new CachingDnsProvider(pausing, new CachingDnsProviderOptions { CacheDuration = TimeSpan.FromMilliseconds(random.Next(1, 30)) });
            var source = new ProgrammaticEndpointSource();
            var logger = new CapturingLogger<DnsReconciler>();
            using var reconciler = new DnsReconciler([source], new TxtRegistry(provider, new TxtRegistryOptions { OwnerId = "o" }), Options.Create(new DnsReconcilerOptions()), TimeProvider.System, logger);
            var names = Enumerable.Range(0, 12).Select(i => $"n{i}").ToArray();
            source.ReplaceAll(names.Select(n => A(n, "192.0.2.1")));
            Assert.Equal(ReconcileOutcome.Applied, (await reconciler.RunOnceAsync()).Outcome);

            var runs = new List<Task<ReconcileResult>>();
            for (var step = 0; step < 30; step++)
            {
                var name = names[random.Next(names.Length)];
                switch (random.Next(9))
                {
                    case < 6:
                        source.Upsert(A(name, "192.0.2." + random.Next(1, 250).ToString(System.Globalization.CultureInfo.InvariantCulture)));
                        runs.Add(reconciler.RunOnceAsync([name + "." + Zone]));
                        break;
                    case 6:
                        source.Remove(new EndpointKey(name + "." + Zone, RecordType.A));
                        runs.Add(reconciler.RunOnceAsync([name + "." + Zone]));
                        break;
                    default:
                        runs.Add(Task.Run(() => reconciler.RunOnceAsync()));
                        break;
                }

                if (random.Next(3) == 0)
                {
                    await Task.Delay(random.Next(0, 3));
                }
            }

            var results = await Task.WhenAll(runs).WaitAsync(TimeSpan.FromSeconds(30));

            Assert.All(results, r => Assert.Null(r.Error));
            var want = (await source.GetEndpointsAsync()).Select(e => $"{e.DnsName} {e.Targets[0]}").Order(StringComparer.Ordinal);
            var zone = inner.GetZoneRecords(Zone);
            Assert.Equal(want, zone.Where(r => r.RecordType == RecordType.A).Select(r => $"{r.DnsName} {r.Targets[0]}").Order(StringComparer.Ordinal));
            Assert.Equal(zone.Count(r => r.RecordType == RecordType.A), zone.Count(r => r.RecordType == RecordType.TXT));
            yields += logger.WithEvent(1042).Count;
        }

        Assert.True(yields > 0, "no full reconcile yielded: the test does not exercise what it is about");
    }

    [Fact]
    public async Task HostedService_TargetedReconcileBesideAFullOneFailsTransiently_TheFullOneAppliesTheFailoverAndARetryFollows()
    {
        var clock = new ManualTimeProvider();
        var inner = new InMemoryDnsProvider([Zone]);
        var provider = new RecordingDnsProvider(inner);
        var datastores = new DatastoreNamingSource();
        var options = new DnsReconcilerOptions { MinEventSyncInterval = TimeSpan.Zero };
        using var reconciler = new DnsReconciler([datastores], new TxtRegistry(provider, new TxtRegistryOptions { OwnerId = "o" }), Options.Create(options), clock, NullLogger<DnsReconciler>.Instance);
        var results = System.Threading.Channels.Channel.CreateUnbounded<ReconcileResult>();
        reconciler.Reconciled += (_, r) => results.Writer.TryWrite(r);
        var id = Guid.Parse("0b7c4e1a-8c55-4f51-9b0e-000000000003");
        datastores.SetCluster(new DatastoreCluster(id, Zone, [new("10.0.0.1", DatastoreNodeRole.Primary), new("10.0.0.2", DatastoreNodeRole.Replica)]));
        using var service = new DnsReconcilerHostedService(reconciler, clock, NullLogger<DnsReconcilerHostedService>.Instance);
        await service.StartAsync(CancellationToken.None);
        await results.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        await clock.WaitForTimerAsync(clock.GetUtcNow() + options.Interval);

        // The interval's full reconcile is held reading the zone; the failover's targeted reconcile beside it fails.
        provider.HoldReads();
        clock.Advance(options.Interval);
        await provider.ReadHeld;
        provider.FailNextApply = new Ccx.Dns.Providers.DnsProviderException("throttled", isTransient: true);
        datastores.Promote(id, "10.0.0.2");
        var failed = await results.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        provider.ReleaseReads();
        var full = await results.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        var retryAt = clock.GetUtcNow() + options.InitialRetryDelay;
        await clock.WaitForTimerAsync(retryAt);
        clock.Advance(options.InitialRetryDelay);
        var retry = await results.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        await service.StopAsync(CancellationToken.None);

        Assert.Equal((ReconcileMode.Targeted, ReconcileOutcome.Failed, true), (failed.Mode, failed.Outcome, failed.Error!.IsTransient));
        Assert.Equal((ReconcileMode.Full, ReconcileOutcome.Applied, 2), (full.Mode, full.Outcome, full.AppliedChanges.UpdateNew.Count));
        Assert.Equal((ReconcileMode.Full, ReconcileOutcome.NoChanges, retryAt), (retry.Mode, retry.Outcome, retry.StartedAt));
        Assert.Equal(["10.0.0.2"], inner.GetZoneRecords(Zone).Single(r => r.DnsName == id + "." + Zone && r.RecordType == RecordType.A).Targets);
    }

    [Fact]
    public void IncrementalFullPlan_Cancelled_ThrowsAndKeepsTheLastPlan()
    {
        var plans = new IncrementalFullPlan();
        var settings = new PlanInput { Current = [], Desired = [], OwnerId = "o" };
        var desired = Enumerable.Range(0, 3 * PeriodicCancellation.Stride).Select(i => A($"n{i}", "192.0.2.1")).ToList();
        var first = plans.Calculate(Planner.Instance, e => e, settings, desired, []);
        using var cancellation = new CancellationTokenSource();

        // Every endpoint changed: a whole calculation, cancelled part-way through.
        var changed = new CancellingList(desired.Select(e => A(e.DnsName.Split('.')[0], "192.0.2.2")).ToList(), PeriodicCancellation.Stride + 1, cancellation.Cancel);
        Assert.Throws<OperationCanceledException>(() => plans.Calculate(Planner.Instance, e => e, settings, changed, [], cancellation.Token));
        var again = plans.Calculate(Planner.Instance, e => e, settings, desired, []);

        Assert.Same(first, again); // the memo is the first calculation's, untouched by the abandoned one
        Assert.Equal((true, 0), plans.Last);
    }

    [Fact]
    public void Planner_CancelledPartWay_Throws()
    {
        // The token is checked as the calculation goes: a cancellation after it started ends it.
        var desired = Enumerable.Range(0, 3 * PeriodicCancellation.Stride).Select(i => A($"n{i}", "192.0.2.1")).ToList();
        using var cancellation = new CancellationTokenSource();
        var input = new PlanInput { Current = [], Desired = new CancellingList(desired, PeriodicCancellation.Stride + 1, cancellation.Cancel), OwnerId = "o" };

        Assert.False(cancellation.IsCancellationRequested);
        Assert.Throws<OperationCanceledException>(() => Planner.Calculate(input, validateOnly: null, rejectedAt: null, cancellation.Token));
        Assert.True(cancellation.IsCancellationRequested);
        Assert.Equal(desired.Count, Planner.Calculate(input with { Desired = desired }, validateOnly: null, rejectedAt: null, CancellationToken.None).Changes.Create.Count);
    }

    private static DnsEndpoint A(string name, string ip) => new($"{name}.{Zone}", RecordType.A, ip);

    private static StackParts Stack()
    {
        var inner = new InMemoryDnsProvider([Zone]);
        var provider = new RecordingDnsProvider(inner);
        var source = new ProgrammaticEndpointSource();
        var registry = new TxtRegistry(provider, new TxtRegistryOptions { OwnerId = "o" });
        var reconciler = new DnsReconciler([source], registry, Options.Create(new DnsReconcilerOptions()), TimeProvider.System, NullLogger<DnsReconciler>.Instance);
        var parts = new StackParts(inner, provider, source, reconciler, []);
        reconciler.Reconciled += (_, r) =>
        {
            lock (parts.Results)
            {
                parts.Results.Add(r);
            }
        };
        return parts;
    }

    private sealed record StackParts(InMemoryDnsProvider Inner, RecordingDnsProvider Provider, ProgrammaticEndpointSource Source, DnsReconciler Reconciler, List<ReconcileResult> Results);

    /// <summary>A scoped source whose next full read registers a throwing callback on its token and waits until cancelled.</summary>
    private sealed class ThrowingOnCancelSource : Ccx.Dns.Sources.IScopedEndpointSource
    {
        private TaskCompletionSource? _held;

        public event EventHandler? Changed
        {
            add => Inner.Changed += value;
            remove => Inner.Changed -= value;
        }

        public ProgrammaticEndpointSource Inner { get; } = new();

        public Task HoldNextFullRead()
        {
            _held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _held.Task;
        }

        public async Task<IReadOnlyList<DnsEndpoint>> GetEndpointsAsync(CancellationToken cancellationToken = default)
        {
            if (Interlocked.Exchange(ref _held, null) is { } held)
            {
                // Not disposed when the read ends: it must run (and throw) whatever order the callbacks run in.
                cancellationToken.Register(() => throw new InvalidOperationException("a source's cancellation callback failed"));
                held.SetResult();
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }

            return await Inner.GetEndpointsAsync(cancellationToken);
        }

        public Task<Ccx.Dns.Sources.ScopedEndpoints> GetEndpointsAsync(IReadOnlySet<string> names, CancellationToken cancellationToken = default) =>
            Inner.GetEndpointsAsync(names, cancellationToken);
    }

    /// <summary>A provider that pauses for a random moment (0–2 ms, or a yield of the thread) before each read and apply.</summary>
    private sealed class PausingProvider(InMemoryDnsProvider inner, int seed) : IDnsProvider
    {
        private readonly Random _random = new(seed);

        public DomainFilter DomainFilter => inner.DomainFilter;

        public async Task<IReadOnlyList<DnsEndpoint>> GetRecordsAsync(CancellationToken cancellationToken = default)
        {
            await PauseAsync(cancellationToken);
            return await inner.GetRecordsAsync(cancellationToken);
        }

        public async Task ApplyChangesAsync(DnsChanges changes, CancellationToken cancellationToken = default)
        {
            await PauseAsync(cancellationToken);
            await inner.ApplyChangesAsync(changes, cancellationToken);
        }

        public IReadOnlyList<DnsEndpoint> AdjustEndpoints(IReadOnlyList<DnsEndpoint> endpoints) => inner.AdjustEndpoints(endpoints);

        private async Task PauseAsync(CancellationToken cancellationToken)
        {
            int pause;
            lock (_random)
            {
                pause = _random.Next(-1, 3);
            }

            if (pause < 0)
            {
                await Task.Yield();
            }
            else
            {
                await Task.Delay(pause, cancellationToken);
            }
        }
    }
}
