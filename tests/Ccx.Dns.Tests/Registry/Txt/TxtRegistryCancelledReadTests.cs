using System.Globalization;
using Ccx.Dns.Endpoints;
using Ccx.Dns.Planning;
using Ccx.Dns.Providers;
using Ccx.Dns.Registry.Txt;
using Ccx.Dns.Tests.TestDoubles;
using Ccx.Dns.Tests.TestSupport;
using static Ccx.Dns.Tests.Registry.Txt.TxtRegistryTestKit;

namespace Ccx.Dns.Tests.Registry.Txt;

/// <summary>
/// A full read that is cancelled (a full reconcile yielding to a failover) leaves the registry as if it had never begun:
/// the last view still serves targeted reads, and the next full read returns what a read returns.
/// </summary>
public sealed class TxtRegistryCancelledReadTests
{
    [Fact]
    public async Task GetRecordsAsync_CancelledWhileReadingTheProvider_KeepsTheLastView()
    {
        var provider = new RecordingDnsProvider(NewProvider());
        await SeedAsync(provider, A("a.example.org", "192.0.2.1"), TxtRecord("a-a.example.org", OwnershipText("owner", "db/a")), A("b.example.org", "192.0.2.2"));
        var registry = CreateRegistry(provider);
        var before = Render(await registry.GetRecordsAsync());

        provider.HoldReads();
        using var cancellation = new CancellationTokenSource();
        var read = registry.GetRecordsAsync(cancellation.Token);
        await provider.ReadHeld;
        await cancellation.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => read);

        var scoped = await registry.GetRecordsAsync(new HashSet<string>(StringComparer.Ordinal) { "a.example.org" });
        Assert.NotNull(scoped);
        Assert.Equal(["a.example.org A [192.0.2.1] owner=owner resource=db/a"], Render(scoped));
        provider.ReleaseReads();
        Assert.Equal(before, Render(await registry.GetRecordsAsync()));
    }

    [Fact]
    public async Task GetRecordsAsync_CancelledWhileBuildingTheView_KeepsTheLastView()
    {
        var inner = NewProvider();
        var seed = new List<DnsEndpoint>();
        for (var i = 0; i < 6_000; i++)
        {
            var name = $"db{i.ToString(CultureInfo.InvariantCulture)}.example.org";
            seed.Add(A(name, "192.0.2.1"));
            seed.Add(TxtRecord("a-" + name, OwnershipText("owner")));
        }

        await SeedAsync(inner, [.. seed]);
        var provider = new CancellingReadProvider(inner);
        var registry = CreateRegistry(provider);
        var before = Render(await registry.GetRecordsAsync());

        // The provider's list cancels the read when the registry has consumed part of it.
        using var cancellation = new CancellationTokenSource();
        provider.CancelAt = (5_000, cancellation);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => registry.GetRecordsAsync(cancellation.Token));
        Assert.True(provider.Cancelled);

        var scoped = await registry.GetRecordsAsync(new HashSet<string>(StringComparer.Ordinal) { "db7.example.org" });
        Assert.NotNull(scoped);
        Assert.Equal(["db7.example.org A [192.0.2.1] owner=owner"], Render(scoped));
        Assert.Equal(before, Render(await registry.GetRecordsAsync()));
    }

    [Fact]
    public async Task GetRecordsAsync_CancelledAfterTheCacheWasRefreshed_ReadsTheRefreshedCacheNextTime()
    {
        // The cancelled read refreshed the provider cache (it had expired) before it was cancelled: the last view is not
        // a copy of that refreshed cache, and the next full read must not serve it as one.
        var inner = NewProvider();
        var seed = new List<DnsEndpoint>();
        for (var i = 0; i < 6_000; i++)
        {
            seed.Add(A($"db{i.ToString(CultureInfo.InvariantCulture)}.example.org", "192.0.2.1"));
        }

        await SeedAsync(inner, [.. seed]);
        var cancelling = new CancellingReadProvider(inner);
        var time = new ManualTimeProvider();
        var cache = new Ccx.Dns.Providers.Caching.CachingDnsProvider(cancelling, new Ccx.Dns.Providers.Caching.CachingDnsProviderOptions { CacheDuration = TimeSpan.FromMinutes(1) }, time);
        var registry = CreateRegistry(cache);
        await registry.GetRecordsAsync();
        await inner.ApplyChangesAsync(new DnsChanges { Create = [A("external.example.org", "192.0.2.9")] }); // by someone else
        time.Advance(TimeSpan.FromMinutes(2));

        using var cancellation = new CancellationTokenSource();
        cancelling.CancelAt = (5_000, cancellation);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => registry.GetRecordsAsync(cancellation.Token));
        var again = await registry.GetRecordsAsync();

        Assert.True(cancelling.Cancelled);
        Assert.Contains(again, r => r.DnsName == "external.example.org");
    }

    private static List<string> Render(IReadOnlyList<DnsEndpoint> records) =>
        [.. records.Select(r => $"{r.DnsName} {r.RecordType} [{string.Join(',', r.Targets)}]" + string.Concat(r.Labels.Where(l => l.Key is "owner" or "resource").Select(l => $" {l.Key}={l.Value}")))];

    /// <summary>A provider whose record list cancels a token when the reader reaches a given position.</summary>
    private sealed class CancellingReadProvider(IDnsProvider inner) : IDnsProvider
    {
        public (int Position, CancellationTokenSource Source)? CancelAt { get; set; }

        public bool Cancelled { get; private set; }

        public DomainFilter DomainFilter => inner.DomainFilter;

        public async Task<IReadOnlyList<DnsEndpoint>> GetRecordsAsync(CancellationToken cancellationToken = default)
        {
            var records = await inner.GetRecordsAsync(cancellationToken);
            return CancelAt is { } at ? new CancellingList(records, at.Position, () =>
            {
                Cancelled = true;
                at.Source.Cancel();
            }) : records;
        }

        public Task ApplyChangesAsync(DnsChanges changes, CancellationToken cancellationToken = default) => inner.ApplyChangesAsync(changes, cancellationToken);

        public IReadOnlyList<DnsEndpoint> AdjustEndpoints(IReadOnlyList<DnsEndpoint> endpoints) => inner.AdjustEndpoints(endpoints);
    }
}
