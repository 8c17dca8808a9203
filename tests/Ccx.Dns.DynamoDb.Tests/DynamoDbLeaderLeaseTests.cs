using Ccx.Dns.DynamoDb.Tests.Infrastructure;
using Ccx.Dns.Endpoints;
using Ccx.Dns.Providers;
using Ccx.Dns.Providers.InMemory;
using Ccx.Dns.Reconciliation;
using Ccx.Dns.Sources.Programmatic;
using Microsoft.Extensions.Logging.Abstractions;
using static Ccx.Dns.DynamoDb.Tests.Infrastructure.RegistryKit;

namespace Ccx.Dns.DynamoDb.Tests;

[Collection(DynamoDbLocalGroup.Name)]
[Trait("Category", "Integration")]
public sealed class DynamoDbLeaderLeaseTests(DynamoDbLocalFixture fixture)
{
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan SafetyMargin = new DynamoDbLeaderLeaseOptions().SafetyMargin;

    [Fact]
    public async Task TryAcquireOrRenew_FreeLease_OneHolderWinsAndTheOtherWaits()
    {
        var table = await fixture.CreateTableAsync();
        var clock = new ManualTimeProvider();
        using var a = NewLease(table, "a", clock);
        using var b = NewLease(table, "b", clock);

        Assert.True(await a.Lease.TryAcquireOrRenewAsync());
        Assert.False(await b.Lease.TryAcquireOrRenewAsync());

        Assert.True(a.Lease.IsHeld);
        Assert.False(b.Lease.IsHeld);
        var item = Assert.Single(await fixture.ItemsAsync(table));
        Assert.Equal("#lease#test", item.K);
        Assert.Null(item.O); // never seen by owner-filtered scans
    }

    [Fact]
    public async Task TryAcquireOrRenew_LeaderStopsRenewing_RunsOutAfterDurationMinusMarginAndTheStandbyTakesOverOneDurationAfterItFirstSawIt()
    {
        var table = await fixture.CreateTableAsync();
        var clock = new ManualTimeProvider();
        using var a = NewLease(table, "a", clock);
        using var b = NewLease(table, "b", clock);
        Assert.True(await a.Lease.TryAcquireOrRenewAsync());
        Assert.Equal(1, a.Lease.FencingToken);
        Assert.False(await b.Lease.TryAcquireOrRenewAsync()); // b first sees a's grant now

        // a's grant: Duration - SafetyMargin (13 s) from when it sent the write, on its own clock, without any call.
        clock.Advance(Duration - SafetyMargin - TimeSpan.FromMilliseconds(1));
        Assert.True(a.Lease.IsHeld);
        Assert.Equal(TimeSpan.FromMilliseconds(1), a.Lease.RemainingTime);
        clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.False(a.Lease.IsHeld);
        Assert.Equal(TimeSpan.Zero, a.Lease.RemainingTime);
        Assert.Equal(0, a.Lease.FencingToken);

        // b takes over only once it has itself seen the item unchanged for a full Duration.
        Assert.False(await b.Lease.TryAcquireOrRenewAsync());
        clock.Advance(SafetyMargin - TimeSpan.FromMilliseconds(1));
        Assert.False(await b.Lease.TryAcquireOrRenewAsync());
        clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(await b.Lease.TryAcquireOrRenewAsync());
        Assert.Equal(2, b.Lease.FencingToken);

        // The old leader comes back: the lease is b's now.
        Assert.False(await a.Lease.TryAcquireOrRenewAsync());
        Assert.True(b.Lease.IsHeld);
        Assert.Equal(0, a.Lease.FencingToken);
    }

    [Fact]
    public async Task TryAcquireOrRenew_HolderRenews_KeepsTheLeaseAndWritesAtMostOncePerRenewInterval()
    {
        var table = await fixture.CreateTableAsync();
        var clock = new ManualTimeProvider();
        using var a = NewLease(table, "a", clock);
        using var b = NewLease(table, "b", clock);
        Assert.True(await a.Lease.TryAcquireOrRenewAsync());
        a.Handler.Reset();

        for (var i = 0; i < 12; i++)
        {
            clock.Advance(TimeSpan.FromSeconds(2.5));
            Assert.True(await a.Lease.TryAcquireOrRenewAsync());
            Assert.True(await a.Lease.TryAcquireOrRenewAsync()); // answered from memory
            Assert.False(await b.Lease.TryAcquireOrRenewAsync());
        }

        // 30 s of renewals every 2.5 s with RenewInterval 5 s: one PutItem per 5 s.
        Assert.Equal(new Dictionary<string, int> { ["PutItem"] = 6 }, a.Handler.Snapshot());
        Assert.Equal(clock.GetUtcNow() + Duration, a.Lease.ExpiresAt); // last written at 30 s
    }

