using Ccx.Dns.Endpoints;
using Ccx.Dns.Planning;
using Ccx.Dns.Providers;
using Ccx.Dns.Providers.Caching;
using Ccx.Dns.Providers.InMemory;
using Ccx.Dns.Tests.TestDoubles;

namespace Ccx.Dns.Tests.Providers.Caching;

public sealed class CachingDnsProviderTests
{
    private const string Zone = "example.org";

    private static (InMemoryDnsProvider Inner, RecordingDnsProvider Recorder, CachingDnsProvider Cache, ManualTimeProvider Time) Create(TimeSpan? duration = null)
    {
        var inner = new InMemoryDnsProvider([Zone]);
        var recorder = new RecordingDnsProvider(inner);
        var time = new ManualTimeProvider();
        var cache = new CachingDnsProvider(recorder, new CachingDnsProviderOptions { CacheDuration = duration ?? TimeSpan.FromMinutes(5) }, time);
        return (inner, recorder, cache, time);
    }

    private static DnsEndpoint A(string name, string target) => new(name, RecordType.A, target);

    [Fact]
    public async Task GetRecordsAsync_WithinCacheDuration_ReadsTheProviderOnce()
    {
        var (inner, _, cache, time) = Create();
        await inner.ApplyChangesAsync(new DnsChanges { Create = [A("foo.example.org", "1.2.3.4")] });

        var first = await cache.GetRecordsAsync();
        time.Advance(TimeSpan.FromMinutes(4));
        var second = await cache.GetRecordsAsync();

        Assert.Equal(1, inner.ReadCount);
        Assert.Same(first, second);
        Assert.Single(second);
    }

    [Fact]
    public async Task GetRecordsAsync_AfterAnApplyWhileAReadIsInFlight_StartsItsOwnReadInsteadOfJoiningIt()
    {
        // A full reconcile that yielded to a failover leaves its read in flight; starting again after the failover was
        // applied, it must not be handed that read's answer, which predates the failover.
        var (inner, recorder, cache, _) = Create();
        await inner.ApplyChangesAsync(new DnsChanges { Create = [A("a.example.org", "192.0.2.1")] });
        recorder.ReadBeforeHold = true;
        recorder.HoldReads();
        var before = cache.GetRecordsAsync();
        await recorder.ReadHeld;
        await cache.ApplyChangesAsync(new DnsChanges { UpdateOld = [A("a.example.org", "192.0.2.1")], UpdateNew = [A("a.example.org", "192.0.2.3")] });

        var after = cache.GetRecordsAsync();
        recorder.ReleaseReads();

        Assert.Equal(["192.0.2.1"], Assert.Single(await before).Targets);
        Assert.Equal(["192.0.2.3"], Assert.Single(await after).Targets);
        Assert.Equal(["192.0.2.3"], Assert.Single(await cache.GetRecordsAsync()).Targets);
        Assert.Equal(2, inner.ReadCount);
    }

    [Fact]
    public async Task GetRecordsAsync_AfterCacheDuration_ReadsTheProviderAgain()
    {
        var (inner, _, cache, time) = Create();
        await cache.GetRecordsAsync();

        time.Advance(TimeSpan.FromMinutes(5));
        await cache.GetRecordsAsync();

        Assert.Equal(2, inner.ReadCount);
    }

    [Fact]
    public async Task GetRecordsAsync_ZeroDuration_ReadsEveryTime()
    {
        var (inner, _, cache, _) = Create(TimeSpan.Zero);

        await cache.GetRecordsAsync();
        await cache.GetRecordsAsync();

        Assert.Equal(2, inner.ReadCount);
    }