    [Fact]
    public async Task Release_Holder_StandbyAcquiresAtOnce()
    {
        var table = await fixture.CreateTableAsync();
        var clock = new ManualTimeProvider();
        using var a = NewLease(table, "a", clock);
        using var b = NewLease(table, "b", clock);
        Assert.True(await a.Lease.TryAcquireOrRenewAsync());

        await a.Lease.ReleaseAsync();

        Assert.False(a.Lease.IsHeld);
        Assert.True(await b.Lease.TryAcquireOrRenewAsync());
        await a.Lease.ReleaseAsync(); // not ours: nothing happens
        Assert.True(await b.Lease.TryAcquireOrRenewAsync());
    }

    [Fact]
    public async Task DisposeAsync_Holder_ReleasesSoTheStandbyAcquiresAtOnce()
    {
        var table = await fixture.CreateTableAsync();
        var clock = new ManualTimeProvider();
        var a = NewLease(table, "a", clock);
        using var b = NewLease(table, "b", clock);
        Assert.True(await a.Lease.TryAcquireOrRenewAsync());
        Assert.False(await b.Lease.TryAcquireOrRenewAsync());

        await a.Lease.DisposeAsync();
        a.Dispose();

        Assert.True(await b.Lease.TryAcquireOrRenewAsync());
    }

    [Fact]
    public async Task TryAcquireOrRenew_StoreUnreachable_ThrowsTransientAndIsNotHeld()
    {
        var table = await fixture.CreateTableAsync();
        var clock = new ManualTimeProvider();
        using var a = NewLease(table, "a", clock);
        Assert.True(await a.Lease.TryAcquireOrRenewAsync());
        clock.Advance(TimeSpan.FromSeconds(6));
        a.Handler.FailWhen = _ => true;

        var error = await Assert.ThrowsAsync<DnsProviderException>(() => a.Lease.TryAcquireOrRenewAsync());

        Assert.True(error.IsTransient);
        Assert.False(a.Lease.IsHeld);
        Assert.DoesNotContain(DynamoDbLocalServer.SecretKey, error.ToString());
    }

    [Fact]
    public async Task TryAcquireOrRenew_TableMissing_FailsNamingTheTableOrCreatesIt()
    {
        var clock = new ManualTimeProvider();
        var table = DynamoDbLocalServer.NewTableName("lease");
        using var a = NewLease(table, "a", clock);

        var error = await Assert.ThrowsAsync<DnsProviderException>(() => a.Lease.TryAcquireOrRenewAsync());
        Assert.Contains($"DynamoDB table \"{table}\" does not exist", error.Message);

        using var b = NewLease(table, "b", clock, o => o.CreateTableAsIfMissing());
        Assert.True(await b.Lease.TryAcquireOrRenewAsync());
    }