    [Fact]
    public async Task ApplyChangesAsync_Success_PatchesTheCacheSoTheNextReadDoesNotReachTheProvider()
    {
        var (inner, _, cache, time) = Create();
        await inner.ApplyChangesAsync(new DnsChanges { Create = [A("old.example.org", "1.1.1.1"), A("upd.example.org", "2.2.2.2")] });
        var current = await cache.GetRecordsAsync();

        await cache.ApplyChangesAsync(new DnsChanges
        {
            Create = [A("new.example.org", "3.3.3.3").WithLabel(EndpointLabels.OwnerKey, "owner")],
            UpdateOld = [current.Single(r => r.DnsName == "upd.example.org")],
            UpdateNew = [A("upd.example.org", "4.4.4.4").WithLabel(EndpointLabels.OwnerKey, "owner")],
            Delete = [current.Single(r => r.DnsName == "old.example.org")],
        });
        time.Advance(TimeSpan.FromMinutes(1));
        var patched = await cache.GetRecordsAsync();

        Assert.Equal(1, inner.ReadCount);
        var actual = await inner.GetRecordsAsync();
        Assert.Equal(actual.OrderBy(r => r.DnsName).ToList(), patched.OrderBy(r => r.DnsName).ToList());
        Assert.All(patched, r => Assert.Empty(r.Labels));
        Assert.Equal("4.4.4.4", Assert.Single(patched.Single(r => r.DnsName == "upd.example.org").Targets));
    }

    [Fact]
    public async Task ApplyChangesAsync_ThousandsOfAppliesBetweenReads_TheNextReadIsExactlyTheProvidersRecords()
    {
        var (inner, recorder, cache, _) = Create();
        await cache.ApplyChangesAsync(new DnsChanges { Create = [.. Enumerable.Range(0, 100).Select(i => A($"h{i}.example.org", "10.0.0.1"))] });
        await cache.GetRecordsAsync();
        var reads = inner.ReadCount;

        // Past the folding threshold (1,024 pending changes) several times over, with creates, updates and deletes.
        for (var i = 0; i < 3_000; i++)
        {
            var name = $"h{i % 150}.example.org";
            var current = (await inner.GetRecordsAsync()).SingleOrDefault(r => r.DnsName == name);
            var changes = current is null
                ? new DnsChanges { Create = [A(name, "10.0.0.1").WithLabel("owner", "o")] }
                : i % 3 == 0
                    ? new DnsChanges { Delete = [current] }
                    : new DnsChanges { UpdateOld = [current], UpdateNew = [A(name, $"10.0.{i % 250}.{i % 200}")] };
            await cache.ApplyChangesAsync(changes);
        }

        var cached = await cache.GetRecordsAsync();

        Assert.Equal(reads + 3_000, inner.ReadCount); // only this test's own reads of the inner provider
        Assert.Equal(
            (await inner.GetRecordsAsync()).Select(r => r.ToString()).Order(StringComparer.Ordinal),
            cached.Select(r => r.ToString()).Order(StringComparer.Ordinal));
        Assert.All(cached, r => Assert.Empty(r.Labels));
        GC.KeepAlive(recorder);
    }

    [Fact]
    public async Task ApplyChangesAsync_Failure_DropsTheCacheAndTheNextReadReachesTheProvider()
    {
        var (inner, recorder, cache, _) = Create();
        await cache.GetRecordsAsync();
        recorder.FailNextApply = new DnsProviderException("partly applied", isTransient: true) { IsPartial = true };

        await Assert.ThrowsAsync<DnsProviderException>(() => cache.ApplyChangesAsync(new DnsChanges { Create = [A("foo.example.org", "1.2.3.4")] }));
        await cache.GetRecordsAsync();

        Assert.Equal(2, inner.ReadCount);
    }

    [Fact]
    public async Task ApplyChangesAsync_ProviderRefusal_DropsTheCache()
    {
        var (inner, _, cache, _) = Create();
        await inner.ApplyChangesAsync(new DnsChanges { Create = [A("foo.example.org", "1.2.3.4")] });
        await cache.GetRecordsAsync();

        // The in-memory provider refuses a create of an existing record set.
        await Assert.ThrowsAsync<DnsRecordConflictException>(() => cache.ApplyChangesAsync(new DnsChanges { Create = [A("foo.example.org", "5.6.7.8")] }));
        await cache.GetRecordsAsync();

        Assert.Equal(2, inner.ReadCount);
    }

    [Fact]
    public async Task ApplyChangesAsync_NoChanges_DoesNotCallTheProvider()
    {
        var (inner, _, cache, _) = Create();
        var same = A("foo.example.org", "1.2.3.4");

        await cache.ApplyChangesAsync(DnsChanges.Empty);
        await cache.ApplyChangesAsync(new DnsChanges { UpdateOld = [same], UpdateNew = [same] });

        Assert.Equal(0, inner.ApplyCount);
    }

    [Fact]
    public async Task GetRecordsAsync_ConcurrentCallers_ShareOneProviderRead()
    {
        var (inner, recorder, cache, _) = Create();
        recorder.HoldReads();

        var callers = Enumerable.Range(0, 8).Select(_ => Task.Run(() => cache.GetRecordsAsync())).ToArray();
        await Task.Delay(50);
        recorder.ReleaseReads();
        var results = await Task.WhenAll(callers);

        Assert.Equal(1, inner.ReadCount);
        Assert.All(results, r => Assert.Same(results[0], r));
    }

    [Fact]
    public async Task GetRecordsAsync_SharedReadFails_EveryCallerSeesTheFailureAndTheNextCallReadsAgain()
    {
        var (inner, recorder, cache, _) = Create();
        recorder.HoldReads();
        recorder.FailNextRead = new DnsProviderException("timeout", isTransient: true);

        var first = cache.GetRecordsAsync();
        var second = cache.GetRecordsAsync();
        recorder.ReleaseReads();

        await Assert.ThrowsAsync<DnsProviderException>(() => first);
        await Assert.ThrowsAsync<DnsProviderException>(() => second);
        Assert.Empty(await cache.GetRecordsAsync());
        Assert.Equal(1, inner.ReadCount);
    }

    [Fact]
    public async Task GetRecordsAsync_OneCallerCancels_OthersStillGetTheSharedRead()
    {
        var (inner, recorder, cache, _) = Create();
        recorder.HoldReads();
        using var cts = new CancellationTokenSource();

        var cancelled = cache.GetRecordsAsync(cts.Token);
        var other = cache.GetRecordsAsync();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        recorder.ReleaseReads();

        Assert.NotNull(await other);
        Assert.Equal(1, inner.ReadCount);
    }

    [Fact]
    public async Task GetRecordsAsync_ReadOverlappingAnApply_IsNotCached()
    {
        var (inner, recorder, cache, _) = Create();
        recorder.HoldReads();
        var read = cache.GetRecordsAsync();

        await cache.ApplyChangesAsync(new DnsChanges { Create = [A("foo.example.org", "1.2.3.4")] });
        recorder.ReleaseReads();
        await read;
        var after = await cache.GetRecordsAsync();

        Assert.Equal(2, inner.ReadCount);
        Assert.Single(after);
    }

    [Fact]
    public void Constructor_NegativeDuration_Throws()
    {
        Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() =>
            new CachingDnsProvider(new InMemoryDnsProvider([Zone]), new CachingDnsProviderOptions { CacheDuration = TimeSpan.FromSeconds(-1) }));
    }

    [Fact]
    public void AdjustEndpointsAndDomainFilter_DelegateToTheInnerProvider()
    {
        var filter = new DomainFilter(["example.org"]);
        var inner = new InMemoryDnsProvider([Zone], filter);
        var cache = new CachingDnsProvider(inner, new CachingDnsProviderOptions());
        IReadOnlyList<DnsEndpoint> desired = [A("foo.example.org", "1.2.3.4")];

        Assert.Same(filter, cache.DomainFilter);
        Assert.Same(desired, cache.AdjustEndpoints(desired));
        Assert.Same(inner, cache.Inner);
    }
}