    [Fact]
    public async Task RunOnce_TwoReconcilersGatedByTheLease_NeverBothApplyAndTheStandbyTakesOverAfterTheLeaderStops()
    {
        var table = await fixture.CreateTableAsync();
        var clock = new ManualTimeProvider();
        var provider = new InMemoryDnsProvider([Zone]);
        using var first = new Replica(fixture, table, "replica-1", provider, clock);
        using var second = new Replica(fixture, table, "replica-2", provider, clock);

        var desired = new List<DnsEndpoint>();
        string? leader = null;
        for (var round = 0; round < 6; round++)
        {
            desired.Add(A($"r{round}", "192.0.2.1"));
            first.Source.ReplaceAll(desired);
            second.Source.ReplaceAll(desired);

            var results = await Task.WhenAll(Task.Run(() => first.Reconciler.RunOnceAsync()), Task.Run(() => second.Reconciler.RunOnceAsync()));

            Assert.All(results, r => Assert.Null(r.Error));
            var applied = results.Count(r => r.Outcome == ReconcileOutcome.Applied);
            Assert.Equal(1, applied);

            // The standby is refused by the lease, or, when it read the zone after the leader's write, has nothing to do.
            Assert.Single(results, r => r.Outcome is ReconcileOutcome.NotLeader or ReconcileOutcome.NoChanges);
            var now = results[0].Outcome == ReconcileOutcome.Applied ? "replica-1" : "replica-2";
            leader ??= now;
            Assert.Equal(leader, now);
            Assert.Equal(round + 1, provider.GetZoneRecords(Zone).Count);
            clock.Advance(TimeSpan.FromSeconds(3));
        }

        // The leader stops. Within one lease duration the standby applies.
        var standby = leader == "replica-1" ? second : first;
        desired.Add(A("after", "192.0.2.2"));
        standby.Source.ReplaceAll(desired);
        var before = await standby.Reconciler.RunOnceAsync();
        Assert.Equal(ReconcileOutcome.NotLeader, before.Outcome);

        clock.Advance(Duration);
        var after = await standby.Reconciler.RunOnceAsync();

        Assert.Equal(ReconcileOutcome.Applied, after.Outcome);
        Assert.Equal(7, provider.GetZoneRecords(Zone).Count);
        Assert.Equal(8, (await fixture.ItemsAsync(table)).Count); // 7 records and the lease
    }

    private LeaseKit NewLease(string table, string holder, ManualTimeProvider clock, Action<DynamoDbLeaderLeaseOptions>? configure = null) =>
        new(fixture, table, holder, clock, configure);

    private sealed class LeaseKit : IDisposable
    {
        public LeaseKit(DynamoDbLocalFixture fixture, string table, string holder, ManualTimeProvider clock, Action<DynamoDbLeaderLeaseOptions>? configure)
        {
            Client = fixture.NewClient(Handler);
            var options = new DynamoDbLeaderLeaseOptions { TableName = table, LeaseName = "test", HolderId = holder, Duration = Duration, RenewInterval = TimeSpan.FromSeconds(5) };
            configure?.Invoke(options);
            Lease = new DynamoDbLeaderLease(Client, options, clock);
        }

        public CountingHandler Handler { get; } = new();

        public Amazon.DynamoDBv2.AmazonDynamoDBClient Client { get; }

        public DynamoDbLeaderLease Lease { get; }

        public void Dispose()
        {
            Lease.Dispose();
            Client.Dispose();
            Handler.Dispose();
        }
    }

    /// <summary>One replica: its own registry, lease, source and reconciler over the shared provider, table and clock.</summary>
    private sealed class Replica : IDisposable
    {
        public Replica(DynamoDbLocalFixture fixture, string table, string holder, InMemoryDnsProvider provider, ManualTimeProvider clock)
        {
            Client = fixture.NewClient();
            Registry = new DynamoDbRegistry(provider, Client, new DynamoDbRegistryOptions { TableName = table, OwnerId = "cluster" }, clock);
            Lease = new DynamoDbLeaderLease(Client, new DynamoDbLeaderLeaseOptions { TableName = table, LeaseName = "cluster", HolderId = holder, Duration = Duration }, clock);
            Reconciler = new DnsReconciler(
                [Source],
                Registry,
                Microsoft.Extensions.Options.Options.Create(new DnsReconcilerOptions()),
                clock,
                NullLogger<DnsReconciler>.Instance,
                lease: Lease);
        }

        public Amazon.DynamoDBv2.AmazonDynamoDBClient Client { get; }

        public DynamoDbRegistry Registry { get; }

        public DynamoDbLeaderLease Lease { get; }

        public ProgrammaticEndpointSource Source { get; } = new();

        public DnsReconciler Reconciler { get; }

        public void Dispose()
        {
            Reconciler.Dispose();
            Lease.Dispose();
            Registry.Dispose();
            Client.Dispose();
        }
    }
}

internal static class LeaseOptionsExtensions
{
    public static void CreateTableAsIfMissing(this DynamoDbLeaderLeaseOptions options) => options.CreateTableIfMissing = true;
}
